//! A new booking's confirmation is the one message on the booking's own
//! path, and the one whose cost the citizen waits for: it is written by the
//! booking's INSERT itself, as columns of the booking row
//! (`bookings.confirmation_*`, found through a partial index), so the
//! booking's transaction writes no second row (docs/PERFORMANCE.md, "Booking
//! latency before and after"). Committed or rolled back with the booking
//! (I6), it is moved into the outbox before anything else looks there: by a
//! sender before it claims, by a move, a cancellation or a renewed token of
//! that booking before they queue theirs, and before the outbox is listed or
//! counted. The move is a conditional UPDATE, as a claim is, so of two
//! movers exactly one inserts the row.

use super::{New, insert};
use crate::bookings::Booking;
use crate::infra::codec::{corrupt, from_db, to_db};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::bookings;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{MessageKind, ReminderPolicy, reminder_due};
use time::OffsetDateTime;

/// R23: the confirmation of a new booking with an e-mail address, with the
/// token for the manage link (the only moment it is known), sealed
/// (`secret::Sealer`); its reminder is queued when the confirmation is sent
/// (`remind_at`). Inserted with the booking row (columns of it, none
/// without an address): the booking's transaction writes no outbox row (see
/// the module's documentation).
#[derive(Insertable)]
#[diesel(table_name = bookings)]
pub(crate) struct PendingConfirmation {
    confirmation_secret: Option<String>,
    confirmation_due_at: Option<time::PrimitiveDateTime>,
    confirmation_remind_at: Option<time::PrimitiveDateTime>,
}

/// The confirmation a booking at `start`, made at `now`, waits with (R23):
/// with `sealed`, its token sealed, if it has an e-mail address; none
/// without.
pub(crate) fn booked(
    reminder: ReminderPolicy,
    start: OffsetDateTime,
    sealed: Option<&str>,
    now: OffsetDateTime,
) -> PendingConfirmation {
    let Some(sealed) = sealed else {
        return PendingConfirmation {
            confirmation_secret: None,
            confirmation_due_at: None,
            confirmation_remind_at: None,
        };
    };
    PendingConfirmation {
        confirmation_secret: Some(sealed.to_owned()),
        confirmation_due_at: Some(to_db(now)),
        confirmation_remind_at: reminder_due(reminder, start, now).map(to_db),
    }
}

/// Which waiting confirmations to move into the outbox.
pub(super) enum Waiting<'a> {
    /// Those of one booking, about to change.
    Of(&'a str),
    /// The oldest ones due at the instant, at most so many.
    DueBy(OffsetDateTime, u32),
    /// The oldest ones, at most so many.
    Any(u32),
}

/// A confirmation waiting on its booking row: booking id, the booking's
/// sequence, token, when queued, when its reminder is due.
type WaitingRow = (
    String,
    i32,
    Option<String>,
    Option<time::PrimitiveDateTime>,
    Option<time::PrimitiveDateTime>,
);

/// Moves the confirmations of `which` from their booking rows into the
/// outbox, each as it was queued (I6: the columns are cleared in the
/// transaction that inserts the row).
pub(super) fn promote(conn: &mut DbConnection, which: Waiting<'_>) -> Result<Promoted, StoreError> {
    let mut query = bookings::table
        .filter(bookings::confirmation_due_at.is_not_null())
        .order((bookings::confirmation_due_at, bookings::id))
        .select((
            bookings::id,
            bookings::sequence,
            bookings::confirmation_secret,
            bookings::confirmation_due_at,
            bookings::confirmation_remind_at,
        ))
        .into_boxed();
    match which {
        Waiting::Of(id) => query = query.filter(bookings::id.eq(id)),
        Waiting::DueBy(now, limit) => {
            query = query
                .filter(bookings::confirmation_due_at.le(to_db(now)))
                .limit(i64::from(limit));
        }
        Waiting::Any(limit) => query = query.limit(i64::from(limit)),
    }
    let waiting: Vec<WaitingRow> = query.load(conn)?;
    let mut promoted = Promoted::default();
    for (id, sequence, secret, due, remind_at) in waiting {
        let (Some(secret), Some(due)) = (secret, due) else {
            return Err(corrupt(format!(
                "booking {id} has a confirmation waiting without its token"
            )));
        };
        // Conditional, as a claim is: of two movers (two senders, or a
        // sender and a change of the booking) exactly one clears the
        // columns (PostgreSQL re-checks the row after the first commits);
        // a token renewed meanwhile makes this one leave it for the next.
        let cleared = diesel::update(
            bookings::table
                .find(&id)
                .filter(bookings::confirmation_due_at.is_not_null())
                .filter(bookings::confirmation_secret.eq(&secret)),
        )
        .set((
            bookings::confirmation_secret.eq(None::<String>),
            bookings::confirmation_due_at.eq(None::<time::PrimitiveDateTime>),
            bookings::confirmation_remind_at.eq(None::<time::PrimitiveDateTime>),
        ))
        .execute(conn)?;
        if cleared == 0 {
            promoted.left += 1;
            continue;
        }
        let queued = from_db(due);
        let new = New {
            booking: &id,
            sequence,
            kind: MessageKind::Confirmation,
            secret: Some(&secret),
            due: queued,
            remind_at: remind_at.map(from_db),
        };
        insert(conn, new, queued)?;
        promoted.moved += 1;
    }
    Ok(promoted)
}

/// What [`promote`] did: moved so many, left so many that another
/// transaction had changed since they were read.
#[derive(Debug, Default)]
pub(super) struct Promoted {
    pub(super) moved: u32,
    pub(super) left: u32,
}

/// Before a booking changes (a move, a cancellation): its confirmation, if
/// it still waits on the row, goes into the outbox first, as it was queued
/// (its sequence and reminder are those of the state before the change).
pub(crate) fn before_change(conn: &mut DbConnection, booking: &Booking) -> Result<(), StoreError> {
    if booking.citizen.email().is_none() {
        return Ok(());
    }
    let id = booking.id.to_string();
    // Left by a token renewed meanwhile (PostgreSQL): read again, so none
    // stays behind for the state after the change.
    while promote(conn, Waiting::Of(&id))?.left > 0 {}
    Ok(())
}

/// How many waiting confirmations one transaction moves into the outbox.
const PROMOTE_BATCH: u32 = 200;

impl Store {
    /// Moves the confirmations still waiting on their booking rows into the
    /// outbox, so that what is listed or counted there is whole. Usually
    /// none wait (a sender moves them every round): then it is one read of
    /// the partial index and no write.
    pub(crate) fn settle(&self) -> Result<(), StoreError> {
        let waiting = {
            let mut conn = self.conn()?;
            diesel::select(diesel::dsl::exists(
                bookings::table.filter(bookings::confirmation_due_at.is_not_null()),
            ))
            .get_result::<bool>(&mut *conn)?
        };
        if waiting {
            // The connection above is back in the pool before `write`
            // takes one: a pool of one must not wait for itself.
            while self
                .write(|conn| {
                    locks::lock_outbox(conn)?;
                    promote(conn, Waiting::Any(PROMOTE_BATCH))
                })?
                .moved
                == PROMOTE_BATCH
            {}
        }
        Ok(())
    }
}
