//! The locks that make capacity checks safe across connections and
//! processes (I1, I2, I4): an admin change locks its office exclusively; a
//! booking shares that lock and locks its office day.

use crate::StoreError;
use crate::infra::connection::DbConnection;
use diesel::prelude::*;
use time::Date;

/// Locks the office row against bookings and other changes (PostgreSQL:
/// `FOR UPDATE`, which waits for every booking holding `FOR SHARE`; SQLite:
/// the write lock) and returns its version.
pub(crate) fn lock_office(
    conn: &mut DbConnection,
    office: &str,
) -> Result<Option<i64>, StoreError> {
    use diesel::sql_types::Text;
    match &mut *conn {
        DbConnection::Pg(pg) => {
            let row: Option<VersionRow> =
                diesel::sql_query("SELECT version FROM offices WHERE id = $1 FOR UPDATE")
                    .bind::<Text, _>(office)
                    .get_result(pg)
                    .optional()?;
            Ok(row.map(|r| r.version))
        }
        DbConnection::Sqlite(lite) => sqlite_write_lock(lite, office),
    }
}

/// SQLite: a write as the first statement takes the database write lock,
/// which serialises all writers (waiting `busy_timeout` for it); then the
/// office's version, read under it.
fn sqlite_write_lock(
    lite: &mut diesel::SqliteConnection,
    office: &str,
) -> Result<Option<i64>, StoreError> {
    use diesel::sql_types::Text;
    let touched = diesel::sql_query("UPDATE offices SET version = version WHERE id = ?")
        .bind::<Text, _>(office)
        .execute(lite)?;
    if touched == 0 {
        return Ok(None);
    }
    let row: VersionRow = diesel::sql_query("SELECT version FROM offices WHERE id = ?")
        .bind::<Text, _>(office)
        .get_result(lite)?;
    Ok(Some(row.version))
}

#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    version: i64,
}

/// Takes the lock a booking of `office` on `day` needs before it reads the
/// day's occupancy, and returns the configuration's version (read under it).
///
/// PostgreSQL: a share lock on the office row (an admin change takes it
/// exclusively, so a booking sees either the old or the new configuration
/// whole), then the office-day row, created on first use, locked for update:
/// bookings of one office day queue here, other days go on in parallel.
/// SQLite: the database write lock, as for [`lock_office`].
///
/// Either way the day's version rises (issue #13: the offers cache), and
/// falls back with a transaction that rolls back.
pub(crate) fn lock_day(
    conn: &mut DbConnection,
    office: &str,
    day: Date,
) -> Result<Option<i64>, StoreError> {
    use diesel::sql_types::{Date as SqlDate, Text};
    match &mut *conn {
        DbConnection::Pg(pg) => {
            // One round trip: the office row shared first (the CTE `d`
            // reads `o`, so `o` runs first), then the day row, created on
            // first use, locked by the upsert. No office: no row, no lock.
            let row: Option<VersionRow> = diesel::sql_query(
                "WITH o AS (SELECT version FROM offices WHERE id = $1 FOR SHARE), \
                 d AS (INSERT INTO office_days (office_id, day) SELECT $1, $2 FROM o \
                 ON CONFLICT (office_id, day) DO UPDATE SET version = office_days.version + 1 \
                 RETURNING 1) \
                 SELECT o.version FROM o, d",
            )
            .bind::<Text, _>(office)
            .bind::<SqlDate, _>(day)
            .get_result(pg)
            .optional()?;
            Ok(row.map(|r| r.version))
        }
        DbConnection::Sqlite(lite) => {
            let version = sqlite_write_lock(lite, office)?;
            if version.is_some() {
                diesel::sql_query(
                    "INSERT INTO office_days (office_id, day) VALUES (?, ?) \
                     ON CONFLICT (office_id, day) DO UPDATE SET version = version + 1",
                )
                .bind::<Text, _>(office)
                .bind::<SqlDate, _>(day)
                .execute(lite)?;
            }
            Ok(version)
        }
    }
}

/// Raises the version of `office`'s `day` in a transaction that frees
/// capacity without taking the day's lock (a cancellation, a released
/// hold), so cached offers of that day are computed again. Taking the lock
/// raises it too ([`lock_day`]); a transaction that rolls back raises
/// nothing.
pub(crate) fn touch_day(
    conn: &mut DbConnection,
    office: &str,
    day: Date,
) -> Result<(), StoreError> {
    use crate::infra::schema::office_days;
    diesel::update(office_days::table.find((office, day)))
        .set(office_days::version.eq(office_days::version + 1))
        .execute(conn)?;
    Ok(())
}

/// Serialises the transactions about one name in a namespace, e.g. one
/// contact at an office (R24: its limits hold across days and processes) or
/// one idempotency key. PostgreSQL: a transaction-scoped advisory lock on a
/// hash of the two; SQLite: the write lock every booking already holds.
pub(crate) fn lock_name(
    conn: &mut DbConnection,
    namespace: &str,
    name: &str,
) -> Result<(), StoreError> {
    use diesel::sql_types::Text;
    if let DbConnection::Pg(pg) = &mut *conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7412002))")
            .bind::<Text, _>(format!("{namespace}\n{name}"))
            .execute(pg)?;
    }
    Ok(())
}

/// SQLite: the write lock at the start of a transaction on verifications
/// that reads before it writes (as [`lock_outbox`]); PostgreSQL: the row
/// updates lock what they touch.
pub(crate) fn lock_verifications(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Sqlite(lite) = &mut *conn {
        diesel::sql_query("UPDATE verifications SET id = id WHERE id = ''").execute(lite)?;
    }
    Ok(())
}

/// SQLite: takes the database write lock at the start of an outbox
/// transaction that reads before it writes. Otherwise its first write would
/// have to upgrade a read transaction, which SQLite refuses at once
/// ("database is locked", not waiting `busy_timeout`) when another process
/// writes. A write is a write even when it matches no row. PostgreSQL: the
/// claims are conditional updates and need no lock.
pub(crate) fn lock_outbox(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Sqlite(lite) = &mut *conn {
        diesel::sql_query("UPDATE outbox SET id = id WHERE id = ''").execute(lite)?;
    }
    Ok(())
}
