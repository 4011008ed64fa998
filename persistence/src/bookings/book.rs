//! The one transaction that makes a booking: checked against the office
//! day's plan under its lock (I1, I2, I4), the contact limits (R24), the
//! challenge (R26) and the residence (R32), then inserted with its services
//! and its confirmation (R23), audited.

use super::{
    Booking, BookingRow, BookingServiceRow, CreatedBooking, NewBooking, booking_row, one,
    to_booking,
};
use crate::audit::{booking_audit, record};
use crate::challenges::{self, SolvedChallenge};
use crate::contacts;
use crate::details::BookedService;
use crate::infra::codec::corrupt;
use crate::infra::codec::{to_db, to_i32};
use crate::infra::connection::DbConnection;
use crate::infra::idempotency;
use crate::infra::schema::{booking_services, bookings};
use crate::infra::secret::{NewToken, hash_token, new_code, new_token};
use crate::occupancy::occupancy_around;
use crate::{Store, StoreError, outbox};
use diesel::prelude::*;
use domain::{
    Accepted, AuditAction, Berlin, BookingError, BookingKind, BookingRequest, Channel, Citizen,
    Occupancy, Office, Selection, Standing, Username, check_contact_limits, check_residence,
    contact_limit, email_key, validate_booking,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// R26: the proof of work where the office asks for one, used once. The
/// first check of a new appointment, a booking and a hold alike (before
/// R33's contact, so a script learns nothing else without it).
pub(crate) fn check_challenge(
    conn: &mut DbConnection,
    office: &Office,
    (kind, channel): (BookingKind, Channel),
    challenge: Option<&SolvedChallenge>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if office.settings.challenge.requires(kind, channel) {
        let solved = challenge.ok_or(BookingError::ChallengeRequired)?;
        challenges::consume(conn, solved, now)?;
    }
    Ok(())
}

/// What every new appointment passes under its day's lock, a booking and a
/// hold alike: every rule against the occupancy of its day (I1, I2).
pub(crate) fn admit(
    conn: &mut DbConnection,
    office: &Office,
    request: &BookingRequest,
    now: OffsetDateTime,
) -> Result<Accepted, StoreError> {
    let day = Berlin::local(request.start).date();
    let end = request.start + time::Duration::minutes(i64::from(request.selection.minutes()));
    let active = occupancy_around(
        conn,
        office.id.as_str(),
        day,
        request.kind,
        (request.start, end),
        now,
    )?;
    Ok(validate_booking(
        office,
        request,
        now,
        &Occupancy::from_bookings(&active),
    )?)
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

/// The services of booking `id` in the order chosen, with their minutes:
/// one statement for all of them, as the day is locked meanwhile (issue
/// #13). diesel's MultiConnection has no multi-row INSERT, so each backend
/// runs it.
pub(crate) fn insert_services(
    conn: &mut DbConnection,
    id: &str,
    office: &str,
    selection: &Selection,
) -> Result<(), StoreError> {
    let rows: Vec<BookingServiceRow> = selection
        .services()
        .iter()
        .enumerate()
        .map(|(position, (service, minutes))| BookingServiceRow {
            booking_id: id.to_owned(),
            position: to_i32(position),
            office_id: office.to_owned(),
            service_id: service.as_str().to_owned(),
            minutes: to_i32(*minutes),
        })
        .collect();
    let insert = diesel::insert_into(booking_services::table).values(&rows);
    match conn {
        DbConnection::Pg(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(lite) => insert.execute(lite)?,
    };
    Ok(())
}

/// The booking of a citizen that passed every rule, as inserted.
pub(crate) struct Accept<'a> {
    /// The office's configuration, read under the lock.
    pub office: &'a Office,
    pub selection: &'a Selection,
    pub accepted: &'a Accepted,
    pub kind: BookingKind,
    pub channel: Channel,
    pub citizen: &'a Citizen,
    pub created_by: Option<&'a Username>,
}

/// Inserts an accepted booking with the secret `token` (stored hashed; for
/// its confirmation, sealed) and a new code; audits it when staff made it.
pub(crate) fn insert_accepted(
    conn: &mut DbConnection,
    a: &Accept<'_>,
    token: &NewToken<'_>,
    now: OffsetDateTime,
) -> Result<Booking, StoreError> {
    let citizen = a.citizen;
    // UUIDv7: ordered by creation, the tie-breaker when created_at is equal.
    let id = Uuid::now_v7().to_string();
    let sealed = match citizen.email() {
        Some(_) => Some(token.sealed_for(&id)?),
        None => None,
    };
    let row = BookingRow {
        id,
        code: new_code().as_str().to_owned(),
        token_hash: hash_token(&token.plain),
        office_id: a.office.id.as_str().to_owned(),
        local_day: a.accepted.date,
        start_at: to_db(a.accepted.start),
        end_at: to_db(a.accepted.end),
        minutes: to_i32(a.selection.minutes()),
        kind: a.kind.as_str().to_owned(),
        channel: a.channel.as_str().to_owned(),
        status: Standing::Active.as_str().to_owned(),
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
    let confirmation = outbox::booked(
        a.office.settings.reminder(),
        a.accepted.start,
        sealed.as_deref(),
        now,
    );
    insert(conn, &row, &confirmation, a.selection)?;
    // With its services as the office describes them (R21, R22): the
    // configuration read under the lock, the same a read-back would join,
    // without a round trip while the day is locked (issue #13).
    let booked = a
        .selection
        .services()
        .iter()
        .map(|(id, minutes)| {
            let service = a.office.service(id).cloned().ok_or_else(|| {
                corrupt(format!("service `{id}` of a new booking is not configured"))
            })?;
            Ok(BookedService {
                service,
                minutes: *minutes,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let booking = to_booking(row, booked)?;
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
    let fair = &office.settings;
    check_residence(fair, kind, channel, citizen.postcode())?;
    if contact_limit(fair, kind, channel).is_some() {
        let holdings = contacts::holdings(conn, office.id.as_str(), citizen, day, now)?;
        check_contact_limits(fair, kind, channel, holdings)?;
    }
    Ok(())
}

impl Store {
    /// A new booking token, with this store's key for its confirmation.
    pub(crate) fn new_token(&self) -> NewToken<'_> {
        NewToken {
            plain: new_token(),
            sealer: &self.sealer,
        }
    }

    /// Runs `f` in a write transaction with a new secret token; a code
    /// collision (about one in 10^12) makes the insert fail on the unique
    /// index, and the whole transaction is then tried once more.
    pub(crate) fn write_booking(
        &self,
        mut f: impl FnMut(&mut DbConnection, &NewToken<'_>) -> Result<Booking, StoreError>,
    ) -> Result<CreatedBooking, StoreError> {
        let mut collisions = 0;
        loop {
            let token = self.new_token();
            match self.write(|conn| f(conn, &token)) {
                Err(e) if e.is_unique_violation() && collisions < 3 => collisions += 1,
                Ok(booking) => {
                    return Ok(CreatedBooking {
                        booking,
                        token: token.plain,
                    });
                }
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
        if request.refusable_as_gone_without_lock()
            && self.day_tickets_gone(&request.office, day, now)?
        {
            return Err(BookingError::DayTicketsExhausted.into());
        }
        self.write_booking(|conn, token| {
            // A retry of a request that was booked: that booking, with a
            // new token (the first answer, with the first token, was lost).
            let key = request.idempotency_key.as_ref().map(|k| k.key.as_str());
            let hash = key.map(|_| idempotency::request_hash(request));
            let keyed = key.zip(hash.as_deref());
            if let Some(id) = idempotency::retried(conn, keyed, now)? {
                return rebook(conn, &id, token, now);
            }
            let (office, selection) = self.open_appointment(
                conn,
                (office_id, day),
                request.kind,
                &request.services,
                now,
            )?;
            let how = (request.kind, request.channel);
            check_challenge(conn, &office, how, request.challenge.as_ref(), now)?;
            crate::verifications::check_contact(
                conn,
                &office,
                how,
                request.citizen.email(),
                request.contact_token.as_deref(),
                now,
            )?;
            check_citizen(
                conn,
                &office,
                request.kind,
                request.channel,
                &request.citizen,
                day,
                now,
            )?;
            let accepted = admit(
                conn,
                &office,
                &BookingRequest {
                    selection: selection.clone(),
                    start: request.start,
                    kind: request.kind,
                    channel: request.channel,
                },
                now,
            )?;
            let booking = insert_accepted(
                conn,
                &Accept {
                    office: &office,
                    selection: &selection,
                    accepted: &accepted,
                    kind: request.kind,
                    channel: request.channel,
                    citizen: &request.citizen,
                    created_by: request.created_by.as_ref(),
                },
                token,
                now,
            )?;
            if let Some((key, hash)) = keyed {
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
    token: &NewToken<'_>,
    now: OffsetDateTime,
) -> Result<Booking, StoreError> {
    diesel::update(bookings::table.find(id))
        .set(bookings::token_hash.eq(hash_token(&token.plain)))
        .execute(conn)?;
    let row = booking_row(conn, id)?;
    let booking = one(conn, row)?;
    outbox::token_renewed(conn, &booking, token, now)?;
    Ok(booking)
}
