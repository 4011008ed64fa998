//! For tests and benchmarks only (feature `test-support`, never in the
//! server): fresh databases — a SQLite file in the temp directory, or a new
//! database on the PostgreSQL server of `TEST_DATABASE_URL`, each removed
//! when its [`TestDb`] is dropped — the shared [`fixtures`], and
//! [`on_both_backends!`](crate::on_both_backends).

use diesel::{Connection, RunQueryDsl, pg::PgConnection};

/// Runs each named test once per backend, each on a fresh database: SQLite
/// always, PostgreSQL with `TEST_DATABASE_URL` and `--ignored`. `$setup`
/// turns the [`TestDb`] into what the tests take by reference (e.g. a
/// running server); the test functions are resolved in the calling module.
#[macro_export]
macro_rules! on_both_backends {
    ($setup:expr; $($name:ident),* $(,)?) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                super::$name(&($setup)($crate::test_support::sqlite()));
            }

            #[test]
            #[ignore = "needs PostgreSQL"]
            fn postgres() {
                let db = $crate::test_support::postgres().expect("TEST_DATABASE_URL");
                super::$name(&($setup)(db));
            }
        }
    )*};
}

/// What many tests start from: the Kaarst offices, a Monday morning, a
/// citizen (the domain's fixtures, and what the store's tests add).
pub mod fixtures {
    pub use domain::test_support::*;
    use domain::{Citizen, OfficeId, ServiceId};

    pub fn office_id(id: &str) -> OfficeId {
        OfficeId::parse(id).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn services(ids: &[&str]) -> Vec<ServiceId> {
        service_ids(ids)
    }

    /// The Bürgerbüro without the challenge, the postcode restriction and
    /// the limits per contact of the shipped configuration (R24, R26, R32
    /// have tests of their own), so other rules can be tested on their own.
    pub fn without_fair_use() -> domain::OfficeEdit {
        domain::OfficeEdit::Settings(domain::SettingsChange {
            challenge: Some(domain::ChallengePolicy::Off),
            day_ticket_postcodes: Some(Vec::new()),
            bookings_per_contact: Some(0),
            day_tickets_per_contact: Some(0),
            verify_contact: Some(domain::VerifyContact::Off),
            ..domain::SettingsChange::default()
        })
    }

    /// Erika Mustermann, with an e-mail address.
    pub fn citizen() -> Citizen {
        Citizen::new("Erika Mustermann", Some("erika@example.org"), None)
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// The variable that names the PostgreSQL server tests may use.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDb {
    /// The URL to open it with (`sqlite://…` or `postgres://…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// PostgreSQL: brings the planner's statistics up to date (`ANALYZE`),
    /// as autovacuum keeps them on a server that runs for a while; nothing
    /// on SQLite. A benchmark on a fresh database otherwise measures plans
    /// made without statistics until autovacuum happens to visit it.
    pub fn analyze(&self) -> Result<(), String> {
        if let Cleanup::PostgresDatabase { .. } = self.cleanup {
            let mut conn = PgConnection::establish(&self.url).map_err(|e| e.to_string())?;
            diesel::sql_query("ANALYZE")
                .execute(&mut conn)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// A new SQLite file.
pub fn sqlite() -> TestDb {
    let path = std::env::temp_dir().join(format!("terminvergabe-test-{}.db", uuid::Uuid::new_v4()));
    TestDb {
        url: format!("sqlite://{}", path.display()),
        cleanup: Cleanup::SqliteFile(path),
    }
}

/// A new database on the server of `TEST_DATABASE_URL`, or an error naming
/// what is missing (tests needing it are `#[ignore = "needs PostgreSQL"]`).
pub fn postgres() -> Result<TestDb, String> {
    let admin_url = std::env::var(TEST_DATABASE_URL)
        .map_err(|_| format!("set {TEST_DATABASE_URL} to a PostgreSQL server URL"))?;
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(&admin_url).map_err(|e| e.to_string())?;
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .map_err(|e| e.to_string())?;
    Ok(TestDb {
        url: with_database(&admin_url, &name),
        cleanup: Cleanup::PostgresDatabase { admin_url, name },
    })
}

/// `url` with its database name replaced by `name` (query kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j));
    let root = authority_end.map_or(base, |end| &base[..end]);
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t_1"),
            "postgres://postgres@127.0.0.1:5432/t_1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t_1"),
            "postgres://u:p@h/t_1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t_1"), "postgres://h/t_1");
    }
}

#[derive(diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// R31: every `table.column` of the database whose value, read as text,
/// contains `needle` (case-insensitive): what a retention run must leave
/// without a name, an e-mail address or a phone number.
pub fn columns_containing(
    store: &crate::Store,
    needle: &str,
) -> Result<Vec<String>, crate::StoreError> {
    use crate::DbConnection;
    use diesel::sql_types::Text;
    let mut conn = store.conn()?;
    let pattern = format!("%{}%", needle.to_lowercase());
    let mut found = Vec::new();
    match &mut *conn {
        DbConnection::Sqlite(lite) => {
            let columns: Vec<Column> = diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            )
            .load(lite)?;
            for c in columns {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM \"{}\" WHERE LOWER(CAST(\"{}\" AS TEXT)) LIKE ?",
                    c.table_name, c.column_name
                );
                let count: Count = diesel::sql_query(sql)
                    .bind::<Text, _>(&pattern)
                    .get_result(lite)?;
                if count.n > 0 {
                    found.push(format!("{}.{}", c.table_name, c.column_name));
                }
            }
        }
        DbConnection::Pg(pg) => {
            let columns: Vec<Column> = diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name \
                 FROM information_schema.columns WHERE table_schema = current_schema()",
            )
            .load(pg)?;
            for c in columns {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM \"{}\" WHERE LOWER(CAST(\"{}\" AS TEXT)) LIKE $1",
                    c.table_name, c.column_name
                );
                let count: Count = diesel::sql_query(sql)
                    .bind::<Text, _>(&pattern)
                    .get_result(pg)?;
                if count.n > 0 {
                    found.push(format!("{}.{}", c.table_name, c.column_name));
                }
            }
        }
    }
    Ok(found)
}

/// R23: how many tokens are kept for messages (read past the store's
/// API): in outbox rows, and on the booking rows whose confirmation waits
/// there to be moved into the outbox.
pub fn message_secrets_kept(store: &crate::Store) -> Result<i64, crate::StoreError> {
    use crate::DbConnection;
    let sql = "SELECT (SELECT COUNT(*) FROM outbox WHERE secret IS NOT NULL) \
               + (SELECT COUNT(*) FROM bookings WHERE confirmation_secret IS NOT NULL) AS n";
    let mut conn = store.conn()?;
    let count: Count = match &mut *conn {
        DbConnection::Sqlite(lite) => diesel::sql_query(sql).get_result(lite)?,
        DbConnection::Pg(pg) => diesel::sql_query(sql).get_result(pg)?,
    };
    Ok(count.n)
}
