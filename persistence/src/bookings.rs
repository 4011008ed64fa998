//! Booking, reading and cancelling: the rows of `bookings` and
//! `booking_services`, and the one transaction that makes a booking.

use crate::audit::{booking_audit, record};
use crate::challenges::{self, SolvedChallenge};
use crate::codec::{corrupt, from_db, parse, to_db, to_i32, to_u32};
use crate::connection::DbConnection;
use crate::contacts;
use crate::details::{self, BookedService};
use crate::holds::live_holds;
use crate::idempotency::{self, Seen};
use crate::schema::{booking_services, bookings};
use crate::secret::{hash_token, new_code, new_token};
use crate::{Store, StoreError, locks, outbox};
use diesel::prelude::*;
use domain::{
    Accepted, ActiveBooking, AuditAction, Berlin, BookingCode, BookingError, BookingKind,
    BookingRequest, BookingStatus, Channel, Citizen, Occupancy, Office, OfficeId, Postcode,
    ReminderPolicy, Selection, ServiceId, Username, check_contact_limits, check_residence,
    contact_limit, email_key, validate_booking,
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
    /// The client's `Idempotency-Key`: a retry gets the first booking.
    pub idempotency_key: Option<String>,
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

/// Who cancels: the holder of the token, or a staff user of the booking's
/// office (R18, R29).
#[derive(Debug, Clone, Copy)]
pub enum CancelAuth<'a> {
    Token(&'a str),
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
    contact_email: Option<String>,
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
    let stored: BookingStatus = parse(status)?;
    match stage {
        Some(stage) if stored == BookingStatus::Confirmed => parse(stage),
        _ => Ok(stored),
    }
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

fn to_booking(row: BookingRow, booked: Vec<BookedService>) -> Result<Booking, StoreError> {
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

/// What occupancy counts of `office` from `from` to `to` (local days) at
/// `now`: the confirmed bookings and the live holds (I5), except the booking
/// `except` (a booking being moved counts as free for its new start, R20).
pub(crate) fn active_bookings(
    conn: &mut DbConnection,
    office: &str,
    (from, to): (Date, Date),
    now: OffsetDateTime,
    except: Option<&str>,
) -> Result<Vec<ActiveBooking>, StoreError> {
    let mut query = bookings::table
        .filter(bookings::office_id.eq(office))
        .filter(bookings::local_day.between(from, to))
        .filter(bookings::status.eq(BookingStatus::Confirmed.as_str()))
        .select((bookings::start_at, bookings::minutes, bookings::kind))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(bookings::id.ne(id));
    }
    let mut rows: Vec<(time::PrimitiveDateTime, i32, String)> = query.load(conn)?;
    rows.extend(live_holds(conn, office, (from, to), now)?);
    rows.into_iter()
        .map(|(start, minutes, kind)| {
            Ok(ActiveBooking {
                start: from_db(start),
                minutes: to_u32(minutes, "minutes")?,
                pool: parse::<BookingKind>(&kind)?.pool(),
            })
        })
        .collect()
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

pub(crate) fn booking_row(conn: &mut DbConnection, id: &str) -> Result<BookingRow, StoreError> {
    bookings::table
        .find(id)
        .select(BookingRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::UnknownBooking)
}

/// Inserts an accepted booking: its row (with its confirmation, R23), then
/// its services in the order chosen (so it reads back as it was made, R4).
fn insert(
    conn: &mut DbConnection,
    row: &BookingRow,
    confirmation: &outbox::PendingConfirmation,
    selection: &Selection,
) -> Result<(), StoreError> {
    diesel::insert_into(bookings::table)
        .values((row, confirmation))
        .execute(conn)?;
    insert_services(conn, &row.id, &row.office_id, selection)
}

/// The services of booking `id` in the order chosen, with their minutes.
pub(crate) fn insert_services(
    conn: &mut DbConnection,
    id: &str,
    office: &str,
    selection: &Selection,
) -> Result<(), StoreError> {
    for (position, (service, minutes)) in selection.services().iter().enumerate() {
        diesel::insert_into(booking_services::table)
            .values(BookingServiceRow {
                booking_id: id.to_owned(),
                position: to_i32(position),
                office_id: office.to_owned(),
                service_id: service.as_str().to_owned(),
                minutes: to_i32(*minutes),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// The booking of a citizen that passed every rule, as inserted.
pub(crate) struct Accept<'a> {
    pub office: &'a str,
    pub selection: &'a Selection,
    pub accepted: &'a Accepted,
    pub kind: BookingKind,
    pub channel: Channel,
    pub citizen: &'a Citizen,
    pub created_by: Option<&'a Username>,
    /// The office's reminder setting, for the booking's messages (R23).
    pub reminder: ReminderPolicy,
}

/// Inserts an accepted booking with the secret `token` (stored hashed) and
/// a new code; audits it when staff made it.
pub(crate) fn insert_accepted(
    conn: &mut DbConnection,
    a: &Accept<'_>,
    token: &str,
    now: OffsetDateTime,
) -> Result<Booking, StoreError> {
    let citizen = a.citizen;
    // UUIDv7: ordered by creation, the tie-breaker when created_at is equal.
    let row = BookingRow {
        id: Uuid::now_v7().to_string(),
        code: new_code().as_str().to_owned(),
        token_hash: hash_token(token),
        office_id: a.office.to_owned(),
        local_day: a.accepted.date,
        start_at: to_db(a.accepted.start),
        end_at: to_db(a.accepted.end),
        minutes: to_i32(a.selection.minutes()),
        kind: a.kind.as_str().to_owned(),
        channel: a.channel.as_str().to_owned(),
        status: BookingStatus::Confirmed.as_str().to_owned(),
        citizen_name: citizen.name().to_owned(),
        citizen_email: citizen.email().map(str::to_owned),
        citizen_phone: citizen.phone().map(str::to_owned),
        created_at: to_db(now),
        created_by: a.created_by.map(|u| u.as_str().to_owned()),
        cancelled_at: None,
        cancelled_by: None,
        contact_email: citizen.email().map(email_key),
        citizen_postcode: citizen.postcode().map(|p| p.as_str().to_owned()),
        previous_start_at: None,
        sequence: 0,
        stage: None,
        checked_in_at: None,
        checked_in_by: None,
        called_at: None,
        called_by: None,
        counter: None,
        closed_at: None,
        closed_by: None,
        erased_at: None,
    };
    // R23, I6: its confirmation is part of the row, so in its transaction.
    let confirmation = outbox::booked(a.reminder, citizen, a.accepted.start, token, now);
    insert(conn, &row, &confirmation, a.selection)?;
    // Read back with its services' texts (R21, R22), as every booking is.
    let booking = one(conn, row)?;
    if let Some(actor) = a.created_by {
        record(
            conn,
            &booking_audit(actor, AuditAction::BookingCreate, &booking),
            now,
        )?;
    }
    Ok(booking)
}

/// R24, R32: the rules about the citizen, checked in the booking's
/// transaction: the postcode where the office keeps Tagestickets for
/// residents, the limits per contact (the contact locked first).
pub(crate) fn check_citizen(
    conn: &mut DbConnection,
    office: &Office,
    kind: BookingKind,
    channel: Channel,
    citizen: &Citizen,
    day: Date,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let fair = &office.fair_use;
    check_residence(fair, kind, channel, citizen.postcode())?;
    if contact_limit(fair, kind, channel).is_some() {
        let holdings = contacts::holdings(conn, office.id.as_str(), citizen, day, now)?;
        check_contact_limits(fair, kind, channel, holdings)?;
    }
    Ok(())
}

impl Store {
    /// Runs `f` in a write transaction with a new secret token; a code
    /// collision (about one in 10^12) makes the insert fail on the unique
    /// index, and the whole transaction is then tried once more.
    pub(crate) fn write_booking(
        &self,
        mut f: impl FnMut(&mut DbConnection, &str) -> Result<Booking, StoreError>,
    ) -> Result<CreatedBooking, StoreError> {
        let mut collisions = 0;
        loop {
            let token = new_token();
            match self.write(|conn| f(conn, &token)) {
                Err(e) if e.is_unique_violation() && collisions < 3 => collisions += 1,
                Ok(booking) => return Ok(CreatedBooking { booking, token }),
                Err(e) => return Err(e),
            }
        }
    }

    /// Books `request` if every rule allows it at `now`, atomically with the
    /// check of capacity and contingent (I1, I2, I4): lock the office day,
    /// read its occupancy (live holds included, I5), let the domain decide,
    /// insert, audit.
    pub fn book(
        &self,
        request: &NewBooking,
        now: OffsetDateTime,
    ) -> Result<CreatedBooking, StoreError> {
        match request.kind {
            // R27: where the office draws, today's draw comes first.
            BookingKind::DayTicket => {
                self.after_draw(&request.office, now, || self.book_now(request, now))
            }
            BookingKind::Regular => self.book_now(request, now),
        }
    }

    fn book_now(
        &self,
        request: &NewBooking,
        now: OffsetDateTime,
    ) -> Result<CreatedBooking, StoreError> {
        let day = Berlin::local(request.start).date();
        let office_id = request.office.as_str();
        // R15, I2: the 07:00 rush. Once the day's contingent is gone, the
        // refusal needs no lock (a retry with a key may still be answered
        // with its booking, so it takes the locked path).
        if request.kind == BookingKind::DayTicket
            && request.idempotency_key.is_none()
            && self.day_tickets_gone(&request.office, day, now)?
        {
            return Err(BookingError::DayTicketsExhausted.into());
        }
        self.write_booking(|conn, token| {
            // A retry of a request that was booked: that booking, with a
            // new token (the first answer, with the first token, was lost).
            let key = request.idempotency_key.as_deref();
            let hash = key.map(|_| idempotency::request_hash(request));
            if let (Some(key), Some(hash)) = (key, &hash) {
                locks::lock_name(conn, "idempotency", key)?;
                if let Seen::Made(id) = idempotency::seen(conn, key, hash, now)? {
                    return rebook(conn, &id, token, now);
                }
            }
            let version = locks::lock_day(conn, office_id, day)?
                .ok_or_else(|| BookingError::UnknownOffice(office_id.to_owned()))?;
            let office = self.cached_office(conn, office_id, Some(version))?;
            if request.kind == BookingKind::DayTicket {
                self.check_drawn(conn, &office, now)?;
            }
            let selection = Selection::new(&office, &request.services)?;
            check_citizen(
                conn,
                &office,
                request.kind,
                request.channel,
                &request.citizen,
                day,
                now,
            )?;
            // R26: where the office asks for it, a solution, used once.
            if office
                .fair_use
                .challenge
                .requires(request.kind, request.channel)
            {
                let solved = request
                    .challenge
                    .as_ref()
                    .ok_or(BookingError::ChallengeRequired)?;
                challenges::consume(conn, solved, now)?;
            }
            let active = active_bookings(conn, office_id, (day, day), now, None)?;
            let accepted = validate_booking(
                &office,
                &BookingRequest {
                    selection: selection.clone(),
                    start: request.start,
                    kind: request.kind,
                    channel: request.channel,
                },
                now,
                &Occupancy::from_bookings(&active),
            )?;
            let booking = insert_accepted(
                conn,
                &Accept {
                    office: office_id,
                    selection: &selection,
                    accepted: &accepted,
                    kind: request.kind,
                    channel: request.channel,
                    citizen: &request.citizen,
                    created_by: request.created_by.as_ref(),
                    reminder: office.reminder,
                },
                token,
                now,
            )?;
            if let (Some(key), Some(hash)) = (key, &hash) {
                idempotency::remember(conn, key, hash, &booking.id.to_string(), now)?;
            }
            Ok(booking)
        })
    }
}

/// The booking a retried request made, its token replaced by `token`.
pub(crate) fn rebook(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    now: OffsetDateTime,
) -> Result<Booking, StoreError> {
    diesel::update(bookings::table.find(id))
        .set(bookings::token_hash.eq(hash_token(token)))
        .execute(conn)?;
    let row = booking_row(conn, id)?;
    let booking = one(conn, row)?;
    outbox::token_renewed(conn, &booking, token, now)?;
    Ok(booking)
}
