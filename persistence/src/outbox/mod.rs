//! The transactional outbox (R23, I6): every booking change that the citizen
//! should hear of writes its message here, in the transaction of the change,
//! so a committed change has its message and a rolled-back one has none.
//! Senders claim due rows, send them, and mark them sent.
//!
//! Here: the rows and the messages of changes (a move, a cancellation, a
//! renewed token), and what admins and the citizen read of them.
//! `confirmation`: a new booking's confirmation, which waits on the booking
//! row until it is moved into the outbox. `sending`: claiming, marking sent
//! or failed.

mod confirmation;
mod sending;

pub(crate) use confirmation::{PendingConfirmation, before_change, booked};

use crate::bookings::Booking;
use crate::infra::codec::{corrupt, from_db, parse, to_db, to_i32, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::schema::{bookings, outbox};
use crate::infra::secret::NewToken;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    MessageKind, MessageStatus, Municipality, MunicipalityId, Office, ReminderPolicy, reminder_due,
};
use std::sync::Arc;
use time::OffsetDateTime;
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
    /// The booking's token, for the manage link of a confirmation; `None`
    /// also where it was sealed with another key than this store's (a
    /// random one of an earlier process): the link cannot be given then.
    pub secret: Option<String>,
    pub booking: Booking,
    pub office: Arc<Office>,
    /// R39: the office's municipality, whose sender, public URL and name
    /// the message carries.
    pub municipality: Municipality,
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

/// R20, R23: a moved booking: its notice, carrying the reminder for the new
/// time.
pub(crate) fn moved(
    conn: &mut DbConnection,
    reminder: ReminderPolicy,
    booking: &Booking,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let remind_at = reminder_due(reminder, booking.start, now);
    notice(conn, booking, MessageKind::Moved, remind_at, now)
}

/// R18, R23: a cancelled booking (by its holder or by staff): its notice.
pub(crate) fn cancelled(
    conn: &mut DbConnection,
    booking: &Booking,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    // A confirmation not sent yet is replaced by the cancellation's
    // notice: the token it kept for its link goes now.
    diesel::update(
        outbox::table
            .filter(outbox::booking_id.eq(booking.id.to_string()))
            .filter(outbox::status.eq(MessageStatus::Pending.as_str()))
            .filter(outbox::secret.is_not_null()),
    )
    .set(outbox::secret.eq(None::<String>))
    .execute(conn)?;
    notice(conn, booking, MessageKind::Cancelled, None, now)
}

/// R23: the tokens kept for messages whose appointment has begun by `now`
/// (nothing but a cancellation is sent then, and that has no link) are
/// dropped, sent or not.
pub(crate) fn drop_stale_secrets(
    conn: &mut DbConnection,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let begun = bookings::table
        .filter(bookings::start_at.le(to_db(now)))
        .select(bookings::id);
    Ok(diesel::update(
        outbox::table
            .filter(outbox::secret.is_not_null())
            .filter(outbox::booking_id.eq_any(begun)),
    )
    .set(outbox::secret.eq(None::<String>))
    .execute(conn)?)
}

/// The notice of a change of `booking` (to an address, if it has one): due
/// now, with the reminder it carries; the reminders of the old state are
/// obsolete.
fn notice(
    conn: &mut DbConnection,
    booking: &Booking,
    kind: MessageKind,
    remind_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if booking.citizen.email().is_none() {
        return Ok(());
    }
    obsolete_reminders(conn, booking)?;
    let id = booking.id.to_string();
    insert(
        conn,
        now_about(&id, booking, kind, None, remind_at, now),
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
    token: &NewToken<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if booking.citizen.email().is_none() {
        return Ok(());
    }
    let id = booking.id.to_string();
    let sealed = token.sealed_for(&id)?;
    let token = sealed.as_str();
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

impl Store {
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
        self.messages_in(None, status, limit)
    }

    /// R39: [`Store::messages`] of the bookings of `municipality`'s offices
    /// (`None`: of all).
    pub fn messages_in(
        &self,
        municipality: Option<&MunicipalityId>,
        status: Option<MessageStatus>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        use crate::infra::schema::offices;
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
        if let Some(m) = municipality {
            let own_offices = offices::table
                .filter(offices::municipality.eq(m.as_str().to_owned()))
                .select(offices::id);
            let own_bookings = bookings::table
                .filter(bookings::office_id.eq_any(own_offices))
                .select(bookings::id);
            query = query.filter(outbox::booking_id.eq_any(own_bookings));
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
