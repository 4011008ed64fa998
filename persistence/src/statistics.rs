//! The facts of R30's statistics: the anonymous columns of an office's
//! bookings over a range of days, which R31's erasure leaves as they are.

use crate::bookings::status_of;
use crate::codec::{from_db, parse, to_u32};
use crate::schema::bookings;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{BookingFact, DayStatistics, OfficeId, day_statistics};
use std::collections::BTreeMap;
use time::Date;

type FactRow = (
    Date,
    String,
    String,
    String,
    Option<String>,
    i32,
    time::PrimitiveDateTime,
    Option<time::PrimitiveDateTime>,
    Option<time::PrimitiveDateTime>,
    Option<time::PrimitiveDateTime>,
);

impl Store {
    /// R30: the statistics of `office` for each day from `from` to `to`
    /// (the range checked by the caller), with the office's configuration
    /// as it is now.
    pub fn statistics(
        &self,
        office: &OfficeId,
        from: Date,
        to: Date,
    ) -> Result<Vec<DayStatistics>, StoreError> {
        let mut conn = self.conn()?;
        let config = self.cached_office(&mut conn, office.as_str(), None)?;
        let rows: Vec<FactRow> = bookings::table
            .filter(bookings::office_id.eq(office.as_str()))
            .filter(bookings::local_day.between(from, to))
            .select((
                bookings::local_day,
                bookings::kind,
                bookings::channel,
                bookings::status,
                bookings::stage,
                bookings::minutes,
                bookings::created_at,
                bookings::cancelled_at,
                bookings::checked_in_at,
                bookings::called_at,
            ))
            .load(&mut *conn)?;
        let facts = rows
            .into_iter()
            .map(|r| {
                Ok(BookingFact {
                    date: r.0,
                    kind: parse(&r.1)?,
                    channel: parse(&r.2)?,
                    status: status_of(&r.3, r.4.as_deref())?,
                    minutes: to_u32(r.5, "bookings.minutes")?,
                    created_at: from_db(r.6),
                    cancelled_at: r.7.map(from_db),
                    checked_in_at: r.8.map(from_db),
                    called_at: r.9.map(from_db),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut by_day: BTreeMap<Date, Vec<BookingFact>> = BTreeMap::new();
        for fact in facts {
            by_day.entry(fact.date).or_default().push(fact);
        }
        let mut days = Vec::new();
        let mut date = from;
        while date <= to {
            let facts = by_day.get(&date).map_or(&[][..], Vec::as_slice);
            days.push(day_statistics(&config, date, facts));
            match date.next_day() {
                Some(next) => date = next,
                None => break,
            }
        }
        Ok(days)
    }
}
