//! Moving a booking (R20): one transaction that frees the old slot and
//! takes the new one; on any refusal nothing changes.

use crate::audit::{booking_audit, record};
use crate::bookings::{Booking, BookingRow, CancelAuth, booking_row, insert_services, one};
use crate::cancels::{acting, still_open};
use crate::infra::codec::{to_db, to_i32};
use crate::infra::idempotency;
use crate::infra::schema::{booking_services, bookings};
use crate::occupancy::active_bookings;
use crate::{Store, StoreError, outbox};
use diesel::prelude::*;
use domain::{
    AuditAction, Berlin, BookingRequest, MoveError, Occupancy, Selection, ServiceId, check_move,
    validate_booking,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Who may move a booking: whoever may cancel it (R18, R20).
pub type MoveAuth<'a> = CancelAuth<'a>;

/// Where to: a new start, and optionally other services.
#[derive(Debug, Clone)]
pub struct MoveRequest {
    pub start: OffsetDateTime,
    /// `None` keeps the booked services.
    pub services: Option<Vec<ServiceId>>,
}

impl Store {
    /// Moves the booking `id` to `request.start` (R20). The new start is
    /// checked like a new booking of the same kind and channel, with the
    /// booking's own capacity counted as free, under the locks of the old
    /// and the new day (taken in date order, so two moves cannot deadlock).
    /// Id, code, token and citizen stay; the previous start is recorded.
    ///
    /// A repeated move changes nothing and answers the same; with an
    /// `Idempotency-Key`, the key with another move is refused.
    pub fn move_booking(
        &self,
        id: Uuid,
        request: &MoveRequest,
        auth: MoveAuth<'_>,
        idempotency_key: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let id = id.to_string();
        let new_day = Berlin::local(request.start).date();
        self.write(|conn| {
            let first: BookingRow = booking_row(conn, &id)?;
            let actor = acting(conn, auth, &first, now)?;
            if let Some(key) = idempotency_key {
                let who = actor.map_or("holder", |a| a.as_str());
                let hash = idempotency::move_hash(&id, who, request);
                if idempotency::retried(conn, Some((key, &hash)), now)?.is_some() {
                    let row = booking_row(conn, &id)?;
                    return one(conn, row);
                }
                idempotency::remember(conn, key, &hash, &id, now)?;
            }
            let office_id = first.office_id.clone();
            let office = self.lock_office_days(conn, &office_id, &[first.local_day, new_day])?;
            // Read again under the locks: a move may have won them.
            let row = booking_row(conn, &id)?;
            let current = one(conn, row)?;
            check_move(
                current.status,
                current.kind,
                current.start,
                request.start,
                now,
            )?;
            let services = request.services.as_ref().unwrap_or(&current.services);
            // A repeated move (a retry whose answer was lost) changes nothing.
            if current.start == request.start && *services == current.services {
                return Ok(current);
            }
            let selection = Selection::new(&office, services)?;
            let active = active_bookings(conn, &office_id, (new_day, new_day), now, Some(&id))?;
            let accepted = validate_booking(
                &office,
                &BookingRequest {
                    selection: selection.clone(),
                    start: request.start,
                    kind: current.kind,
                    channel: current.channel,
                },
                now,
                &Occupancy::from_bookings(&active),
            )?;
            outbox::before_change(conn, &current)?;
            let updated = diesel::update(still_open(&id))
                .set((
                    bookings::local_day.eq(accepted.date),
                    bookings::start_at.eq(to_db(accepted.start)),
                    bookings::end_at.eq(to_db(accepted.end)),
                    bookings::minutes.eq(to_i32(selection.minutes())),
                    bookings::previous_start_at.eq(Some(to_db(current.start))),
                    bookings::sequence.eq(bookings::sequence + 1),
                ))
                .execute(conn)?;
            if updated == 0 {
                // Cancelled meanwhile (a cancel takes no day lock).
                return Err(MoveError::Cancelled.into());
            }
            diesel::delete(booking_services::table.filter(booking_services::booking_id.eq(&id)))
                .execute(conn)?;
            insert_services(conn, &id, &office_id, &selection)?;
            let row = booking_row(conn, &id)?;
            let moved = one(conn, row)?;
            outbox::moved(conn, office.settings.reminder(), &moved, now)?;
            if let Some(actor) = actor {
                record(
                    conn,
                    &booking_audit(actor, AuditAction::BookingMove, &moved),
                    now,
                )?;
            }
            Ok(moved)
        })
    }
}
