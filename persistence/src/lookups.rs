//! Reading bookings: by id (staff), by id and token (the citizen, R33 also
//! by a contact token of its mailbox), by code
//! (the desk), and an office's day.

use crate::bookings::{Booking, BookingRow, CancelAuth, booking_row, one, with_services};
use crate::cancels::acting;
use crate::infra::codec::to_db;
use crate::infra::schema::bookings;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{BookingCode, OfficeId, OfficeScope};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

impl Store {
    /// R33, "Meine Termine": the bookings of the mailbox contact `token`
    /// proves, not yet begun and not cancelled, by start. A missing,
    /// expired or unknown token is `contact_unverified`.
    pub fn contact_bookings(
        &self,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Vec<Booking>, StoreError> {
        let mut conn = self.conn()?;
        let mailbox = crate::verifications::proven_mailbox(&mut conn, token, now)?
            .ok_or(domain::BookingError::ContactUnverified)?;
        let rows = bookings::table
            .filter(bookings::contact_email.eq(&mailbox))
            .filter(bookings::status.eq(domain::Standing::Active.as_str()))
            .filter(bookings::start_at.gt(to_db(now)))
            .order((bookings::start_at, bookings::id))
            .limit(100)
            .select(BookingRow::as_select())
            .load(&mut *conn)?;
        with_services(&mut conn, rows)
    }

    /// The booking `id` (staff).
    pub fn booking(&self, id: Uuid) -> Result<Booking, StoreError> {
        let mut conn = self.conn()?;
        let row = booking_row(&mut conn, &id.to_string())?;
        one(&mut conn, row)
    }

    /// The booking `id` for whoever `auth` names at `now`, as they may change
    /// it (R18, R29, R33: the holder of its token or of a living contact
    /// token of its mailbox, or staff of its office); otherwise
    /// `UnknownBooking`, as an unknown id is.
    pub fn booking_for(
        &self,
        id: Uuid,
        auth: CancelAuth<'_>,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let mut conn = self.conn()?;
        let row = booking_row(&mut conn, &id.to_string())?;
        acting(&mut conn, auth, &row, now)?;
        one(&mut conn, row)
    }

    /// The booking `id` for a staff user acting on `offices` (R29): one of
    /// another office is `UnknownBooking`, as an unknown id is.
    pub fn staff_booking(&self, id: Uuid, offices: &OfficeScope) -> Result<Booking, StoreError> {
        Some(self.booking(id)?)
            .filter(|b| offices.covers(&b.office))
            .ok_or(StoreError::UnknownBooking)
    }

    /// The booking with this code for a staff user acting on `offices`
    /// (R29), as [`Store::staff_booking`].
    pub fn staff_booking_by_code(
        &self,
        code: &BookingCode,
        offices: &OfficeScope,
    ) -> Result<Booking, StoreError> {
        Some(self.booking_by_code(code)?)
            .filter(|b| offices.covers(&b.office))
            .ok_or(StoreError::UnknownBooking)
    }

    /// The booking with this code, as read out at the desk.
    pub fn booking_by_code(&self, code: &BookingCode) -> Result<Booking, StoreError> {
        let mut conn = self.conn()?;
        let row = bookings::table
            .filter(bookings::code.eq(code.as_str()))
            .select(BookingRow::as_select())
            .first(&mut *conn)
            .optional()?
            .ok_or(StoreError::UnknownBooking)?;
        one(&mut conn, row)
    }

    /// The bookings of `office` on `date`, cancelled ones included, by start.
    pub fn day_appointments(
        &self,
        office: &OfficeId,
        date: Date,
    ) -> Result<Vec<Booking>, StoreError> {
        let mut conn = self.conn()?;
        self.cached_office(&mut conn, office.as_str(), None)?;
        let rows = bookings::table
            .filter(bookings::office_id.eq(office.as_str()))
            .filter(bookings::local_day.eq(date))
            // The id (UUIDv7) breaks ties of one clock instant in the order
            // made; without it PostgreSQL returns them in storage order,
            // which an update of the row (e.g. its confirmation moving into
            // the outbox) changes.
            .order((bookings::start_at, bookings::created_at, bookings::id))
            .select(BookingRow::as_select())
            .load(&mut *conn)?;
        with_services(&mut conn, rows)
    }
}
