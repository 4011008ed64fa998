//! Holds (R19, I5): rows of `holds`. A hold is made by the same rules and
//! under the same day lock as a booking, and counts in the occupancy while
//! `expires_at > now`; no job has to run for an expired one to stop counting.
//! Expired rows are deleted lazily, by the next hold of the same office day
//! or client.

use crate::bookings::{
    Accept, CreatedBooking, admit, check_challenge, check_citizen, insert_accepted, rebook,
};
use crate::challenges::SolvedChallenge;
use crate::infra::codec::{corrupt, from_db, parse, to_db, to_i32, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::idempotency;
use crate::infra::locks;
use crate::infra::schema::holds;
use crate::infra::secret::{hash_token, new_token, token_matches};
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    Accepted, Berlin, BookingError, BookingKind, BookingRequest, Channel, Citizen, HoldError,
    LiveHolds, OfficeId, Selection, ServiceId, check_new_hold, extend_hold, extensions_left,
    hold_expiry, hold_extensions, is_live,
};
use time::{Date, OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

/// A hold as the API asks for it; the channel is always online.
#[derive(Debug, Clone)]
pub struct NewHold {
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub start: OffsetDateTime,
    pub kind: BookingKind,
    /// Who holds: the client address as R25 defines it, in any stable
    /// spelling; only its hash is stored.
    pub client: String,
    /// A verified proof-of-work solution, where the office asks for one (R26).
    pub challenge: Option<SolvedChallenge>,
    /// `X-Contact-Token`, where the office asks for a verified contact
    /// (R33).
    pub contact_token: Option<String>,
    /// The client's `Idempotency-Key`: a retry gets the first hold.
    pub idempotency_key: Option<String>,
}

/// A live hold; times in Europe/Berlin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub id: Uuid,
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub kind: BookingKind,
    pub expires_at: OffsetDateTime,
    pub extensions_left: u32,
}

/// A hold just made, with its secret token: shown once, stored only hashed.
#[derive(Debug, Clone)]
pub struct CreatedHold {
    pub hold: Hold,
    pub token: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = holds)]
struct HoldRow {
    id: String,
    token_hash: String,
    office_id: String,
    local_day: Date,
    start_at: PrimitiveDateTime,
    end_at: PrimitiveDateTime,
    minutes: i32,
    kind: String,
    services: String,
    client_key: String,
    created_at: PrimitiveDateTime,
    expires_at: PrimitiveDateTime,
    extensions_left: i32,
    /// R33: the mailbox a contact token proved, where the office asked.
    mailbox: Option<String>,
}

impl HoldRow {
    fn selection(&self) -> Result<Selection, StoreError> {
        let list: Vec<(String, u32)> = serde_json::from_str(&self.services).map_err(corrupt)?;
        let services = list
            .into_iter()
            .map(|(id, minutes)| Ok((ServiceId::parse(&id).map_err(corrupt)?, minutes)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Selection::accepted(services))
    }

    fn hold(&self) -> Result<Hold, StoreError> {
        let kind: BookingKind = parse(&self.kind)?;
        Ok(Hold {
            id: Uuid::parse_str(&self.id).map_err(corrupt)?,
            office: OfficeId::parse(&self.office_id).map_err(corrupt)?,
            services: self
                .selection()?
                .services()
                .iter()
                .map(|(id, _)| id.clone())
                .collect(),
            start: from_db(self.start_at),
            end: from_db(self.end_at),
            kind,
            expires_at: from_db(self.expires_at),
            extensions_left: extensions_left(
                to_u32(self.extensions_left, "holds.extensions_left")?,
                kind,
            ),
        })
    }
}

/// The hold `id` if `token` is its secret. Gone, or another token: the
/// same answer, so a guess learns nothing about which holds exist.
fn hold_row(conn: &mut DbConnection, id: Uuid, token: &str) -> Result<HoldRow, StoreError> {
    let row = holds::table
        .find(id.to_string())
        .select(HoldRow::as_select())
        .first(conn)
        .optional()?
        .filter(|row| token_matches(token, &row.token_hash))
        .ok_or(HoldError::Expired)?;
    Ok(row)
}

/// The same hold, read again after its day was locked: a confirmation or
/// release that won the lock may have deleted it meanwhile.
fn live_row(
    conn: &mut DbConnection,
    id: Uuid,
    token: &str,
    now: OffsetDateTime,
) -> Result<HoldRow, StoreError> {
    let row = hold_row(conn, id, token)?;
    if !is_live(from_db(row.expires_at), now) {
        return Err(HoldError::Expired.into());
    }
    Ok(row)
}

/// The live hold a retried request made, its token replaced by `token`;
/// `hold_expired` once it is gone.
fn rehold(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    now: OffsetDateTime,
) -> Result<Hold, StoreError> {
    let updated = diesel::update(
        holds::table
            .find(id)
            .filter(holds::expires_at.gt(to_db(now))),
    )
    .set(holds::token_hash.eq(hash_token(token)))
    .execute(conn)?;
    if updated == 0 {
        return Err(HoldError::Expired.into());
    }
    holds::table
        .find(id)
        .select(HoldRow::as_select())
        .first(conn)?
        .hold()
}

impl Store {
    /// Holds a slot for `request.client` (R19): checked exactly like an
    /// online booking under the same day lock (with the proof of work of
    /// R26 where the office asks for one), with at most
    /// [`domain::LIVE_HOLDS_PER_CLIENT`] live holds per client, of them
    /// [`domain::LIVE_DAY_TICKET_HOLDS_PER_CLIENT`] of Tagestickets; both
    /// counted under the client's lock, so requests at once from one client
    /// cannot pass together.
    pub fn hold(&self, request: &NewHold, now: OffsetDateTime) -> Result<CreatedHold, StoreError> {
        match request.kind {
            // R27: where the office draws, today's draw comes first.
            BookingKind::DayTicket => {
                self.after_draw(&request.office, now, || self.hold_now(request, now))
            }
            BookingKind::Regular => self.hold_now(request, now),
        }
    }

    fn hold_now(&self, request: &NewHold, now: OffsetDateTime) -> Result<CreatedHold, StoreError> {
        let day = Berlin::local(request.start).date();
        let office_id = request.office.as_str();
        let client_key = hash_token(&request.client);
        let token = new_token();
        let key = request.idempotency_key.as_deref();
        // R15, I2: a Tagesticket hold on a day whose contingent is gone is
        // refused without the lock, as a booking is (see `rush`).
        if request.kind == BookingKind::DayTicket
            && key.is_none()
            && self.day_tickets_gone(&request.office, day, now)?
        {
            return Err(BookingError::DayTicketsExhausted.into());
        }
        let hash = key.map(|_| idempotency::hold_hash(request));
        let hold = self.write(|conn| {
            // A retry of a request that held: that hold, with a new token
            // (the first answer, with the first token, was lost).
            let keyed = key.zip(hash.as_deref());
            if let Some(id) = idempotency::retried(conn, keyed, now)? {
                return rehold(conn, &id, &token, now);
            }
            // The client first (its holds may be on other days), then the day.
            locks::lock_name(conn, "holds", &client_key)?;
            let (office, selection) = self.open_appointment(
                conn,
                (office_id, day),
                request.kind,
                &request.services,
                now,
            )?;
            // Lazy cleaning, of rows both locks cover; correctness never
            // depends on it, since only live holds count.
            diesel::delete(
                holds::table
                    .filter(holds::expires_at.le(to_db(now)))
                    .filter(
                        holds::client_key
                            .eq(&client_key)
                            .or(holds::office_id.eq(office_id).and(holds::local_day.eq(day))),
                    ),
            )
            .execute(conn)?;
            let kinds: Vec<String> = holds::table
                .filter(holds::client_key.eq(&client_key))
                .filter(holds::expires_at.gt(to_db(now)))
                .select(holds::kind)
                .load(conn)?;
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            let day_ticket = BookingKind::DayTicket.as_str();
            let live = LiveHolds {
                all: count(kinds.len()),
                day_tickets: count(kinds.iter().filter(|k| *k == day_ticket).count()),
            };
            check_new_hold(live, request.kind)?;
            let how = (request.kind, Channel::Online);
            check_challenge(conn, &office, how, request.challenge.as_ref(), now)?;
            let mailbox = self.hold_contact(conn, &office, request, now)?;
            let accepted = admit(
                conn,
                &office,
                &BookingRequest {
                    selection: selection.clone(),
                    start: request.start,
                    kind: request.kind,
                    channel: Channel::Online,
                },
                now,
            )?;
            let services: Vec<(&str, u32)> = selection
                .services()
                .iter()
                .map(|(id, minutes)| (id.as_str(), *minutes))
                .collect();
            let row = HoldRow {
                id: Uuid::now_v7().to_string(),
                token_hash: hash_token(&token),
                office_id: office_id.to_owned(),
                local_day: accepted.date,
                start_at: to_db(accepted.start),
                end_at: to_db(accepted.end),
                minutes: to_i32(selection.minutes()),
                kind: request.kind.as_str().to_owned(),
                services: serde_json::to_string(&services).map_err(corrupt)?,
                client_key: client_key.clone(),
                created_at: to_db(now),
                expires_at: to_db(hold_expiry(office.settings.hold_minutes, now)),
                extensions_left: to_i32(hold_extensions(request.kind)),
                mailbox,
            };
            diesel::insert_into(holds::table)
                .values(&row)
                .execute(conn)?;
            if let Some((key, hash)) = keyed {
                idempotency::remember(conn, key, hash, &row.id, now)?;
            }
            row.hold()
        })?;
        Ok(CreatedHold { hold, token })
    }

    /// R33: where the office asks for a verified contact for Tagestickets,
    /// the mailbox the contact token of a Tagesticket hold proves (the hold
    /// takes one of the scarce contingent, R19), which holds at most one
    /// live Tagesticket hold (under the mailbox's lock, so two at once
    /// cannot both pass). A regular hold needs none: it names nobody yet,
    /// and its confirmation is checked like a booking.
    fn hold_contact(
        &self,
        conn: &mut DbConnection,
        office: &domain::Office,
        request: &NewHold,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        if request.kind != BookingKind::DayTicket
            || !office
                .settings
                .verify_contact
                .requires(request.kind, Channel::Online)
        {
            return Ok(None);
        }
        let mailbox =
            crate::verifications::proven_mailbox(conn, request.contact_token.as_deref(), now)?
                .ok_or(BookingError::ContactUnverified)?;
        locks::lock_name(conn, "holds-mailbox", &mailbox)?;
        let live: i64 = holds::table
            .filter(holds::mailbox.eq(&mailbox))
            .filter(holds::kind.eq(BookingKind::DayTicket.as_str()))
            .filter(holds::expires_at.gt(to_db(now)))
            .count()
            .get_result(conn)?;
        if live > 0 {
            return Err(HoldError::MailboxDayTicketLimit.into());
        }
        Ok(Some(mailbox))
    }

    /// The hold `id`, live, for the holder of `token`.
    pub fn held(&self, id: Uuid, token: &str, now: OffsetDateTime) -> Result<Hold, StoreError> {
        let mut conn = self.conn()?;
        live_row(&mut conn, id, token, now)?.hold()
    }

    /// Extends a live hold by the office's hold time (R19), at most
    /// [`hold_extensions`] times for its kind (a Tagesticket once).
    pub fn extend_hold(
        &self,
        id: Uuid,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Hold, StoreError> {
        self.write(|conn| {
            // Of two extensions at once on PostgreSQL, the second updates
            // nothing (the row changed); it reads the row again and decides anew.
            for _ in 0..3 {
                let row = live_row(conn, id, token, now)?;
                let office = self.cached_office(conn, &row.office_id, None)?;
                let kind: BookingKind = parse(&row.kind)?;
                let stored = to_u32(row.extensions_left, "holds.extensions_left")?;
                let left = extensions_left(stored, kind);
                let expires_at = extend_hold(
                    from_db(row.expires_at),
                    left,
                    kind,
                    office.settings.hold_minutes,
                    now,
                )?;
                let updated = diesel::update(
                    holds::table
                        .find(&row.id)
                        .filter(holds::extensions_left.eq(row.extensions_left))
                        .filter(holds::expires_at.eq(row.expires_at)),
                )
                .set((
                    holds::expires_at.eq(to_db(expires_at)),
                    holds::extensions_left.eq(to_i32(left.saturating_sub(1))),
                ))
                .execute(conn)?;
                if updated == 1 {
                    return live_row(conn, id, token, now)?.hold();
                }
            }
            Err(StoreError::Busy)
        })
    }

    /// Releases a live hold: its capacity is free at once.
    pub fn release_hold(
        &self,
        id: Uuid,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            let row = live_row(conn, id, token, now)?;
            let deleted = diesel::delete(holds::table.find(&row.id)).execute(conn)?;
            if deleted == 0 {
                return Err(HoldError::Expired.into());
            }
            locks::touch_day(conn, &row.office_id, row.local_day)?;
            Ok(())
        })
    }

    /// Turns a live hold into a booking of `citizen` at that slot (R19): no
    /// capacity is checked again (the hold has it, and gives it to the
    /// booking in this transaction), but the rules about the citizen are
    /// (R24, R32), and the start must still lie ahead.
    ///
    /// With an `Idempotency-Key`, a retry of a confirmation whose answer was
    /// lost gets that booking (with a new token) instead of `hold_expired`.
    pub fn confirm_hold(
        &self,
        id: Uuid,
        token: &str,
        citizen: &Citizen,
        contact_token: Option<&str>,
        idempotency_key: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<CreatedBooking, StoreError> {
        let hash = idempotency_key.map(|_| idempotency::confirmation_hash(&id, token, citizen));
        self.write_booking(|conn, booking_token| {
            let keyed = idempotency_key.zip(hash.as_deref());
            if let Some(booking) = idempotency::retried(conn, keyed, now)? {
                return rebook(conn, &booking, booking_token, now);
            }
            let first = hold_row(conn, id, token)?;
            let office = self.lock_office_days(conn, &first.office_id, &[first.local_day])?;
            // Read again under the lock: a release or confirmation may have won it.
            let row = live_row(conn, id, token, now)?;
            let kind: BookingKind = parse(&row.kind)?;
            let start = from_db(row.start_at);
            if start < now {
                return Err(BookingError::InPast.into());
            }
            // R33: the booking's e-mail is the mailbox the hold was verified
            // for, and the contact token proves it now.
            let how = (kind, Channel::Online);
            crate::verifications::check_contact(
                conn,
                &office,
                how,
                citizen.email(),
                contact_token,
                now,
            )?;
            if let Some(mailbox) = &row.mailbox
                && citizen.email().map(domain::email_key).as_ref() != Some(mailbox)
            {
                return Err(BookingError::ContactUnverified.into());
            }
            check_citizen(
                conn,
                &office,
                kind,
                Channel::Online,
                citizen,
                row.local_day,
                now,
            )?;
            let selection = row.selection()?;
            let accepted = Accepted {
                start,
                end: from_db(row.end_at),
                date: row.local_day,
                pool: kind.pool(),
            };
            let deleted = diesel::delete(holds::table.find(&row.id)).execute(conn)?;
            if deleted == 0 {
                return Err(HoldError::Expired.into());
            }
            let booking = insert_accepted(
                conn,
                &Accept {
                    office: &office,
                    selection: &selection,
                    accepted: &accepted,
                    kind,
                    channel: Channel::Online,
                    citizen,
                    created_by: None,
                },
                booking_token,
                now,
            )?;
            if let Some((key, hash)) = keyed {
                idempotency::remember(conn, key, hash, &booking.id.to_string(), now)?;
            }
            Ok(booking)
        })
    }
}
