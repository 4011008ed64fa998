//! R31: personal data are erased a configurable time after the appointment,
//! or at once when the citizen asks (GDPR Art. 17); the citizen can read
//! everything held on their booking (Art. 15). What is erased: the name,
//! e-mail, phone and postcode on the booking, and in its outbox rows the
//! secret and the mail server's last answer. Kind, channel, times and steps
//! stay for R30's statistics; the audit log holds booking ids and codes only.

use crate::audit::entries_of;
use crate::bookings::{Booking, CancelAuth, booking_row, one};
use crate::infra::codec::to_db;
use crate::infra::connection::DbConnection;
use crate::infra::schema::{bookings, day_ticket_requests, outbox};
use crate::infra::secret::token_matches;
use crate::{AuditEntry, Message, Store, StoreError};
use diesel::prelude::*;
use domain::{Berlin, BookingStatus, CancelError, MessageStatus};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How many bookings one retention run erases at most (the rest next run).
const BATCH: i64 = 500;

/// Everything held on a booking (Art. 15).
#[derive(Debug, Clone)]
pub struct HeldData {
    pub booking: Booking,
    pub messages: Vec<Message>,
    pub audit: Vec<AuditEntry>,
}

/// A request for the Tagesticket draw without its citizen (R27, R31).
#[allow(clippy::type_complexity)]
fn erased_request() -> (
    diesel::dsl::Eq<day_ticket_requests::citizen_name, &'static str>,
    diesel::dsl::Eq<day_ticket_requests::citizen_email, Option<&'static str>>,
    diesel::dsl::Eq<day_ticket_requests::citizen_phone, Option<&'static str>>,
    diesel::dsl::Eq<day_ticket_requests::citizen_postcode, Option<&'static str>>,
    diesel::dsl::Eq<day_ticket_requests::contact_email, Option<&'static str>>,
    diesel::dsl::Eq<day_ticket_requests::booking_token, Option<&'static str>>,
) {
    (
        day_ticket_requests::citizen_name.eq(""),
        day_ticket_requests::citizen_email.eq(None),
        day_ticket_requests::citizen_phone.eq(None),
        day_ticket_requests::citizen_postcode.eq(None),
        day_ticket_requests::contact_email.eq(None),
        day_ticket_requests::booking_token.eq(None),
    )
}

/// Erases the personal data of the bookings `ids` at `now`.
fn erase(conn: &mut DbConnection, ids: &[String], now: OffsetDateTime) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    // R27: the draw's request that won the booking holds the same data.
    diesel::update(day_ticket_requests::table.filter(day_ticket_requests::booking_id.eq_any(ids)))
        .set(erased_request())
        .execute(conn)?;
    diesel::update(bookings::table.filter(bookings::id.eq_any(ids)))
        .set((
            bookings::citizen_name.eq(""),
            bookings::citizen_email.eq(None::<String>),
            bookings::citizen_phone.eq(None::<String>),
            bookings::contact_email.eq(None::<String>),
            bookings::citizen_postcode.eq(None::<String>),
            bookings::erased_at.eq(Some(to_db(now))),
            // A confirmation still waiting on the booking row (R23) has no
            // one to go to any more, and its secret goes with it.
            bookings::confirmation_secret.eq(None::<String>),
            bookings::confirmation_due_at.eq(None::<time::PrimitiveDateTime>),
            bookings::confirmation_remind_at.eq(None::<time::PrimitiveDateTime>),
        ))
        .execute(conn)?;
    // A message not sent yet has no one to go to any more.
    diesel::update(
        outbox::table
            .filter(outbox::booking_id.eq_any(ids))
            .filter(outbox::status.eq(MessageStatus::Pending.as_str())),
    )
    .set(outbox::status.eq(MessageStatus::Obsolete.as_str()))
    .execute(conn)?;
    diesel::update(outbox::table.filter(outbox::booking_id.eq_any(ids)))
        .set((
            outbox::secret.eq(None::<String>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

impl Store {
    /// R31: erases the personal data of bookings whose appointment ended
    /// more than `retention_days` before `now`; returns how many (at most
    /// a batch a run; the periodic task runs again). R23: drops the tokens
    /// kept for messages of appointments that have begun.
    pub fn erase_expired(
        &self,
        retention_days: u32,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let cutoff = now - Duration::days(i64::from(retention_days));
        // R23: confirmations still waiting on their booking rows go into
        // the outbox first, so the tokens of those begun are dropped too.
        self.settle()?;
        self.write(|conn| {
            crate::outbox::drop_stale_secrets(conn, now)?;
            let ids: Vec<String> = bookings::table
                .filter(bookings::erased_at.is_null())
                .filter(bookings::end_at.lt(to_db(cutoff)))
                .select(bookings::id)
                .limit(BATCH)
                .load(conn)?;
            erase(conn, &ids, now)?;
            // R27: requests for the draw of days before the cutoff, won or
            // lost; and a won booking's token not fetched by the end of
            // its day is of no use any more.
            diesel::update(
                day_ticket_requests::table
                    .filter(day_ticket_requests::local_day.lt(Berlin::local(cutoff).date()))
                    .filter(day_ticket_requests::citizen_name.ne("")),
            )
            .set(erased_request())
            .execute(conn)?;
            diesel::update(
                day_ticket_requests::table
                    .filter(day_ticket_requests::local_day.lt(Berlin::today(now)))
                    .filter(day_ticket_requests::booking_token.is_not_null()),
            )
            .set(day_ticket_requests::booking_token.eq(None::<String>))
            .execute(conn)?;
            // R26: used proof-of-work solutions past their expiry, also
            // where no booking came to drop them.
            crate::challenges::purge_expired(conn, now)?;
            // R31, R33: verifications and contact tokens hold an address;
            // they go once they can do nothing (the hour of R33's limit
            // per mailbox past the code's expiry).
            crate::verifications::purge_expired(conn, now)?;
            // R31, R35: wishes hold a citizen too.
            crate::wishes::erase_expired(conn, cutoff, now)?;
            Ok(ids.len())
        })
    }

    /// R31, Art. 15: everything held on booking `id` for the holder of its
    /// secret: the booking with the citizen's data, its messages (without
    /// their secret) and the audit entries about it.
    pub fn held_data(&self, id: Uuid, token: &str) -> Result<HeldData, StoreError> {
        // A confirmation still waiting on its booking row is listed too.
        self.settle()?;
        let id = id.to_string();
        let mut conn = self.conn()?;
        let row = booking_row(&mut conn, &id)?;
        if !token_matches(token, &row.token_hash) {
            return Err(StoreError::UnknownBooking);
        }
        let booking = one(&mut conn, row)?;
        Ok(HeldData {
            booking,
            messages: Store::messages_of(&mut conn, &id)?,
            audit: entries_of(&mut conn, &id)?,
        })
    }

    /// R31, Art. 17: erases the personal data of booking `id` at once for
    /// the holder of its secret; a booking still to come is cancelled first
    /// (its time is free again, R18). The anonymous booking stays.
    pub fn erase_booking(
        &self,
        id: Uuid,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let current = self.booking_for(id, CancelAuth::Token(token), now)?;
        let to_come = current.start > now
            && !matches!(
                current.status,
                BookingStatus::Cancelled | BookingStatus::Served | BookingStatus::NoShow
            );
        if to_come {
            match self.cancel(id, CancelAuth::Token(token), now) {
                Ok(_) | Err(StoreError::Cancel(CancelError::AlreadyCancelled)) => {}
                Err(e) => return Err(e),
            }
        }
        let id = id.to_string();
        self.write(|conn| {
            erase(conn, std::slice::from_ref(&id), now)?;
            let row = booking_row(conn, &id)?;
            one(conn, row)
        })
    }
}
