//! Cancelling a booking (R16, R18), and who may change a booking: the
//! holder of its token, the holder of a contact token of its mailbox (R33),
//! or staff.

use crate::audit::{booking_audit, record};
use crate::bookings::{Booking, BookingRow, CancelAuth, booking_row, one};
use crate::infra::codec::to_db;
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::bookings;
use crate::infra::secret::token_matches;
use crate::outbox;
use crate::verifications::proven_mailbox;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    AuditAction, BookingStatus, CancelError, OfficeId, OfficeScope, Standing, Username,
    check_cancel,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Who acts on the booking of `row` at `now`: `None` for the citizen (the
/// holder of its token, or R33 of a living contact token of its mailbox),
/// the staff user otherwise; a token that does not fit, a contact token of
/// another mailbox or an expired one, or a staff user of other offices
/// (R29), is `UnknownBooking`, as an unknown id is, so a guess learns
/// nothing.
pub(crate) fn acting<'a>(
    conn: &mut DbConnection,
    auth: CancelAuth<'a>,
    row: &BookingRow,
    now: OffsetDateTime,
) -> Result<Option<&'a Username>, StoreError> {
    let allowed = match auth {
        CancelAuth::Token(token) => token_matches(token, &row.token_hash),
        // R33, R34: the booking's mailbox key was stored when it was made.
        CancelAuth::Contact(token) => {
            let mailbox = proven_mailbox(conn, Some(token), now)?;
            mailbox.is_some() && mailbox.as_deref() == row.contact_email.as_deref()
        }
        CancelAuth::Staff { offices, .. } => covers(offices, &row.office_id),
    };
    match (allowed, auth) {
        (false, _) => Err(StoreError::UnknownBooking),
        (true, CancelAuth::Staff { actor, .. }) => Ok(Some(actor)),
        (true, _) => Ok(None),
    }
}

/// The booking `id` while it is active and not closed at the counter
/// (R28): an update through it changes nothing once either happened
/// meanwhile (PostgreSQL re-checks the row after a concurrent writer), so
/// of two changes at once the second sees 0 rows.
#[diesel::dsl::auto_type]
pub(crate) fn still_open<'a>(id: &'a str) -> _ {
    let active: &'static str = ACTIVE;
    bookings::table
        .find(id)
        .filter(bookings::status.eq(active))
        .filter(bookings::closed_at.is_null())
}

const ACTIVE: &str = Standing::Active.as_str();

/// R29: whether `scope` covers the office stored as `office`.
pub(crate) fn covers(scope: &OfficeScope, office: &str) -> bool {
    OfficeId::parse(office).is_ok_and(|id| scope.covers(&id))
}

impl Store {
    /// Cancels the booking: it stays, marked `cancelled`, and its capacity
    /// and Tagesticket are free at once (R16, R18), since occupancy counts
    /// only confirmed bookings.
    pub fn cancel(
        &self,
        id: Uuid,
        auth: CancelAuth<'_>,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let id = id.to_string();
        self.write(|conn| {
            let row = booking_row(conn, &id)?;
            let actor = acting(conn, auth, &row, now)?;
            let (office, day) = (row.office_id.clone(), row.local_day);
            let current = one(conn, row)?;
            check_cancel(current.status, current.start, now)?;
            outbox::before_change(conn, &current)?;
            // Filtered on the status: of two cancels at once, the second
            // updates nothing (PostgreSQL re-checks the row after the first).
            let updated = diesel::update(still_open(&id))
                .set((
                    bookings::status.eq(Standing::Cancelled.as_str()),
                    bookings::cancelled_at.eq(Some(to_db(now))),
                    bookings::cancelled_by.eq(actor.map(Username::as_str)),
                    bookings::sequence.eq(bookings::sequence + 1),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(CancelError::AlreadyCancelled.into());
            }
            locks::touch_day(conn, &office, day)?;
            let cancelled = Booking {
                status: BookingStatus::Cancelled,
                cancelled_at: Some(now),
                cancelled_by: actor.cloned(),
                sequence: current.sequence + 1,
                ..current
            };
            outbox::cancelled(conn, &cancelled, now)?;
            if let Some(actor) = actor {
                record(
                    conn,
                    &booking_audit(actor, AuditAction::BookingCancel, &cancelled),
                    now,
                )?;
            }
            Ok(cancelled)
        })
    }
}
