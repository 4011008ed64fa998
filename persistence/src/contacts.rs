//! What one contact holds online at an office (R24).

use crate::StoreError;
use crate::infra::codec::{from_db, parse, to_db};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::bookings;
use diesel::prelude::*;
use domain::{BookingKind, Channel, Citizen, ContactHoldings, Standing, email_key};
use time::{Date, OffsetDateTime};

/// R24: what this citizen's contact (e-mail or phone) already holds online
/// at the office: Tagestickets of `day`, regular bookings not yet begun. The
/// contact is locked first, so two bookings of one contact on different days
/// cannot both pass the limit (I4).
pub(crate) fn holdings(
    conn: &mut DbConnection,
    office: &str,
    citizen: &Citizen,
    day: Date,
    now: OffsetDateTime,
) -> Result<ContactHoldings, StoreError> {
    let email = citizen.email().map(email_key);
    let phone = citizen.phone().map(str::to_owned);
    let mut keys: Vec<String> = email.iter().chain(phone.iter()).cloned().collect();
    keys.sort();
    for key in &keys {
        locks::lock_name(conn, office, key)?;
    }
    let mut query = bookings::table
        .filter(bookings::office_id.eq(office))
        .filter(bookings::status.eq(Standing::Active.as_str()))
        .filter(bookings::channel.eq(Channel::Online.as_str()))
        .filter(bookings::end_at.gt(to_db(now)))
        .select((bookings::kind, bookings::local_day, bookings::start_at))
        .into_boxed();
    query = match (email, phone) {
        (Some(e), Some(p)) => query.filter(
            bookings::contact_email
                .eq(e)
                .or(bookings::citizen_phone.eq(p)),
        ),
        (Some(e), None) => query.filter(bookings::contact_email.eq(e)),
        (None, Some(p)) => query.filter(bookings::citizen_phone.eq(p)),
        (None, None) => return Ok(ContactHoldings::default()),
    };
    let rows: Vec<(String, Date, time::PrimitiveDateTime)> = query.load(conn)?;
    let mut holdings = ContactHoldings::default();
    for (kind, local_day, start) in rows {
        match parse::<BookingKind>(&kind)? {
            BookingKind::DayTicket if local_day == day => holdings.day_tickets_that_day += 1,
            BookingKind::Regular if from_db(start) > now => holdings.future_regular += 1,
            _ => {}
        }
    }
    Ok(holdings)
}
