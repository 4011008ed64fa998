//! Occupancy arithmetic: which units of a day a booking covers, and in which pool.
//!
//! A day is cut into units of [`UNIT_MINUTES`] minutes, counted from local
//! midnight. An appointment covers every unit from its start up to (not
//! including) its end. The persistence layer builds an [`Occupancy`] from the
//! active bookings of a day while it holds that day's lock, and the rules then
//! decide on it; so the invariants I1 and I2 are checked inside the transaction.

use crate::calendar::Berlin;
use crate::grid::minute_of_day;
pub use crate::grid::{UNIT_MINUTES, UNITS_PER_DAY};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

/// The capacity a booking draws on (R12, I1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pool {
    /// Counters open to advance booking.
    Regular,
    /// Counters held back for the Tagesticket.
    DayTicket,
}

/// What occupancy needs to know of an active (not cancelled) booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveBooking {
    pub start: OffsetDateTime,
    pub minutes: u32,
    pub pool: Pool,
}

/// The local date and the unit range `[first, last)` a booking covers.
pub fn units_of(start: OffsetDateTime, minutes: u32) -> (Date, std::ops::Range<usize>) {
    let local = Berlin::local(start);
    let first = (minute_of_day(local.time()) / UNIT_MINUTES) as usize;
    let count = minutes.div_ceil(UNIT_MINUTES) as usize;
    (local.date(), first..(first + count).min(UNITS_PER_DAY))
}

/// Taken counters per unit of one day, per pool, and the Tagestickets issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayLoad {
    regular: Vec<u32>,
    day_ticket: Vec<u32>,
    pub tickets_issued: u32,
}

impl Default for DayLoad {
    fn default() -> Self {
        Self {
            regular: vec![0; UNITS_PER_DAY],
            day_ticket: vec![0; UNITS_PER_DAY],
            tickets_issued: 0,
        }
    }
}

impl DayLoad {
    fn pool(&self, pool: Pool) -> &[u32] {
        match pool {
            Pool::Regular => &self.regular,
            Pool::DayTicket => &self.day_ticket,
        }
    }

    /// The most counters taken in any unit of `units` (R7: at no moment more
    /// overlapping appointments than counters).
    pub fn peak(&self, pool: Pool, units: std::ops::Range<usize>) -> u32 {
        self.pool(pool)[units].iter().copied().max().unwrap_or(0)
    }

    fn add(&mut self, pool: Pool, units: std::ops::Range<usize>) {
        let counts = match pool {
            Pool::Regular => &mut self.regular,
            Pool::DayTicket => {
                self.tickets_issued += 1;
                &mut self.day_ticket
            }
        };
        for c in &mut counts[units] {
            *c += 1;
        }
    }
}

/// The load of every day that has bookings; days without are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Occupancy {
    days: BTreeMap<Date, DayLoad>,
}

impl Occupancy {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_bookings<'a>(bookings: impl IntoIterator<Item = &'a ActiveBooking>) -> Self {
        let mut occupancy = Self::new();
        for b in bookings {
            occupancy.add(b);
        }
        occupancy
    }

    pub fn add(&mut self, booking: &ActiveBooking) {
        let (date, units) = units_of(booking.start, booking.minutes);
        self.days.entry(date).or_default().add(booking.pool, units);
    }

    pub fn day(&self, date: Date) -> Option<&DayLoad> {
        self.days.get(&date)
    }

    pub fn peak(&self, date: Date, pool: Pool, units: std::ops::Range<usize>) -> u32 {
        self.day(date).map_or(0, |d| d.peak(pool, units))
    }

    pub fn tickets_issued(&self, date: Date) -> u32 {
        self.day(date).map_or(0, |d| d.tickets_issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn r7_a_booking_covers_the_units_from_start_to_end() {
        let (d, units) = units_of(datetime!(2026-12-03 08:30 +01:00), 25);
        assert_eq!(d, date!(2026 - 12 - 03));
        assert_eq!(units, 102..107);
        // The same instant given in UTC lands on the same local units.
        assert_eq!(units_of(datetime!(2026-12-03 07:30 UTC), 25).1, 102..107);
    }

    #[test]
    fn r12_pools_are_counted_apart_and_tickets_per_day() {
        let start = datetime!(2026-12-03 09:00 +01:00);
        let occ = Occupancy::from_bookings(&[
            ActiveBooking {
                start,
                minutes: 10,
                pool: Pool::Regular,
            },
            ActiveBooking {
                start,
                minutes: 5,
                pool: Pool::Regular,
            },
            ActiveBooking {
                start,
                minutes: 10,
                pool: Pool::DayTicket,
            },
        ]);
        let d = date!(2026 - 12 - 03);
        assert_eq!(occ.peak(d, Pool::Regular, 108..110), 2);
        assert_eq!(occ.peak(d, Pool::Regular, 109..110), 1);
        assert_eq!(occ.peak(d, Pool::DayTicket, 108..110), 1);
        assert_eq!(occ.tickets_issued(d), 1);
        assert_eq!(occ.tickets_issued(date!(2026 - 12 - 04)), 0);
    }
}
