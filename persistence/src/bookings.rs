//! Booking, reading and cancelling.

use crate::connection::DbConnection;
use crate::schema::{booking_services, bookings};
use crate::secret::{hash_token, new_code, new_token, normalize_code, token_matches};
use crate::{Store, StoreError, from_db, offices, to_db, to_i32, to_u32};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::{
    ActiveBooking, Berlin, BookingKind, BookingRequest, Channel, Citizen, Occupancy, OfficeId,
    Selection, ServiceId, validate_booking,
};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A booking request as the API hands it over.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub start: OffsetDateTime,
    pub kind: BookingKind,
    pub channel: Channel,
    pub citizen: Citizen,
    /// The staff user who booked on the citizen's behalf.
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingStatus {
    Confirmed,
    Cancelled,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
        }
    }
}

/// A stored booking; times in Europe/Berlin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: Uuid,
    pub code: String,
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub kind: BookingKind,
    pub channel: Channel,
    pub status: BookingStatus,
    pub citizen: Citizen,
    pub created_at: OffsetDateTime,
    pub created_by: Option<String>,
    pub cancelled_at: Option<OffsetDateTime>,
    pub cancelled_by: Option<String>,
}

/// A booking just made, with its secret token: shown once, stored only hashed.
#[derive(Debug, Clone)]
pub struct CreatedBooking {
    pub booking: Booking,
    pub token: String,
}

/// Who cancels: the holder of the token, or a staff user (R18).
#[derive(Debug, Clone, Copy)]
pub enum CancelAuth<'a> {
    Token(&'a str),
    Staff { actor: &'a str },
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = bookings)]
struct BookingRow {
    id: String,
    code: String,
    token_hash: String,
    office_id: String,
    local_day: Date,
    start_at: time::PrimitiveDateTime,
    end_at: time::PrimitiveDateTime,
    minutes: i32,
    kind: String,
    channel: String,
    status: String,
    citizen_name: String,
    citizen_email: Option<String>,
    citizen_phone: Option<String>,
    created_at: time::PrimitiveDateTime,
    created_by: Option<String>,
    cancelled_at: Option<time::PrimitiveDateTime>,
    cancelled_by: Option<String>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = booking_services)]
struct BookingServiceRow {
    booking_id: String,
    position: i32,
    office_id: String,
    service_id: String,
    minutes: i32,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn parse_kind(s: &str) -> Result<BookingKind, StoreError> {
    match s {
        "regular" => Ok(BookingKind::Regular),
        "day_ticket" => Ok(BookingKind::DayTicket),
        other => Err(corrupt(format!("booking kind `{other}`"))),
    }
}

fn parse_channel(s: &str) -> Result<Channel, StoreError> {
    match s {
        "online" => Ok(Channel::Online),
        "phone" => Ok(Channel::Phone),
        "desk" => Ok(Channel::Desk),
        other => Err(corrupt(format!("channel `{other}`"))),
    }
}

fn parse_status(s: &str) -> Result<BookingStatus, StoreError> {
    match s {
        "confirmed" => Ok(BookingStatus::Confirmed),
        "cancelled" => Ok(BookingStatus::Cancelled),
        other => Err(corrupt(format!("status `{other}`"))),
    }
}

fn to_booking(row: BookingRow, services: Vec<ServiceId>) -> Result<Booking, StoreError> {
    Ok(Booking {
        id: Uuid::parse_str(&row.id).map_err(corrupt)?,
        code: row.code,
        office: OfficeId::parse(&row.office_id).map_err(corrupt)?,
        services,
        start: from_db(row.start_at),
        end: from_db(row.end_at),
        kind: parse_kind(&row.kind)?,
        channel: parse_channel(&row.channel)?,
        status: parse_status(&row.status)?,
        citizen: Citizen::new(
            &row.citizen_name,
            row.citizen_email.as_deref(),
            row.citizen_phone.as_deref(),
        )
        .map_err(corrupt)?,
        created_at: from_db(row.created_at),
        created_by: row.created_by,
        cancelled_at: row.cancelled_at.map(from_db),
        cancelled_by: row.cancelled_by,
    })
}

/// The bookings of `rows` with their services, in the order of `rows`.
fn with_services(
    conn: &mut DbConnection,
    rows: Vec<BookingRow>,
) -> Result<Vec<Booking>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut services: HashMap<String, Vec<ServiceId>> = HashMap::new();
    // Bounded batches keep the bind parameters under SQLite's limit.
    for chunk in ids.chunks(500) {
        let list: Vec<BookingServiceRow> = booking_services::table
            .filter(booking_services::booking_id.eq_any(chunk))
            .order((booking_services::booking_id, booking_services::position))
            .select(BookingServiceRow::as_select())
            .load(conn)?;
        for s in list {
            services
                .entry(s.booking_id)
                .or_default()
                .push(ServiceId::parse(&s.service_id).map_err(corrupt)?);
        }
    }
    rows.into_iter()
        .map(|row| {
            let list = services.remove(&row.id).unwrap_or_default();
            to_booking(row, list)
        })
        .collect()
}

/// The confirmed bookings of `office` from `from` to `to` (local days).
fn active_bookings(
    conn: &mut DbConnection,
    office: &str,
    from: Date,
    to: Date,
) -> Result<Vec<ActiveBooking>, StoreError> {
    let rows: Vec<(time::PrimitiveDateTime, i32, String)> = bookings::table
        .filter(bookings::office_id.eq(office))
        .filter(bookings::local_day.between(from, to))
        .filter(bookings::status.eq(BookingStatus::Confirmed.as_str()))
        .select((bookings::start_at, bookings::minutes, bookings::kind))
        .load(conn)?;
    rows.into_iter()
        .map(|(start, minutes, kind)| {
            Ok(ActiveBooking {
                start: from_db(start),
                minutes: to_u32(minutes),
                pool: parse_kind(&kind)?.pool(),
            })
        })
        .collect()
}

fn is_unique_violation(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Database(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

impl Store {
    /// The occupancy of `office` from `from` to `to`, for slot search. Not
    /// locked: a slot offered here may be gone by the time it is booked, and
    /// [`Store::book`] then says so.
    pub fn occupancy(
        &self,
        office: &OfficeId,
        from: Date,
        to: Date,
    ) -> Result<Occupancy, StoreError> {
        let mut conn = self.conn()?;
        let active = active_bookings(&mut conn, office.as_str(), from, to)?;
        Ok(Occupancy::from_bookings(&active))
    }

    /// Books `request` if every rule allows it at `now`, atomically with the
    /// check of capacity and contingent (I1, I2).
    pub fn book(
        &self,
        request: &NewBooking,
        now: OffsetDateTime,
    ) -> Result<CreatedBooking, StoreError> {
        let day = Berlin::local(request.start).date();
        let office_id = request.office.as_str();
        // A code collision (about one in 10^12) makes the insert fail on the
        // unique index; the booking is then tried once more with a new code.
        let mut collisions = 0;
        loop {
            let token = new_token();
            let result = self.write(|conn| {
                let version =
                    offices::lock_day(conn, office_id, day)?.ok_or(StoreError::NotFound)?;
                let office = self.cached_office(conn, office_id, Some(version))?;
                let selection = Selection::new(&office, &request.services)?;
                let occupancy =
                    Occupancy::from_bookings(&active_bookings(conn, office_id, day, day)?);
                let accepted = validate_booking(
                    &office,
                    &BookingRequest {
                        selection: selection.clone(),
                        start: request.start,
                        kind: request.kind,
                        channel: request.channel,
                    },
                    now,
                    &occupancy,
                )?;
                // UUIDv7: ordered by creation, the tie-breaker when created_at is equal.
                let id = Uuid::now_v7().to_string();
                let row = BookingRow {
                    id: id.clone(),
                    code: new_code(),
                    token_hash: hash_token(&token),
                    office_id: office_id.to_owned(),
                    local_day: accepted.date,
                    start_at: to_db(accepted.start),
                    end_at: to_db(accepted.end),
                    minutes: to_i32(selection.minutes()),
                    kind: request.kind.as_str().to_owned(),
                    channel: request.channel.as_str().to_owned(),
                    status: BookingStatus::Confirmed.as_str().to_owned(),
                    citizen_name: request.citizen.name().to_owned(),
                    citizen_email: request.citizen.email().map(str::to_owned),
                    citizen_phone: request.citizen.phone().map(str::to_owned),
                    created_at: to_db(now),
                    created_by: request.created_by.clone(),
                    cancelled_at: None,
                    cancelled_by: None,
                };
                diesel::insert_into(bookings::table)
                    .values(&row)
                    .execute(conn)?;
                // In the order chosen, so the booking reads back as it was made.
                for (position, service) in request.services.iter().enumerate() {
                    let minutes = office.service(service).map_or(0, |s| to_i32(s.minutes));
                    diesel::insert_into(booking_services::table)
                        .values(BookingServiceRow {
                            booking_id: id.clone(),
                            position: i32::try_from(position).unwrap_or(i32::MAX),
                            office_id: office_id.to_owned(),
                            service_id: service.as_str().to_owned(),
                            minutes,
                        })
                        .execute(conn)?;
                }
                let booking = to_booking(row, request.services.clone())?;
                if let Some(actor) = &request.created_by {
                    crate::staff::record(
                        conn,
                        &crate::Audit {
                            actor,
                            action: "booking.create",
                            office: Some(office_id),
                            booking: Some(&id),
                            detail: serde_json::json!({
                                "code": booking.code,
                                "channel": request.channel.as_str(),
                                "kind": request.kind.as_str(),
                                "start": booking
                                    .start
                                    .format(&time::format_description::well_known::Rfc3339)
                                    .unwrap_or_default(),
                                "services": request.services.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                            }),
                        },
                        now,
                    )?;
                }
                Ok(booking)
            });
            match result {
                Err(e) if is_unique_violation(&e) && collisions < 3 => collisions += 1,
                Ok(booking) => return Ok(CreatedBooking { booking, token }),
                Err(e) => return Err(e),
            }
        }
    }

    fn booking_row(conn: &mut DbConnection, id: &str) -> Result<BookingRow, StoreError> {
        bookings::table
            .find(id)
            .select(BookingRow::as_select())
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// The booking `id` (staff).
    pub fn booking(&self, id: Uuid) -> Result<Booking, StoreError> {
        let mut conn = self.conn()?;
        let row = Self::booking_row(&mut conn, &id.to_string())?;
        with_services(&mut conn, vec![row])?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The booking `id` if `token` is its secret; otherwise `NotFound`, so a
    /// guess learns nothing about which ids exist.
    pub fn booking_with_token(&self, id: Uuid, token: &str) -> Result<Booking, StoreError> {
        let mut conn = self.conn()?;
        let row = Self::booking_row(&mut conn, &id.to_string())?;
        if !token_matches(token, &row.token_hash) {
            return Err(StoreError::NotFound);
        }
        with_services(&mut conn, vec![row])?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The booking with this code, as read out at the desk (case and
    /// separators ignored).
    pub fn booking_by_code(&self, code: &str) -> Result<Booking, StoreError> {
        let mut conn = self.conn()?;
        let row = bookings::table
            .filter(bookings::code.eq(normalize_code(code)))
            .select(BookingRow::as_select())
            .first(&mut *conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        with_services(&mut conn, vec![row])?
            .pop()
            .ok_or(StoreError::NotFound)
    }

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
            let row = Self::booking_row(conn, &id)?;
            let actor = match auth {
                CancelAuth::Token(token) if token_matches(token, &row.token_hash) => None,
                CancelAuth::Token(_) => return Err(StoreError::NotFound),
                CancelAuth::Staff { actor } => Some(actor.to_owned()),
            };
            if row.status == BookingStatus::Cancelled.as_str() {
                return Err(StoreError::AlreadyCancelled);
            }
            if from_db(row.start_at) <= now {
                return Err(StoreError::AppointmentPassed);
            }
            let updated = diesel::update(
                bookings::table
                    .find(&id)
                    .filter(bookings::status.eq(BookingStatus::Confirmed.as_str())),
            )
            .set((
                bookings::status.eq(BookingStatus::Cancelled.as_str()),
                bookings::cancelled_at.eq(Some(to_db(now))),
                bookings::cancelled_by.eq(actor),
            ))
            .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::AlreadyCancelled);
            }
            if let CancelAuth::Staff { actor } = auth {
                crate::staff::record(
                    conn,
                    &crate::Audit {
                        actor,
                        action: "booking.cancel",
                        office: Some(&row.office_id),
                        booking: Some(&id),
                        detail: serde_json::json!({"code": row.code}),
                    },
                    now,
                )?;
            }
            let row = Self::booking_row(conn, &id)?;
            with_services(conn, vec![row])?
                .pop()
                .ok_or(StoreError::NotFound)
        })
    }

    /// The bookings of `office` on `date`, cancelled ones included, by start.
    /// (see also [`future_bookings`])
    pub fn day_appointments(
        &self,
        office: &OfficeId,
        date: Date,
    ) -> Result<Vec<Booking>, StoreError> {
        let mut conn = self.conn()?;
        let rows = bookings::table
            .filter(bookings::office_id.eq(office.as_str()))
            .filter(bookings::local_day.eq(date))
            .order((bookings::start_at, bookings::created_at))
            .select(BookingRow::as_select())
            .load(&mut *conn)?;
        with_services(&mut conn, rows)
    }
}

/// The confirmed bookings of `office` not yet over at `now`, oldest first:
/// the ones an admin change must not strand.
pub(crate) fn future_bookings(
    conn: &mut DbConnection,
    office: &str,
    now: OffsetDateTime,
) -> Result<Vec<Booking>, StoreError> {
    let rows = bookings::table
        .filter(bookings::office_id.eq(office))
        .filter(bookings::status.eq(BookingStatus::Confirmed.as_str()))
        .filter(bookings::end_at.gt(to_db(now)))
        .order((bookings::created_at, bookings::id))
        .select(BookingRow::as_select())
        .load(conn)?;
    with_services(conn, rows)
}

/// Minutes a booking occupies (its stored length, not today's durations).
pub(crate) fn active(b: &Booking) -> ActiveBooking {
    let minutes = (b.end - b.start).whole_minutes();
    ActiveBooking {
        start: b.start,
        minutes: u32::try_from(minutes).unwrap_or(0),
        pool: b.kind.pool(),
    }
}
