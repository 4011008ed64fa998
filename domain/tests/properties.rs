//! Property tests: whatever is offered obeys the rules, and booking what is
//! offered never exceeds the counters of either pool (I1, I2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::grid::minute_of_day;
use domain::occupancy::{ActiveBooking, Occupancy, Pool, UNITS_PER_DAY, units_of};
use domain::{Berlin, Channel, Office, Selection, ServiceId, day_ticket_offer, search_slots};
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime};

fn office(i: usize) -> Office {
    [
        domain::test_support::buergerbuero,
        domain::test_support::bauen,
    ][i]()
}

/// Any instant from 2026 to 2029.
fn any_now() -> impl Strategy<Value = OffsetDateTime> {
    (1_767_225_600i64..1_861_920_000).prop_map(|s| OffsetDateTime::from_unix_timestamp(s).unwrap())
}

fn day_within(now: OffsetDateTime, offset: u32) -> Date {
    Berlin::today(now) + Duration::days(i64::from(offset))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn offered_slots_obey_every_rule(
        office_index in 0usize..2,
        now in any_now(),
        seed in proptest::collection::vec((0u32..60, 0u32..120, 1u32..10, any::<bool>()), 0..80),
        chosen in proptest::collection::vec(0usize..9, 1..4),
    ) {
        let o = office(office_index);
        let ids: Vec<ServiceId> = chosen.iter().map(|i| o.services[i % o.services.len()].id.clone()).collect();
        let selection = Selection::new(&o, &ids);
        prop_assume!(selection.is_ok(), "within the limits of R3");
        let selection = selection.unwrap();
        // Arbitrary load: bookings anywhere in the coming weeks, on the grid.
        let load: Vec<ActiveBooking> = seed.iter().filter_map(|(day, unit, len, ticket)| {
            let start = Berlin::instant(day_within(now, *day), time::Time::from_hms(8, 0, 0).ok()?).ok()?
                + Duration::minutes(i64::from(unit * 5));
            Some(ActiveBooking { start, minutes: len * 5, pool: if *ticket { Pool::DayTicket } else { Pool::Regular } })
        }).collect();
        let occ = Occupancy::from_bookings(&load);
        let today = Berlin::today(now);
        let offer = search_slots(&o, &selection, today, today + Duration::days(60), now, &occ);
        for slot in &offer.slots {
            let local = Berlin::local(slot.start);
            let date = local.date();
            let start_min = minute_of_day(local.time());
            let end_min = start_min + selection.minutes();
            prop_assert_eq!(slot.end - slot.start, Duration::minutes(i64::from(selection.minutes())));
            prop_assert!(start_min.is_multiple_of(o.settings.grid_minutes), "on the grid: {}", local);
            prop_assert!(o.hours.on(date.weekday()).iter().any(|w| w.contains(local.time(), end_min)), "in one window: {}", local);
            prop_assert!(o.closed(date).is_none(), "working day: {}", date);
            prop_assert!(date > today && date <= today + Duration::days(56), "lead and horizon: {}", date);
            prop_assert!(slot.start >= now);
            let (_, units) = units_of(slot.start, selection.minutes());
            prop_assert!(occ.peak(date, Pool::Regular, units) < o.capacity_on(date).0, "free: {}", local);
        }
        prop_assert_eq!(offer.earliest, offer.slots.first().copied());
    }

    #[test]
    fn booking_offered_slots_never_exceeds_either_pool(
        now in any_now(),
        picks in proptest::collection::vec((0u32..4, any::<prop::sample::Index>(), any::<bool>(), 0usize..9, 0usize..9), 1..120),
    ) {
        let o = office(0);
        let ids: Vec<ServiceId> = o.services.iter().map(|s| s.id.clone()).collect();
        let today = Berlin::today(now);
        let mut occ = Occupancy::new();
        let mut touched = std::collections::BTreeSet::new();
        for (day, index, ticket, a, b) in picks {
            let Ok(selection) = Selection::new(&o, &[ids[a].clone(), ids[b].clone()]) else { continue };
            let (slots, pool) = if ticket {
                (day_ticket_offer(&o, Some(&selection), Channel::Online, now, &occ).slots, Pool::DayTicket)
            } else {
                let d = today + Duration::days(i64::from(day) + 1);
                (search_slots(&o, &selection, d, d, now, &occ).slots, Pool::Regular)
            };
            if slots.is_empty() { continue; }
            let slot = slots[index.index(slots.len())];
            occ.add(&ActiveBooking { start: slot.start, minutes: selection.minutes(), pool });
            touched.insert(Berlin::local(slot.start).date());
        }
        for date in touched {
            let (regular, held_back) = o.capacity_on(date);
            prop_assert!(occ.peak(date, Pool::Regular, 0..UNITS_PER_DAY) <= regular);
            prop_assert!(occ.peak(date, Pool::DayTicket, 0..UNITS_PER_DAY) <= held_back);
            let per_day = o.day_ticket_on(date).map_or(0, |p| p.per_day);
            prop_assert!(occ.tickets_issued(date) <= per_day);
        }
    }
}
