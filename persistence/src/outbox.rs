//! The transactional outbox (R23, I6): every booking change that the citizen
//! should hear of writes its message here, in the transaction of the change,
//! so a committed change has its message and a rolled-back one has none.
//! Senders claim due rows, send them, and mark them sent.
//!
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
//!
//! Claiming is a conditional UPDATE (`… WHERE status = 'pending' AND the
//! lease is free`): of two senders, in this process or another, on
//! PostgreSQL or SQLite, exactly one updates the row (PostgreSQL re-checks
//! the condition after the first commits). The lease (`claimed_until`)
//! lets another sender take over a row whose sender died; a sender that
//! died after the mail server accepted the message but before marking it
//! sent makes it go out twice (no SMTP offers more), with the same
//! Message-ID.

use crate::bookings::{Booking, booking_row, one};
use crate::codec::{corrupt, from_db, parse, to_db, to_i32, to_u32};
use crate::connection::DbConnection;
use crate::schema::{bookings, outbox};
use crate::{Store, StoreError, locks};
use diesel::prelude::*;
use domain::{
    Citizen, MessageKind, MessageStatus, Office, ReminderPolicy, Retry, reminder_due, retry_after,
    still_worth_sending,
};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
struct OutboxRow {
    id: String,
    booking_id: String,
    kind: String,
    sequence: i32,
    secret: Option<String>,
    status: String,
    due_at: time::PrimitiveDateTime,
    attempts: i32,
    last_error: Option<String>,
    claimed_by: Option<String>,
    claimed_until: Option<time::PrimitiveDateTime>,
    created_at: time::PrimitiveDateTime,
    sent_at: Option<time::PrimitiveDateTime>,
    remind_at: Option<time::PrimitiveDateTime>,
}

/// A message in the outbox as admins see it: what, for which booking, and
/// how its sending went. No address, no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub booking: Uuid,
    pub kind: MessageKind,
    pub status: MessageStatus,
    /// The booking's sequence when the message was queued.
    pub sequence: u32,
    /// When it is (or was) due.
    pub due_at: OffsetDateTime,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

impl OutboxRow {
    fn message(&self) -> Result<Message, StoreError> {
        Ok(Message {
            id: Uuid::parse_str(&self.id).map_err(corrupt)?,
            booking: Uuid::parse_str(&self.booking_id).map_err(corrupt)?,
            kind: parse(&self.kind)?,
            status: parse(&self.status)?,
            sequence: to_u32(self.sequence, "outbox.sequence")?,
            due_at: from_db(self.due_at),
            attempts: to_u32(self.attempts, "outbox.attempts")?,
            last_error: self.last_error.clone(),
            created_at: from_db(self.created_at),
            sent_at: self.sent_at.map(from_db),
        })
    }
}

/// A message claimed for sending, with what it is rendered from: the
/// booking and its office as they are now.
#[derive(Debug, Clone)]
pub struct ClaimedMessage {
    pub message: Message,
    /// Names this claim; marking the message needs it.
    pub claim: String,
    /// The booking's token, for the manage link of a confirmation.
    pub secret: Option<String>,
    pub booking: Booking,
    pub office: Arc<Office>,
}

/// A new pending row.
struct New<'a> {
    booking: &'a str,
    sequence: i32,
    kind: MessageKind,
    secret: Option<&'a str>,
    due: OffsetDateTime,
    remind_at: Option<OffsetDateTime>,
}

fn insert(conn: &mut DbConnection, new: New<'_>, now: OffsetDateTime) -> Result<(), StoreError> {
    diesel::insert_into(outbox::table)
        .values(OutboxRow {
            id: Uuid::now_v7().to_string(),
            booking_id: new.booking.to_owned(),
            kind: new.kind.as_str().to_owned(),
            sequence: new.sequence,
            secret: new.secret.map(str::to_owned),
            status: MessageStatus::Pending.as_str().to_owned(),
            due_at: to_db(new.due),
            attempts: 0,
            last_error: None,
            claimed_by: None,
            claimed_until: None,
            created_at: to_db(now),
            sent_at: None,
            remind_at: new.remind_at.map(to_db),
        })
        .execute(conn)?;
    Ok(())
}

/// A message about `booking` as it is now, due at once.
fn now_about<'a>(
    booking: &'a str,
    b: &Booking,
    kind: MessageKind,
    secret: Option<&'a str>,
    remind_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> New<'a> {
    New {
        booking,
        sequence: to_i32(b.sequence),
        kind,
        secret,
        due: now,
        remind_at,
    }
}

/// Reminders still waiting for a booking that changed: they are for a state
/// that is gone. (One being sent right now is marked sent by its sender.)
fn obsolete_reminders(conn: &mut DbConnection, booking: &Booking) -> Result<(), StoreError> {
    diesel::update(
        outbox::table
            .filter(outbox::booking_id.eq(booking.id.to_string()))
            .filter(outbox::kind.eq(MessageKind::Reminder.as_str()))
            .filter(outbox::status.eq(MessageStatus::Pending.as_str())),
    )
    .set(outbox::status.eq(MessageStatus::Obsolete.as_str()))
    .execute(conn)?;
    Ok(())
}

/// R23: the confirmation of a new booking with an e-mail address, with the
/// token for the manage link (the only moment it is known); its reminder is
/// queued when the confirmation is sent (`remind_at`). Inserted with the
/// booking row (columns of it, none without an address): the booking's
/// transaction writes no outbox row (see the module's documentation).
#[derive(Insertable)]
#[diesel(table_name = bookings)]
pub(crate) struct PendingConfirmation {
    confirmation_secret: Option<String>,
    confirmation_due_at: Option<time::PrimitiveDateTime>,
    confirmation_remind_at: Option<time::PrimitiveDateTime>,
}

/// The confirmation a booking of `citizen` at `start`, made at `now` with
/// `token`, waits with (R23).
pub(crate) fn booked(
    reminder: ReminderPolicy,
    citizen: &Citizen,
    start: OffsetDateTime,
    token: &str,
    now: OffsetDateTime,
) -> PendingConfirmation {
    if citizen.email().is_none() {
        return PendingConfirmation {
            confirmation_secret: None,
            confirmation_due_at: None,
            confirmation_remind_at: None,
        };
    }
    PendingConfirmation {
        confirmation_secret: Some(token.to_owned()),
        confirmation_due_at: Some(to_db(now)),
        confirmation_remind_at: reminder_due(reminder, start, now).map(to_db),
    }
}

/// Which waiting confirmations to move into the outbox.
enum Waiting<'a> {
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
fn promote(conn: &mut DbConnection, which: Waiting<'_>) -> Result<Promoted, StoreError> {
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
struct Promoted {
    moved: u32,
    left: u32,
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

/// R20, R23: a moved booking: its notice, carrying the reminder for the new
/// time; the reminders of the old state are obsolete.
pub(crate) fn moved(
    conn: &mut DbConnection,
    reminder: ReminderPolicy,
    booking: &Booking,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if booking.citizen.email().is_none() {
        return Ok(());
    }
    obsolete_reminders(conn, booking)?;
    let id = booking.id.to_string();
    let remind_at = reminder_due(reminder, booking.start, now);
    insert(
        conn,
        now_about(&id, booking, MessageKind::Moved, None, remind_at, now),
        now,
    )
}

/// R18, R23: a cancelled booking (by its holder or by staff): its notice.
pub(crate) fn cancelled(
    conn: &mut DbConnection,
    booking: &Booking,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if booking.citizen.email().is_none() {
        return Ok(());
    }
    obsolete_reminders(conn, booking)?;
    let id = booking.id.to_string();
    insert(
        conn,
        now_about(&id, booking, MessageKind::Cancelled, None, None, now),
        now,
    )
}

/// A retried booking request got the booking a new token (the first answer
/// was lost): the confirmation still waiting gets the new token for its
/// link; if it went out already, its link no longer works, so a new
/// confirmation is queued.
pub(crate) fn token_renewed(
    conn: &mut DbConnection,
    booking: &Booking,
    token: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if booking.citizen.email().is_none() {
        return Ok(());
    }
    let id = booking.id.to_string();
    // Still waiting on the booking row: the new token goes there.
    let waiting = diesel::update(
        bookings::table
            .find(&id)
            .filter(bookings::confirmation_due_at.is_not_null()),
    )
    .set(bookings::confirmation_secret.eq(token))
    .execute(conn)?;
    if waiting > 0 {
        return Ok(());
    }
    let updated = diesel::update(
        outbox::table
            .filter(outbox::booking_id.eq(&id))
            .filter(outbox::kind.eq(MessageKind::Confirmation.as_str()))
            .filter(outbox::status.eq(MessageStatus::Pending.as_str()))
            .filter(outbox::claimed_by.is_null()),
    )
    .set(outbox::secret.eq(token))
    .execute(conn)?;
    if updated == 0 {
        // The first confirmation queued the reminder (or will, once sent).
        let new = now_about(
            &id,
            booking,
            MessageKind::Confirmation,
            Some(token),
            None,
            now,
        );
        insert(conn, new, now)?;
    }
    Ok(())
}

/// Whether a claim on a row has run out (or there is none) at `now`.
macro_rules! lease_free {
    ($now:expr) => {
        outbox::claimed_until
            .is_null()
            .or(outbox::claimed_until.le(to_db($now)))
    };
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

    /// Claims up to `limit` messages due at `now` for `lease` (I6): no other
    /// sender gets them until the lease runs out or they are marked. Messages
    /// no longer worth sending (`domain::still_worth_sending`) are marked
    /// obsolete instead.
    pub fn claim_messages(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let claim = Uuid::new_v4().to_string();
        let pending = MessageStatus::Pending.as_str();
        self.write(|conn| {
            locks::lock_outbox(conn)?;
            promote(conn, Waiting::DueBy(now, limit))?;
            let candidates: Vec<OutboxRow> = outbox::table
                .filter(outbox::status.eq(pending))
                .filter(outbox::due_at.le(to_db(now)))
                .filter(lease_free!(now))
                .order((outbox::due_at, outbox::id))
                .limit(i64::from(limit))
                .select(OutboxRow::as_select())
                .load(conn)?;
            let mut claimed = Vec::new();
            for row in candidates {
                let won = diesel::update(
                    outbox::table
                        .find(&row.id)
                        .filter(outbox::status.eq(pending))
                        .filter(lease_free!(now)),
                )
                .set((
                    outbox::claimed_by.eq(&claim),
                    outbox::claimed_until.eq(Some(to_db(now + lease))),
                ))
                .execute(conn)?;
                if won == 0 {
                    continue;
                }
                let message = row.message()?;
                let booking_row = booking_row(conn, &row.booking_id)?;
                let booking = one(conn, booking_row)?;
                if !still_worth_sending(
                    message.kind,
                    message.sequence,
                    booking.status,
                    booking.sequence,
                    booking.start,
                    now,
                ) {
                    finish(conn, &row.id, &claim, MessageStatus::Obsolete, now)?;
                    continue;
                }
                let office = self.cached_office(conn, booking.office.as_str(), None)?;
                claimed.push(ClaimedMessage {
                    message,
                    claim: claim.clone(),
                    secret: row.secret,
                    booking,
                    office,
                });
            }
            Ok(claimed)
        })
    }

    /// The message was handed to the mail server: sent, its secret erased.
    /// `false`: the claim had run out and another sender has it.
    pub fn mark_sent(
        &self,
        id: Uuid,
        claim: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.write(|conn| {
            locks::lock_outbox(conn)?;
            let row: Option<(String, i32, Option<time::PrimitiveDateTime>)> = outbox::table
                .find(&id)
                .filter(outbox::claimed_by.eq(claim))
                .select((outbox::booking_id, outbox::sequence, outbox::remind_at))
                .first(conn)
                .optional()?;
            let Some((booking, sequence, remind_at)) = row else {
                return Ok(false);
            };
            finish(conn, &id, claim, MessageStatus::Sent, now)?;
            // R23: the reminder follows the message that told of this state
            // of the booking, once that is out (so a booking's own
            // transaction writes one row). It is for that state only.
            if let Some(at) = remind_at.map(from_db).filter(|at| *at > now) {
                let new = New {
                    booking: &booking,
                    sequence,
                    kind: MessageKind::Reminder,
                    secret: None,
                    due: at,
                    remind_at: None,
                };
                insert(conn, new, now)?;
            }
            Ok(true)
        })
    }

    /// Sending failed with `error` (which must name no address): tried again
    /// after the back-off, or marked failed after the last attempt (R23).
    pub fn mark_failed(
        &self,
        id: Uuid,
        claim: &str,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<MessageStatus, StoreError> {
        let id = id.to_string();
        let error: String = error.chars().take(500).collect();
        self.write(|conn| {
            locks::lock_outbox(conn)?;
            let attempts: i32 = outbox::table
                .find(&id)
                .filter(outbox::claimed_by.eq(claim))
                .select(outbox::attempts)
                .first(conn)
                .optional()?
                .ok_or(StoreError::UnknownMessage)?;
            let attempts = attempts.saturating_add(1);
            match retry_after(to_u32(attempts, "outbox.attempts")?, now) {
                Retry::At(next) => {
                    diesel::update(outbox::table.find(&id))
                        .set((
                            outbox::attempts.eq(attempts),
                            outbox::last_error.eq(Some(&error)),
                            outbox::due_at.eq(to_db(next)),
                            outbox::claimed_by.eq(None::<String>),
                            outbox::claimed_until.eq(None::<time::PrimitiveDateTime>),
                        ))
                        .execute(conn)?;
                    Ok(MessageStatus::Pending)
                }
                Retry::GiveUp => {
                    diesel::update(outbox::table.find(&id))
                        .set((
                            outbox::attempts.eq(attempts),
                            outbox::last_error.eq(Some(&error)),
                        ))
                        .execute(conn)?;
                    finish(conn, &id, claim, MessageStatus::Failed, now)?;
                    Ok(MessageStatus::Failed)
                }
            }
        })
    }

    /// R31 (Art. 15): every message of booking `id`, oldest first.
    pub(crate) fn messages_of(
        conn: &mut DbConnection,
        id: &str,
    ) -> Result<Vec<Message>, StoreError> {
        let rows: Vec<OutboxRow> = outbox::table
            .filter(outbox::booking_id.eq(id))
            .order((outbox::created_at, outbox::id))
            .select(OutboxRow::as_select())
            .load(conn)?;
        rows.iter().map(OutboxRow::message).collect()
    }

    /// The newest messages (by due time), of one status or all.
    pub fn messages(
        &self,
        status: Option<MessageStatus>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.settle()?;
        let mut conn = self.conn()?;
        let mut query = outbox::table
            .order((outbox::due_at.desc(), outbox::id.desc()))
            .limit(i64::from(limit))
            .select(OutboxRow::as_select())
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(outbox::status.eq(status.as_str()));
        }
        let rows: Vec<OutboxRow> = query.load(&mut *conn)?;
        rows.iter().map(OutboxRow::message).collect()
    }

    /// Pending messages due at `now`, the oldest first (without a mail
    /// server they wait; the server logs them as not sent).
    pub fn due_messages(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.settle()?;
        let mut conn = self.conn()?;
        let rows: Vec<OutboxRow> = outbox::table
            .filter(outbox::status.eq(MessageStatus::Pending.as_str()))
            .filter(outbox::due_at.le(to_db(now)))
            .order((outbox::due_at, outbox::id))
            .limit(i64::from(limit))
            .select(OutboxRow::as_select())
            .load(&mut *conn)?;
        rows.iter().map(OutboxRow::message).collect()
    }

    /// How many messages stand in each status, in the order of
    /// [`MessageStatus::ALL`].
    pub fn message_counts(&self) -> Result<Vec<(MessageStatus, u64)>, StoreError> {
        self.settle()?;
        let mut conn = self.conn()?;
        MessageStatus::ALL
            .iter()
            .map(|status| {
                let n: i64 = outbox::table
                    .filter(outbox::status.eq(status.as_str()))
                    .count()
                    .get_result(&mut *conn)?;
                Ok((*status, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }
}

/// Ends a claim with `status`: the secret is erased, the claim released.
/// `false` if the claim was no longer this sender's.
fn finish(
    conn: &mut DbConnection,
    id: &str,
    claim: &str,
    status: MessageStatus,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let sent_at = (status == MessageStatus::Sent).then(|| to_db(now));
    let changed = diesel::update(outbox::table.find(id).filter(outbox::claimed_by.eq(claim)))
        .set((
            outbox::status.eq(status.as_str()),
            outbox::secret.eq(None::<String>),
            outbox::sent_at.eq(sent_at),
            outbox::claimed_by.eq(None::<String>),
            outbox::claimed_until.eq(None::<time::PrimitiveDateTime>),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}
