//! Bookings: the rows of `bookings` and `booking_services` and how they
//! read back (here), and the one transaction that makes a booking
//! (`book`).

mod book;

pub(crate) use book::{
    Accept, admit, check_challenge, check_citizen, insert_accepted, insert_services, rebook,
};

use crate::StoreError;
use crate::challenges::SolvedChallenge;
use crate::details::{self, BookedService};
use crate::infra::codec::{corrupt, from_db, parse, to_db, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::schema::{booking_services, bookings};
use diesel::prelude::*;
use domain::{
    ActiveBooking, BookingCode, BookingKind, BookingStatus, Channel, Citizen, OfficeId, Postcode,
    ServiceId, Stage, Standing, Username,
};
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
    pub created_by: Option<Username>,
    /// A verified proof-of-work solution, where the office asks for one (R26).
    pub challenge: Option<SolvedChallenge>,
    /// `X-Contact-Token`, where the office asks for a verified contact
    /// (R33).
    pub contact_token: Option<String>,
    /// The client's `Idempotency-Key`: a retry from the same client gets
    /// the first booking.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// An `Idempotency-Key` as the client sent it, bound to the client that
/// sent it (issue #23): the same key from another client is refused as
/// used for another request, so it never answers with another client's
/// booking or renews its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    /// The client's address as R25 counts it (an IPv4 address, an IPv6
    /// /64), stored only in the request's fingerprint, hashed; `None`
    /// binds to no client (tests and tools that call the store).
    pub client: Option<String>,
}

impl IdempotencyKey {
    /// `key` from `client`.
    pub fn from_client(key: String, client: String) -> Self {
        Self {
            key,
            client: Some(client),
        }
    }
}

/// A key bound to no client.
impl From<&str> for IdempotencyKey {
    fn from(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            client: None,
        }
    }
}

/// A key bound to no client.
impl From<String> for IdempotencyKey {
    fn from(key: String) -> Self {
        Self { key, client: None }
    }
}

impl NewBooking {
    /// R15, I2, the 07:00 rush: whether this request may be refused as
    /// "Tagestickets gone" from data read without the day's lock (in the
    /// store, or from what a process remembers): a Tagesticket without an
    /// `Idempotency-Key`. A retry with a key may be answered with the
    /// booking it made, which only the locked path finds.
    pub fn refusable_as_gone_without_lock(&self) -> bool {
        self.kind == BookingKind::DayTicket && self.idempotency_key.is_none()
    }
}

/// A stored booking; times in Europe/Berlin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: Uuid,
    pub code: BookingCode,
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    /// The same services with what the office says about them now: what to
    /// bring, note, key (R21, R22), and the minutes booked.
    pub service_details: Vec<BookedService>,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub kind: BookingKind,
    pub channel: Channel,
    pub status: BookingStatus,
    pub citizen: Citizen,
    pub created_at: OffsetDateTime,
    pub created_by: Option<Username>,
    pub cancelled_at: Option<OffsetDateTime>,
    pub cancelled_by: Option<Username>,
    /// Where it was before its last move (R20).
    pub previous_start: Option<OffsetDateTime>,
    /// Rises with every change the citizen hears of (move, cancellation):
    /// the `SEQUENCE` of its calendar entry.
    pub sequence: u32,
    /// R28: its steps at the counter.
    pub counter: CounterSteps,
    /// R31: when its personal data were erased.
    pub erased_at: Option<OffsetDateTime>,
}

/// R28: when and by whom a booking was checked in, called (to which
/// counter) and closed (served or no-show).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterSteps {
    pub checked_in: Option<Step>,
    pub called: Option<Step>,
    pub counter: Option<u32>,
    pub closed: Option<Step>,
}

/// One step at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: OffsetDateTime,
    pub by: Username,
}

impl Booking {
    /// What occupancy counts of it: its stored length, not today's durations.
    pub(crate) fn active(&self) -> Result<ActiveBooking, StoreError> {
        let minutes = (self.end - self.start).whole_minutes();
        Ok(ActiveBooking {
            start: self.start,
            minutes: u32::try_from(minutes)
                .map_err(|_| corrupt(format!("booking {} ends before it starts", self.id)))?,
            pool: self.kind.pool(),
        })
    }
}

/// A booking just made, with its secret token: shown once, stored only hashed.
#[derive(Debug, Clone)]
pub struct CreatedBooking {
    pub booking: Booking,
    pub token: String,
}

/// Who cancels: the holder of the token, the holder of a contact token of
/// the booking's mailbox (R33, "Meine Termine"), or a staff user of the
/// booking's office (R18, R29).
#[derive(Debug, Clone, Copy)]
pub enum CancelAuth<'a> {
    Token(&'a str),
    Contact(&'a str),
    Staff {
        actor: &'a Username,
        /// What the user acts on, the role taken into account.
        offices: &'a domain::OfficeScope,
    },
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = bookings)]
pub(crate) struct BookingRow {
    id: String,
    code: String,
    pub(crate) token_hash: String,
    pub(crate) office_id: String,
    pub(crate) local_day: Date,
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
    pub(crate) contact_email: Option<String>,
    citizen_postcode: Option<String>,
    previous_start_at: Option<time::PrimitiveDateTime>,
    sequence: i32,
    stage: Option<String>,
    checked_in_at: Option<time::PrimitiveDateTime>,
    checked_in_by: Option<String>,
    called_at: Option<time::PrimitiveDateTime>,
    called_by: Option<String>,
    counter: Option<i32>,
    closed_at: Option<time::PrimitiveDateTime>,
    closed_by: Option<String>,
    erased_at: Option<time::PrimitiveDateTime>,
}

/// R28: a step of `at` and `by`, both or neither stored.
fn step(
    at: Option<time::PrimitiveDateTime>,
    by: Option<String>,
) -> Result<Option<Step>, StoreError> {
    match (at, username(by)?) {
        (Some(at), Some(by)) => Ok(Some(Step {
            at: from_db(at),
            by,
        })),
        _ => Ok(None),
    }
}

/// The status of a row: `cancelled` whatever happened before, otherwise
/// the stage at the counter if it has one (R28).
pub(crate) fn status_of(status: &str, stage: Option<&str>) -> Result<BookingStatus, StoreError> {
    let standing: Standing = parse(status)?;
    let stage: Option<Stage> = stage.map(parse).transpose()?;
    Ok(BookingStatus::of(standing, stage))
}

#[derive(Insertable)]
#[diesel(table_name = booking_services)]
struct BookingServiceRow {
    booking_id: String,
    position: i32,
    office_id: String,
    service_id: String,
    minutes: i32,
}

fn username(stored: Option<String>) -> Result<Option<Username>, StoreError> {
    stored
        .map(|u| Username::parse(&u).map_err(corrupt))
        .transpose()
}

pub(crate) fn to_booking(
    row: BookingRow,
    booked: Vec<BookedService>,
) -> Result<Booking, StoreError> {
    Ok(Booking {
        id: Uuid::parse_str(&row.id).map_err(corrupt)?,
        code: BookingCode::parse(&row.code).map_err(corrupt)?,
        office: OfficeId::parse(&row.office_id).map_err(corrupt)?,
        services: booked.iter().map(|b| b.service.id.clone()).collect(),
        service_details: booked,
        start: from_db(row.start_at),
        end: from_db(row.end_at),
        kind: parse(&row.kind)?,
        channel: parse(&row.channel)?,
        status: status_of(&row.status, row.stage.as_deref())?,
        citizen: Citizen::stored(row.citizen_name, row.citizen_email, row.citizen_phone)
            .with_postcode(
                row.citizen_postcode
                    .as_deref()
                    .map(|p| Postcode::parse(p).map_err(corrupt))
                    .transpose()?,
            ),
        created_at: from_db(row.created_at),
        created_by: username(row.created_by)?,
        cancelled_at: row.cancelled_at.map(from_db),
        cancelled_by: username(row.cancelled_by)?,
        previous_start: row.previous_start_at.map(from_db),
        sequence: to_u32(row.sequence, "bookings.sequence")?,
        counter: CounterSteps {
            checked_in: step(row.checked_in_at, row.checked_in_by)?,
            called: step(row.called_at, row.called_by)?,
            counter: row
                .counter
                .map(|c| to_u32(c, "bookings.counter"))
                .transpose()?,
            closed: step(row.closed_at, row.closed_by)?,
        },
        erased_at: row.erased_at.map(from_db),
    })
}

/// The bookings of `rows` with their services, in the order of `rows`.
pub(crate) fn with_services(
    conn: &mut DbConnection,
    rows: Vec<BookingRow>,
) -> Result<Vec<Booking>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut services = details::of_bookings(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let list = services
                .remove(&row.id)
                .ok_or_else(|| corrupt(format!("booking {} has no services", row.id)))?;
            to_booking(row, list)
        })
        .collect()
}

pub(crate) fn one(conn: &mut DbConnection, row: BookingRow) -> Result<Booking, StoreError> {
    with_services(conn, vec![row])?
        .pop()
        .ok_or(StoreError::UnknownBooking)
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
        .filter(bookings::status.eq(Standing::Active.as_str()))
        .filter(bookings::end_at.gt(to_db(now)))
        .order((bookings::created_at, bookings::id))
        .select(BookingRow::as_select())
        .load(conn)?;
    with_services(conn, rows)
}

pub(crate) fn booking_row(conn: &mut DbConnection, id: &str) -> Result<BookingRow, StoreError> {
    bookings::table
        .find(id)
        .select(BookingRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::UnknownBooking)
}
