//! What an administrative change would do to the bookings already made.
//!
//! A change of hours, counters, contingent or closures must never silently
//! strand a confirmed appointment: the API refuses it with the list this module
//! computes, or applies it with `force` and returns that list.

use crate::calendar::Berlin;
use crate::config::{DayClosed, Office};
use crate::grid::minute_of_day;
use crate::occupancy::{ActiveBooking, Occupancy, Pool, units_of};
use crate::text_enum;

text_enum! {
    /// Why an existing booking no longer fits the changed configuration.
    pub enum Orphaned {
        /// The day is now closed (closure day, or no hours that weekday).
        DayClosed = "day_closed",
        /// It no longer lies inside one opening window.
        OutsideOpeningHours = "outside_opening_hours",
        /// More bookings overlap than the changed counters allow.
        OverCapacity = "over_capacity",
        /// The day no longer has a Tagesticket contingent, or a smaller one.
        OverContingent = "over_contingent",
    }
}

/// The bookings (of `bookings`, each with a caller's key) that the changed
/// `office` would no longer hold. Bookings are taken in the given order (pass
/// them by creation time), so the later ones are reported when capacity shrank.
pub fn orphaned_bookings<K: Clone>(
    office: &Office,
    bookings: &[(K, ActiveBooking)],
) -> Vec<(K, Orphaned)> {
    let mut kept = Occupancy::new();
    let mut orphaned = Vec::new();
    for (key, booking) in bookings {
        let local = Berlin::local(booking.start);
        let date = local.date();
        let reason = match office.closed(date) {
            // A holiday was already closed when the booking was made; only
            // closures and hours can change.
            Some(DayClosed::Closure(_) | DayClosed::NoHours) => Some(Orphaned::DayClosed),
            Some(DayClosed::Holiday(_)) | None => {
                let end = minute_of_day(local.time()) + booking.minutes;
                let in_window = office
                    .hours
                    .on(date.weekday())
                    .iter()
                    .any(|w| w.contains(local.time(), end));
                let (regular, held_back) = office.capacity_on(date);
                let (_, units) = units_of(booking.start, booking.minutes);
                let peak = kept.peak(date, booking.pool, units);
                if !in_window {
                    Some(Orphaned::OutsideOpeningHours)
                } else {
                    match booking.pool {
                        Pool::Regular if peak >= regular => Some(Orphaned::OverCapacity),
                        Pool::DayTicket => {
                            // No contingent that day: none fits.
                            let gone = office
                                .day_ticket_on(date)
                                .is_none_or(|p| p.exhausted(&kept, date));
                            if gone {
                                Some(Orphaned::OverContingent)
                            } else if peak >= held_back {
                                Some(Orphaned::OverCapacity)
                            } else {
                                None
                            }
                        }
                        Pool::Regular => None,
                    }
                }
            }
        };
        match reason {
            Some(reason) => orphaned.push((key.clone(), reason)),
            None => kept.add(booking),
        }
    }
    orphaned
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::{date, datetime, time};

    fn regular(start: time::OffsetDateTime) -> ActiveBooking {
        ActiveBooking {
            start,
            minutes: 15,
            pool: Pool::Regular,
        }
    }

    #[test]
    fn shorter_hours_orphan_the_late_appointments() {
        let mut o = crate::test_support::buergerbuero();
        let bookings = [
            (1, regular(datetime!(2026-12-03 08:30 +01:00))),
            (2, regular(datetime!(2026-12-03 11:45 +01:00))),
            (3, regular(datetime!(2026-12-03 17:00 +01:00))),
        ];
        assert!(orphaned_bookings(&o, &bookings).is_empty());
        o.hours.0[3] = vec![crate::Window {
            start: time!(08:30),
            end: time!(11:00),
        }];
        assert_eq!(
            orphaned_bookings(&o, &bookings),
            [
                (2, Orphaned::OutsideOpeningHours),
                (3, Orphaned::OutsideOpeningHours)
            ]
        );
    }

    #[test]
    fn fewer_counters_orphan_the_latest_overlapping_bookings() {
        let mut o = crate::test_support::buergerbuero();
        let start = datetime!(2026-12-05 09:00 +01:00);
        let bookings: Vec<_> = (1..=4).map(|k| (k, regular(start))).collect();
        assert!(orphaned_bookings(&o, &bookings).is_empty());
        o.settings.counters = 2;
        assert_eq!(
            orphaned_bookings(&o, &bookings),
            [(3, Orphaned::OverCapacity), (4, Orphaned::OverCapacity)]
        );
    }

    #[test]
    fn a_closure_day_orphans_its_bookings() {
        let mut o = crate::test_support::buergerbuero();
        let bookings = [(1, regular(datetime!(2026-12-24 09:00 +01:00)))];
        o.closures
            .insert(date!(2026 - 12 - 24), "Heiligabend".into());
        assert_eq!(orphaned_bookings(&o, &bookings), [(1, Orphaned::DayClosed)]);
    }

    #[test]
    fn a_smaller_contingent_orphans_the_excess_tickets() {
        let mut o = crate::test_support::buergerbuero();
        let bookings: Vec<_> = (0..3)
            .map(|i| {
                let start = datetime!(2026-12-03 09:00 +01:00) + time::Duration::minutes(15 * i);
                (
                    i,
                    ActiveBooking {
                        start,
                        minutes: 15,
                        pool: Pool::DayTicket,
                    },
                )
            })
            .collect();
        assert!(orphaned_bookings(&o, &bookings).is_empty());
        if let Some(p) = o.day_ticket.as_mut() {
            p.per_day = 2;
        }
        assert_eq!(
            orphaned_bookings(&o, &bookings),
            [(2, Orphaned::OverContingent)]
        );
    }
}
