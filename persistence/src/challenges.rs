//! Proof-of-work solutions are used once (R26): remembered in the database
//! until they expire, so the rule holds across processes. A row goes with
//! the next use after its expiry, or with the periodic retention run
//! (`Store::erase_expired`), whichever comes first; the expiry is the one
//! the API verified, at most its challenge lifetime after issue.

use crate::StoreError;
use crate::infra::codec::to_db;
use crate::infra::connection::DbConnection;
use crate::infra::schema::used_challenges;
use diesel::prelude::*;
use domain::BookingError;
use time::OffsetDateTime;

/// A verified solution the API hands over with a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolvedChallenge {
    pub challenge: String,
    pub expires_at: OffsetDateTime,
}

/// Marks `solved` used in the caller's transaction; `ChallengeUsed` if it
/// was. Two bookings racing with one solution: the second insert fails on
/// the primary key, the booking's transaction is tried again and then finds
/// the row.
pub(crate) fn consume(
    conn: &mut DbConnection,
    solved: &SolvedChallenge,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    purge_expired(conn, now)?;
    let used = used_challenges::table
        .find(&solved.challenge)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if used {
        return Err(BookingError::ChallengeUsed.into());
    }
    diesel::insert_into(used_challenges::table)
        .values((
            used_challenges::challenge.eq(&solved.challenge),
            used_challenges::expires_at.eq(to_db(solved.expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets the used solutions that have expired at `now`: they are refused
/// as expired anyway. Returns how many.
pub(crate) fn purge_expired(
    conn: &mut DbConnection,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(used_challenges::table.filter(used_challenges::expires_at.le(to_db(now))))
            .execute(conn)?,
    )
}
