//! Slot search for 3 services over 8 weeks in a half-booked Bürgerbüro.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use domain::occupancy::{ActiveBooking, Occupancy, Pool};
use domain::{Selection, ServiceId, search_slots};
use std::hint::black_box;
use time::Duration;
use time::macros::{date, datetime};

fn half_booked(office: &domain::Office, now: time::OffsetDateTime) -> Occupancy {
    // Book every second offered 15-minute slot, day by day, until the 8 weeks
    // are about half full.
    let sel = Selection::new(office, &[ServiceId::parse("anmeldung").unwrap()]).unwrap();
    let mut occ = Occupancy::new();
    let mut day = date!(2026 - 12 - 03);
    while day <= date!(2027 - 01 - 27) {
        for _ in 0..2 {
            let offer = search_slots(office, &sel, day, day, now, &occ);
            for slot in offer.slots.iter().step_by(6) {
                occ.add(&ActiveBooking {
                    start: slot.start,
                    minutes: 15,
                    pool: Pool::Regular,
                });
            }
        }
        day += Duration::days(1);
    }
    occ
}

fn bench(c: &mut Criterion) {
    let office = domain::test_support::buergerbuero();
    let now = datetime!(2026-12-02 10:00 +01:00);
    let occ = half_booked(&office, now);
    let ids: Vec<_> = ["anmeldung", "personalausweis", "beglaubigung"]
        .iter()
        .map(|s| ServiceId::parse(s).unwrap())
        .collect();
    let sel = Selection::new(&office, &ids).unwrap();
    let offer = search_slots(
        &office,
        &sel,
        date!(2026 - 12 - 03),
        date!(2027 - 01 - 27),
        now,
        &occ,
    );
    eprintln!(
        "half-booked Bürgerbüro: {} bookable starts for 45 minutes over 8 weeks",
        offer.slots.len()
    );
    c.bench_function("slot_search_3_services_8_weeks_half_booked", |b| {
        b.iter(|| {
            search_slots(
                black_box(&office),
                black_box(&sel),
                date!(2026 - 12 - 03),
                date!(2027 - 01 - 27),
                now,
                black_box(&occ),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
