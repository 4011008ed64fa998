//! R27: the Tagesticket draw. Requests are rows of `day_ticket_requests`;
//! the draw of an office day is one transaction under that day's lock, and
//! its row in `day_ticket_draws` (primary key: office, day) makes it run
//! exactly once, also with several processes. Every Tagesticket booking of
//! a drawing office waits for the draw: its locked transaction answers
//! [`StoreError::DrawDue`] until the draw is recorded, and the store then
//! runs the draw and tries once more ([`Store::after_draw`]).

use crate::bookings::{Booking, booking_row, one};
use crate::challenges::SolvedChallenge;
use crate::infra::codec::{
    corrupt, from_db, parse, service_ids_from_db, service_ids_to_db, to_db, to_u32,
};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::{day_ticket_draws, day_ticket_requests};
use crate::infra::secret::{hash_token, new_token, token_matches};
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    BookingError, BookingKind, Channel, Citizen, DrawError, Office, OfficeId, Postcode,
    RequestStatus, RequestWindow, SEED_BYTES, Selection, ServiceId, check_request, check_residence,
    draw_due, email_key, request_hours,
};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};
use uuid::Uuid;

/// A request for the draw as the API hands it over (channel online).
#[derive(Debug, Clone)]
pub struct NewDayTicketRequest {
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub citizen: Citizen,
    pub window: Option<RequestWindow>,
    /// A verified proof-of-work solution, where the office asks for one (R26).
    pub challenge: Option<SolvedChallenge>,
    /// `X-Contact-Token`, where the office asks for a verified contact
    /// (R33).
    pub contact_token: Option<String>,
}

/// A request just filed, with its secret token: shown once, stored hashed.
#[derive(Debug, Clone)]
pub struct CreatedRequest {
    pub id: Uuid,
    pub token: String,
}

/// What a request came to. `booking_token` is the won booking's secret,
/// given out once: the first read after the draw returns it, later ones
/// `None`.
#[derive(Debug, Clone)]
pub struct DayTicketRequest {
    pub id: Uuid,
    pub office: OfficeId,
    pub day: Date,
    pub status: RequestStatus,
    pub booking: Option<Booking>,
    pub booking_token: Option<String>,
}

/// A day's draw as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRecord {
    pub seed: [u8; SEED_BYTES],
    pub drawn_at: OffsetDateTime,
    pub requests: u32,
    pub winners: u32,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = day_ticket_requests)]
pub(crate) struct RequestRow {
    pub(crate) id: String,
    token_hash: String,
    office_id: String,
    local_day: Date,
    services: String,
    window_from: Option<i32>,
    window_to: Option<i32>,
    citizen_name: String,
    citizen_email: Option<String>,
    citizen_phone: Option<String>,
    citizen_postcode: Option<String>,
    contact_email: Option<String>,
    created_at: PrimitiveDateTime,
    status: String,
    booking_id: Option<String>,
    booking_token: Option<String>,
}

fn minute_of_day(t: Time) -> i32 {
    i32::from(t.hour()) * 60 + i32::from(t.minute())
}

fn time_of(minute: i32) -> Result<Time, StoreError> {
    let (h, m) = (minute / 60, minute % 60);
    Time::from_hms(
        u8::try_from(h).map_err(corrupt)?,
        u8::try_from(m).map_err(corrupt)?,
        0,
    )
    .map_err(corrupt)
}

impl RequestRow {
    pub(crate) fn services(&self) -> Result<Vec<ServiceId>, StoreError> {
        service_ids_from_db(&self.services)
    }

    pub(crate) fn window(&self) -> Result<Option<RequestWindow>, StoreError> {
        match (self.window_from, self.window_to) {
            (Some(from), Some(to)) => Ok(Some(
                RequestWindow::new(time_of(from)?, time_of(to)?).map_err(corrupt)?,
            )),
            _ => Ok(None),
        }
    }

    pub(crate) fn citizen(&self) -> Result<Citizen, StoreError> {
        Ok(Citizen::stored(
            self.citizen_name.clone(),
            self.citizen_email.clone(),
            self.citizen_phone.clone(),
        )
        .with_postcode(
            self.citizen_postcode
                .as_deref()
                .map(|p| Postcode::parse(p).map_err(corrupt))
                .transpose()?,
        ))
    }
}

/// Whether the draw of `office`'s `day` is recorded.
pub(crate) fn drawn(conn: &mut DbConnection, office: &str, day: Date) -> Result<bool, StoreError> {
    Ok(day_ticket_draws::table
        .find((office, day))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

impl Store {
    /// R27: files a request for today's draw at `now` (in the hour before
    /// the online release), one per contact: a second one with the same
    /// e-mail address or phone number is refused.
    pub fn request_day_ticket(
        &self,
        request: &NewDayTicketRequest,
        now: OffsetDateTime,
    ) -> Result<CreatedRequest, StoreError> {
        let token = new_token();
        let id = Uuid::now_v7();
        let office_id = request.office.as_str();
        let services = service_ids_to_db(&request.services)?;
        let day = check_request(&*self.office(&request.office)?, now)?;
        self.write(|conn| {
            // The day lock orders this request against the draw: once the
            // draw is recorded, no request joins it (clocks of several
            // processes may differ by a moment).
            let version =
                locks::lock_day(conn, office_id, day)?.ok_or(StoreError::UnknownOffice)?;
            let office = self.cached_office(conn, office_id, Some(version))?;
            check_request(&office, now)?;
            if drawn(conn, office_id, day)? {
                let (from, until) = request_hours(&office, day)
                    .ok_or(BookingError::NotDayTicketDay { date: day })?;
                return Err(BookingError::Draw(DrawError::Closed { from, until }).into());
            }
            Selection::new(&office, &request.services)?;
            let citizen = &request.citizen;
            check_residence(
                &office.settings,
                BookingKind::DayTicket,
                Channel::Online,
                citizen.postcode(),
            )?;
            let how = (BookingKind::DayTicket, Channel::Online);
            crate::bookings::check_challenge(conn, &office, how, request.challenge.as_ref(), now)?;
            crate::verifications::check_contact(
                conn,
                &office,
                how,
                citizen.email(),
                request.contact_token.as_deref(),
                now,
            )?;
            let row = RequestRow {
                id: id.to_string(),
                token_hash: hash_token(&token),
                office_id: office_id.to_owned(),
                local_day: day,
                services: services.clone(),
                window_from: request.window.map(|w| minute_of_day(w.from())),
                window_to: request.window.map(|w| minute_of_day(w.to())),
                citizen_name: citizen.name().to_owned(),
                citizen_email: citizen.email().map(str::to_owned),
                citizen_phone: citizen.phone().map(str::to_owned),
                citizen_postcode: citizen.postcode().map(|p| p.as_str().to_owned()),
                contact_email: citizen.email().map(email_key),
                created_at: to_db(now),
                status: RequestStatus::Pending.as_str().to_owned(),
                booking_id: None,
                booking_token: None,
            };
            match diesel::insert_into(day_ticket_requests::table)
                .values(&row)
                .execute(conn)
                .map_err(StoreError::from)
            {
                Err(e) if e.is_unique_violation() => {
                    Err(BookingError::Draw(DrawError::AlreadyRequested).into())
                }
                other => other.map(|_| ()),
            }
        })?;
        Ok(CreatedRequest { id, token })
    }

    /// R27: the request `id` for the holder of `token`; runs the draw first
    /// if it is due. A won booking's token is in the first answer after the
    /// draw only.
    pub fn day_ticket_request(
        &self,
        id: Uuid,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<DayTicketRequest, StoreError> {
        let find = |conn: &mut DbConnection| -> Result<RequestRow, StoreError> {
            day_ticket_requests::table
                .find(id.to_string())
                .select(RequestRow::as_select())
                .first(conn)
                .optional()?
                .filter(|row| token_matches(token, &row.token_hash))
                .ok_or(StoreError::UnknownRequest)
        };
        let mut row = find(&mut *self.conn()?)?;
        if parse::<RequestStatus>(&row.status)? == RequestStatus::Pending {
            let office = OfficeId::parse(&row.office_id).map_err(corrupt)?;
            if self.draw_if_due(&office, now)? || self.known_drawn(&row.office_id, row.local_day) {
                row = find(&mut *self.conn()?)?;
            }
        }
        // The won booking's token, once: cleared by one conditional write
        // (the first statement, so SQLite takes its write lock at once);
        // of two looks at the same moment only one gets it.
        let booking_token = match row.booking_token.take() {
            Some(t) => {
                let cleared = self.write(|conn| {
                    Ok(diesel::update(
                        day_ticket_requests::table
                            .find(&row.id)
                            .filter(day_ticket_requests::booking_token.eq(&t)),
                    )
                    .set(day_ticket_requests::booking_token.eq(None::<String>))
                    .execute(conn)?)
                })?;
                // Sealed by the draw with the booking's id (R23); one
                // sealed by another process's random key is lost.
                let opened = row
                    .booking_id
                    .as_deref()
                    .and_then(|booking| self.sealer.open(&t, booking));
                (cleared == 1).then_some(opened).flatten()
            }
            None => None,
        };
        let booking = match &row.booking_id {
            Some(b) => {
                let mut conn = self.conn()?;
                let booking = booking_row(&mut conn, b)?;
                Some(one(&mut conn, booking)?)
            }
            None => None,
        };
        Ok(DayTicketRequest {
            id,
            office: OfficeId::parse(&row.office_id).map_err(corrupt)?,
            day: row.local_day,
            status: parse(&row.status)?,
            booking,
            booking_token,
        })
    }

    /// R27: the recorded draw of `office`'s `day`, if it ran.
    pub fn draw_record(
        &self,
        office: &OfficeId,
        day: Date,
    ) -> Result<Option<DrawRecord>, StoreError> {
        let row: Option<(String, PrimitiveDateTime, i32, i32)> = day_ticket_draws::table
            .find((office.as_str(), day))
            .select((
                day_ticket_draws::seed,
                day_ticket_draws::drawn_at,
                day_ticket_draws::requests,
                day_ticket_draws::winners,
            ))
            .first(&mut self.conn()?)
            .optional()?;
        row.map(|(seed, drawn_at, requests, winners)| {
            let bytes = hex::decode(&seed).map_err(corrupt)?;
            Ok(DrawRecord {
                seed: bytes
                    .try_into()
                    .map_err(|_| corrupt("a draw seed of the wrong length"))?,
                drawn_at: from_db(drawn_at),
                requests: to_u32(requests, "day_ticket_draws.requests")?,
                winners: to_u32(winners, "day_ticket_draws.winners")?,
            })
        })
        .transpose()
    }

    /// In a locked Tagesticket transaction: [`StoreError::DrawDue`] while
    /// the office draws and today's draw is due but not recorded.
    pub(crate) fn check_drawn(
        &self,
        conn: &mut DbConnection,
        office: &Office,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let Some(day) = draw_due(office, now) else {
            return Ok(());
        };
        if self.known_drawn(office.id.as_str(), day) {
            return Ok(());
        }
        if drawn(conn, office.id.as_str(), day)? {
            self.remember_drawn(office.id.as_str(), day);
            return Ok(());
        }
        Err(StoreError::DrawDue)
    }

    /// Runs `f` (a Tagesticket booking or hold); if it met a due draw, runs
    /// the draw and `f` once more.
    pub(crate) fn after_draw<T>(
        &self,
        office: &OfficeId,
        now: OffsetDateTime,
        f: impl Fn() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match f() {
            Err(StoreError::DrawDue) => {
                self.draw_if_due(office, now)?;
                f()
            }
            other => other,
        }
    }
}
