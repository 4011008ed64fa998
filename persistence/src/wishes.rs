//! R35: the waitlist's wishes in the store: made with a contact token of
//! the citizen's mailbox (R33, R34), one live wish per mailbox and office
//! (the partial unique index `wishes_live`), read and withdrawn with the
//! wish's own token, listed for staff oldest first. Offers are still to
//! come (issue #27).

use crate::infra::codec::{
    corrupt, from_db, parse, service_ids_from_db, service_ids_to_db, to_db, to_u32,
};
use crate::infra::connection::DbConnection;
use crate::infra::schema::wishes;
use crate::infra::secret::{hash_token, new_token, token_matches};
use crate::verifications::proven_mailbox;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    BookingError, Citizen, OfficeId, OfficeScope, Postcode, Selection, ServiceId, TimesOfDay,
    WishStatus, WishWindow, email_key,
};
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time, Weekday};
use uuid::Uuid;

/// A wish as the API hands it over: the window unchecked (the store checks
/// it against the office at `now`), weekdays as numbers 1 (Monday) to 6.
#[derive(Debug, Clone)]
pub struct NewWish {
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub days: (Date, Date),
    pub weekdays: Option<Vec<u8>>,
    pub times: Option<TimesOfDay>,
    pub citizen: Citizen,
    /// `X-Contact-Token`: always required for a wish (offers go by e-mail).
    pub contact_token: Option<String>,
}

/// A wish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wish {
    pub id: Uuid,
    pub office: OfficeId,
    pub services: Vec<ServiceId>,
    pub window: WishWindow,
    /// `None` once erased (R31).
    pub citizen: Option<Citizen>,
    pub status: WishStatus,
    pub expired_offers: u32,
    pub created_at: OffsetDateTime,
}

/// A wish just made, with its secret token: shown once, stored hashed.
#[derive(Debug, Clone)]
pub struct CreatedWish {
    pub wish: Wish,
    pub token: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = wishes)]
struct WishRow {
    id: String,
    token_hash: String,
    office_id: String,
    services: String,
    from_day: Date,
    to_day: Date,
    weekdays: Option<String>,
    times_from: Option<String>,
    times_to: Option<String>,
    citizen_name: String,
    citizen_email: String,
    citizen_phone: Option<String>,
    citizen_postcode: Option<String>,
    mailbox: String,
    status: String,
    expired_offers: i32,
    created_at: time::PrimitiveDateTime,
    erased_at: Option<time::PrimitiveDateTime>,
}

const HH_MM: &[time::format_description::FormatItem<'static>] =
    format_description!("[hour]:[minute]");

fn time_text(t: Time) -> Result<String, StoreError> {
    t.format(HH_MM).map_err(corrupt)
}

fn time_of(text: &str) -> Result<Time, StoreError> {
    Time::parse(text, HH_MM).map_err(corrupt)
}

impl WishRow {
    fn wish(self) -> Result<Wish, StoreError> {
        let weekdays = self
            .weekdays
            .map(|days| {
                days.split(',')
                    .map(|n| match n.parse::<u8>() {
                        Ok(n @ 1..=6) => Ok(Weekday::Sunday.nth_next(n)),
                        _ => Err(StoreError::Corrupt(format!("weekday `{n}`"))),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let times = match (self.times_from, self.times_to) {
            (Some(from), Some(to)) => Some(TimesOfDay {
                from: time_of(&from)?,
                to: time_of(&to)?,
            }),
            _ => None,
        };
        let citizen = match self.erased_at {
            Some(_) => None,
            None => Some(
                Citizen::new(
                    &self.citizen_name,
                    Some(&self.citizen_email),
                    self.citizen_phone.as_deref(),
                )
                .map_err(corrupt)?
                .with_postcode(
                    self.citizen_postcode
                        .as_deref()
                        .map(Postcode::parse)
                        .transpose()
                        .map_err(corrupt)?,
                ),
            ),
        };
        Ok(Wish {
            id: parse(&self.id)?,
            office: OfficeId::parse(&self.office_id).map_err(corrupt)?,
            services: service_ids_from_db(&self.services)?,
            window: WishWindow::stored((self.from_day, self.to_day), weekdays, times),
            citizen,
            status: self.status.parse().map_err(corrupt)?,
            expired_offers: to_u32(self.expired_offers, "expired_offers")?,
            created_at: from_db(self.created_at),
        })
    }
}

impl Store {
    /// R35: a wish of `request` at `now`: its window inside the office's
    /// bookable days (R8), its services bookable together (R9), its e-mail
    /// the mailbox its contact token proves (R33, R34; else
    /// `contact_unverified`), and no other live wish of that mailbox at the
    /// office (`WishLimit`).
    pub fn create_wish(
        &self,
        request: &NewWish,
        now: OffsetDateTime,
    ) -> Result<CreatedWish, StoreError> {
        let office = self.office(&request.office)?;
        let window = WishWindow::new(
            &office,
            now,
            request.days,
            request.weekdays.as_deref(),
            request.times,
        )?;
        Selection::new(&office, &request.services)?;
        let email = request
            .citizen
            .email()
            .ok_or(BookingError::ContactUnverified)?;
        let services = service_ids_to_db(&request.services)?;
        let token = new_token();
        let id = Uuid::now_v7();
        let citizen = &request.citizen;
        let times = window.times();
        let row = WishRow {
            id: id.to_string(),
            token_hash: hash_token(&token),
            office_id: request.office.as_str().to_owned(),
            services,
            from_day: request.days.0,
            to_day: request.days.1,
            weekdays: window.weekdays().map(|days| {
                days.iter()
                    .map(|d| d.number_from_monday().to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
            times_from: times.map(|t| time_text(t.from)).transpose()?,
            times_to: times.map(|t| time_text(t.to)).transpose()?,
            citizen_name: citizen.name().to_owned(),
            citizen_email: email.to_owned(),
            citizen_phone: citizen.phone().map(str::to_owned),
            citizen_postcode: citizen.postcode().map(|p| p.as_str().to_owned()),
            mailbox: email_key(email),
            status: WishStatus::Waiting.as_str().to_owned(),
            expired_offers: 0,
            created_at: to_db(now),
            erased_at: None,
        };
        self.write(|conn| {
            let proven = proven_mailbox(conn, request.contact_token.as_deref(), now)?;
            if proven.as_deref() != Some(row.mailbox.as_str()) {
                return Err(BookingError::ContactUnverified.into());
            }
            match diesel::insert_into(wishes::table)
                .values(&row)
                .execute(conn)
                .map_err(StoreError::from)
            {
                Err(e) if e.is_unique_violation() => Err(StoreError::WishLimit),
                other => other.map(drop),
            }
        })?;
        let wish = Wish {
            id,
            office: request.office.clone(),
            services: request.services.clone(),
            window,
            citizen: Some(request.citizen.clone()),
            status: WishStatus::Waiting,
            expired_offers: 0,
            created_at: now,
        };
        Ok(CreatedWish { wish, token })
    }

    /// R35: the wish `id` if `token` is its secret; otherwise `UnknownWish`,
    /// as an unknown id is.
    pub fn wish(&self, id: Uuid, token: &str) -> Result<Wish, StoreError> {
        let mut conn = self.conn()?;
        let row = wish_row(&mut conn, id)?;
        if !token_matches(token, &row.token_hash) {
            return Err(StoreError::UnknownWish);
        }
        row.wish()
    }

    /// R35: withdraws the wish `id` for the holder of its `token`; a wish
    /// no longer live stays as it is (withdrawing twice is no error).
    pub fn withdraw_wish(
        &self,
        id: Uuid,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Wish, StoreError> {
        self.write(|conn| {
            let row = wish_row(conn, id)?;
            if !token_matches(token, &row.token_hash) {
                return Err(StoreError::UnknownWish);
            }
            let live = [WishStatus::Waiting.as_str(), WishStatus::Offered.as_str()];
            diesel::update(wishes::table.find(id.to_string()))
                .filter(wishes::status.eq_any(live))
                .set((
                    wishes::status.eq(WishStatus::Withdrawn.as_str()),
                    wishes::ended_at.eq(Some(to_db(now))),
                ))
                .execute(conn)?;
            wish_row(conn, id)?.wish()
        })
    }

    /// R35: the live wishes of `office`, oldest first, for staff acting on
    /// `offices` (R29: another office is `UnknownOffice`).
    pub fn office_wishes(
        &self,
        office: &OfficeId,
        offices: &OfficeScope,
    ) -> Result<Vec<Wish>, StoreError> {
        if !offices.covers(office) {
            return Err(StoreError::UnknownOffice);
        }
        let mut conn = self.conn()?;
        self.cached_office(&mut conn, office.as_str(), None)?;
        let live = [WishStatus::Waiting.as_str(), WishStatus::Offered.as_str()];
        wishes::table
            .filter(wishes::office_id.eq(office.as_str()))
            .filter(wishes::status.eq_any(live))
            .order((wishes::created_at, wishes::id))
            .select(WishRow::as_select())
            .load(&mut *conn)?
            .into_iter()
            .map(WishRow::wish)
            .collect()
    }
}

/// R31, R35: the personal data of wishes that ended before `cutoff`
/// (withdrawn, booked or ended), and of live ones whose last day lies
/// before it, which end with it: name, e-mail, phone, postcode and the
/// mailbox key go; office, services, window, status and times stay for
/// the statistics. Returns how many.
pub(crate) fn erase_expired(
    conn: &mut DbConnection,
    cutoff: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let live = [WishStatus::Waiting.as_str(), WishStatus::Offered.as_str()];
    let last_day = domain::Berlin::local(cutoff).date();
    diesel::update(
        wishes::table
            .filter(wishes::erased_at.is_null())
            .filter(wishes::status.eq_any(live))
            .filter(wishes::to_day.lt(last_day)),
    )
    .set((
        wishes::status.eq(WishStatus::Ended.as_str()),
        wishes::ended_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    let erased = diesel::update(
        wishes::table
            .filter(wishes::erased_at.is_null())
            .filter(wishes::status.ne_all(live))
            .filter(
                wishes::ended_at
                    .lt(to_db(cutoff))
                    .or(wishes::to_day.lt(last_day)),
            ),
    )
    .set((
        wishes::citizen_name.eq(""),
        wishes::citizen_email.eq(""),
        wishes::citizen_phone.eq(None::<String>),
        wishes::citizen_postcode.eq(None::<String>),
        wishes::mailbox.eq(""),
        wishes::erased_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    Ok(erased)
}

fn wish_row(
    conn: &mut crate::infra::connection::DbConnection,
    id: Uuid,
) -> Result<WishRow, StoreError> {
    wishes::table
        .find(id.to_string())
        .select(WishRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::UnknownWish)
}
