//! The facts of R30's statistics: the anonymous columns of an office's
//! bookings over a range of days, which R31's erasure leaves as they are,
//! and the capacity of each past day as the configuration in force on that
//! day set it (`day_capacities`).
//!
//! A past day's capacity is frozen the first time it is needed after the
//! day ended, or before a configuration change (`freeze_past_days`), with
//! the configuration of the moment: as none changed since that day ended,
//! it is the one that was in force. Both run under the office lock, so a
//! change and a first look cannot both freeze a day.

use crate::bookings::status_of;
use crate::infra::codec::{from_db, parse, to_i32, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::{bookings, day_capacities};
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    Berlin, BookingFact, DayCapacity, DayStatistics, Office, OfficeId, day_capacity, day_statistics,
};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

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
    /// (the range checked by the caller): days that ended before `now`'s
    /// day against the capacity they had, today and later against the
    /// configuration as it is now.
    pub fn statistics(
        &self,
        office: &OfficeId,
        from: Date,
        to: Date,
        now: OffsetDateTime,
    ) -> Result<Vec<DayStatistics>, StoreError> {
        let id = office.as_str();
        let mut conn = self.conn()?;
        let config = self.cached_office(&mut conn, id, None)?;
        let ended = Berlin::today(now).previous_day().map(|y| y.min(to));
        let mut past = BTreeMap::new();
        if let Some(last) = ended.filter(|last| from <= *last) {
            past = frozen(&mut conn, id, from, last)?;
            if days(from, last).any(|d| !past.contains_key(&d)) {
                // The connection above goes back to the pool before `write`
                // takes one: a pool of one must not wait for itself.
                drop(conn);
                past = self.write(|conn| {
                    let version = locks::lock_office(conn, id)?.ok_or(StoreError::UnknownOffice)?;
                    let config = self.cached_office(conn, id, Some(version))?;
                    freeze(conn, &config, from, last)
                })?;
                conn = self.conn()?;
            }
        }
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
        Ok(days(from, to)
            .map(|date| {
                let facts = by_day.get(&date).map_or(&[][..], Vec::as_slice);
                let capacity = past
                    .get(&date)
                    .copied()
                    .unwrap_or_else(|| day_capacity(&config, date));
                day_statistics(capacity, date, facts)
            })
            .collect())
    }
}

/// The days from `from` to `to`, both included.
fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), |d| d.next_day()).take_while(move |d| *d <= to)
}

type CapacityRow = (Date, i32, i32, Option<i32>);

/// The frozen capacities of `office` from `from` to `to`.
fn frozen(
    conn: &mut DbConnection,
    office: &str,
    from: Date,
    to: Date,
) -> Result<BTreeMap<Date, DayCapacity>, StoreError> {
    let rows: Vec<CapacityRow> = day_capacities::table
        .filter(day_capacities::office_id.eq(office))
        .filter(day_capacities::day.between(from, to))
        .select((
            day_capacities::day,
            day_capacities::regular_minutes,
            day_capacities::held_back_minutes,
            day_capacities::day_ticket_contingent,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(day, regular, held_back, contingent)| {
            let capacity = DayCapacity {
                regular_minutes: to_u32(regular, "day_capacities.regular_minutes")?,
                held_back_minutes: to_u32(held_back, "day_capacities.held_back_minutes")?,
                day_ticket_contingent: contingent
                    .map(|c| to_u32(c, "day_capacities.day_ticket_contingent"))
                    .transpose()?,
            };
            Ok((day, capacity))
        })
        .collect()
}

/// R30: freezes the capacity of each day of `config`'s office from `from`
/// to `to` that has none yet, as `config` sets it; the caller holds the
/// office lock and `config` is the configuration in force since those days
/// ended. Returns every frozen capacity of the range.
fn freeze(
    conn: &mut DbConnection,
    config: &Office,
    from: Date,
    to: Date,
) -> Result<BTreeMap<Date, DayCapacity>, StoreError> {
    let office = config.id.as_str();
    let mut known = frozen(conn, office, from, to)?;
    for day in days(from, to) {
        if known.contains_key(&day) {
            continue;
        }
        let capacity = day_capacity(config, day);
        diesel::insert_into(day_capacities::table)
            .values((
                day_capacities::office_id.eq(office),
                day_capacities::day.eq(day),
                day_capacities::regular_minutes.eq(to_i32(capacity.regular_minutes)),
                day_capacities::held_back_minutes.eq(to_i32(capacity.held_back_minutes)),
                day_capacities::day_ticket_contingent
                    .eq(capacity.day_ticket_contingent.map(to_i32)),
            ))
            .execute(conn)?;
        known.insert(day, capacity);
    }
    Ok(known)
}

/// R30: before `config`, the configuration in force, is changed at `now`:
/// freezes the capacity of every day that ended, from the office's first
/// booking on, that has none yet. The caller holds the office lock.
pub(crate) fn freeze_past_days(
    conn: &mut DbConnection,
    config: &Office,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let first: Option<Date> = bookings::table
        .filter(bookings::office_id.eq(config.id.as_str()))
        .select(diesel::dsl::min(bookings::local_day))
        .first(conn)?;
    let yesterday = Berlin::today(now).previous_day();
    if let (Some(first), Some(yesterday)) = (first, yesterday)
        && first <= yesterday
    {
        freeze(conn, config, first, yesterday)?;
    }
    Ok(())
}
