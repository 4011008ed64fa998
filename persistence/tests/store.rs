//! The persistence side of the rules and invariants, on SQLite always and on
//! PostgreSQL when `TEST_DATABASE_URL` is set (`cargo test -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{BookingError, BookingKind, Channel, Citizen, OfficeId, ServiceId, kaarst};
use persistence::{BookingStatus, CancelAuth, NewBooking, Store, StoreError};
use std::sync::{Arc, Barrier};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

/// Each test runs once per backend, each time on a fresh database.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                let db = persistence::test_support::sqlite();
                super::$name(db.url());
            }

            #[test]
            #[ignore = "needs PostgreSQL"]
            fn postgres() {
                let db = persistence::test_support::postgres().expect("TEST_DATABASE_URL");
                super::$name(db.url());
            }
        }
    )*};
}

on_both_backends!(
    seeds_the_kaarst_configuration_once,
    r4_services_are_stored_in_order_with_repeats,
    r10_r18_channels_share_capacity_and_cancelling_frees_it_at_once,
    r12_r16_day_tickets_count_per_day_return_on_cancel_and_reset_next_day,
    r17_token_code_and_cancel_rules,
    i1_regular_bookings_never_take_held_back_counters,
    i3_a_failed_booking_leaves_nothing,
    i3_bookings_survive_reopening,
    race_64_threads_one_slot,
    race_200_threads_for_day_tickets,
    race_two_independent_stores_on_one_database,
    admin_change_that_would_orphan_is_refused_then_forced,
    admin_counters_and_closures_are_checked_against_bookings,
    staff_accounts_and_audit_log,
);

/// Monday 30 November 2026, 10:00 in Kaarst.
const MONDAY_10: OffsetDateTime = datetime!(2026-11-30 10:00 +01:00);
/// Tuesday 1 December 2026, 08:30: a regular slot (3 of 4 counters; 1 held back).
const TUESDAY_0830: OffsetDateTime = datetime!(2026-12-01 08:30 +01:00);

fn office() -> OfficeId {
    OfficeId::parse("buergerbuero").unwrap()
}

fn services(ids: &[&str]) -> Vec<ServiceId> {
    ids.iter().map(|s| ServiceId::parse(s).unwrap()).collect()
}

fn request(start: OffsetDateTime, kind: BookingKind, channel: Channel) -> NewBooking {
    NewBooking {
        office: office(),
        services: services(&["anmeldung"]),
        start,
        kind,
        channel,
        citizen: Citizen::new("Erika Mustermann", Some("erika@example.org"), None).unwrap(),
        created_by: None,
    }
}

fn regular(start: OffsetDateTime) -> NewBooking {
    request(start, BookingKind::Regular, Channel::Online)
}

fn day_ticket(start: OffsetDateTime) -> NewBooking {
    NewBooking {
        services: services(&["ausweis-abholung"]),
        ..request(start, BookingKind::DayTicket, Channel::Online)
    }
}

fn rule(result: Result<impl std::fmt::Debug, StoreError>) -> BookingError {
    match result {
        Err(StoreError::Rule(e)) => e,
        other => panic!("expected a rule error, got {other:?}"),
    }
}

fn seeds_the_kaarst_configuration_once(url: &str) {
    let store = Store::open(url).unwrap();
    let stored: Vec<_> = store
        .offices()
        .unwrap()
        .iter()
        .map(|o| (**o).clone())
        .collect();
    let mut shipped = kaarst::offices();
    shipped.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    assert_eq!(stored, shipped, "the configuration reads back as shipped");
    drop(store);
    let again = Store::open(url).unwrap();
    assert_eq!(again.offices().unwrap().len(), 2, "not seeded twice");
    assert!(matches!(
        again.office(&OfficeId::parse("rathaus").unwrap()),
        Err(StoreError::NotFound)
    ));
}

fn r4_services_are_stored_in_order_with_repeats(url: &str) {
    let store = Store::open(url).unwrap();
    let chosen = services(&["reisepass", "anmeldung", "reisepass"]);
    let made = store
        .book(
            &NewBooking {
                services: chosen.clone(),
                ..regular(TUESDAY_0830)
            },
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(made.booking.services, chosen);
    assert_eq!(made.booking.end - made.booking.start, Duration::minutes(55));
    let read = store.booking(made.booking.id).unwrap();
    assert_eq!(read, made.booking);
    let day = store
        .day_appointments(&office(), date!(2026 - 12 - 01))
        .unwrap();
    assert_eq!(day, vec![made.booking]);
}

fn r10_r18_channels_share_capacity_and_cancelling_frees_it_at_once(url: &str) {
    let store = Store::open(url).unwrap();
    let mut made = Vec::new();
    for channel in [Channel::Online, Channel::Phone, Channel::Desk] {
        let b = store
            .book(
                &request(TUESDAY_0830, BookingKind::Regular, channel),
                MONDAY_10,
            )
            .unwrap();
        assert_eq!(b.booking.channel, channel);
        made.push(b);
    }
    assert_eq!(
        rule(store.book(
            &request(TUESDAY_0830, BookingKind::Regular, Channel::Phone),
            MONDAY_10
        )),
        BookingError::SlotTaken
    );
    let cancelled = store
        .cancel(
            made[0].booking.id,
            CancelAuth::Staff { actor: "infotheke" },
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("infotheke"));
    store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
    // Nothing is deleted: the cancelled booking is still there.
    let day = store
        .day_appointments(&office(), date!(2026 - 12 - 01))
        .unwrap();
    assert_eq!(day.len(), 4);
    assert_eq!(
        day.iter()
            .filter(|b| b.status == BookingStatus::Cancelled)
            .count(),
        1
    );
}

fn r12_r16_day_tickets_count_per_day_return_on_cancel_and_reset_next_day(url: &str) {
    let store = Store::open(url).unwrap();
    let monday_07 = datetime!(2026-11-30 07:00 +01:00);
    let first = datetime!(2026-11-30 08:30 +01:00);
    let mut tickets = Vec::new();
    for i in 0..12 {
        let t = store
            .book(&day_ticket(first + Duration::minutes(5 * i)), monday_07)
            .unwrap();
        assert_eq!(t.booking.kind, BookingKind::DayTicket);
        tickets.push(t);
    }
    let thirteenth = day_ticket(first + Duration::minutes(5 * 12));
    assert_eq!(
        rule(store.book(&thirteenth, monday_07)),
        BookingError::DayTicketsExhausted
    );
    store
        .cancel(
            tickets[3].booking.id,
            CancelAuth::Token(&tickets[3].token),
            monday_07,
        )
        .unwrap();
    store.book(&thirteenth, monday_07).unwrap();
    assert_eq!(
        rule(store.book(&day_ticket(first + Duration::minutes(5 * 13)), monday_07)),
        BookingError::DayTicketsExhausted
    );
    // Tuesday has its own contingent.
    let tuesday_07 = datetime!(2026-12-01 07:00 +01:00);
    store.book(&day_ticket(TUESDAY_0830), tuesday_07).unwrap();
}

fn r17_token_code_and_cancel_rules(url: &str) {
    let store = Store::open(url).unwrap();
    let made = store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
    let id = made.booking.id;
    assert!(made.token.len() >= 32, "at least 128 bits");
    assert_eq!(
        store.booking_with_token(id, &made.token).unwrap(),
        made.booking
    );
    assert!(matches!(
        store.booking_with_token(id, "not-the-token"),
        Err(StoreError::NotFound)
    ));
    let code = made.booking.code.to_lowercase();
    assert_eq!(store.booking_by_code(&code).unwrap().id, id);
    assert!(matches!(
        store.cancel(id, CancelAuth::Token("wrong"), MONDAY_10),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.cancel(id, CancelAuth::Token(&made.token), TUESDAY_0830),
        Err(StoreError::AppointmentPassed)
    ));
    store
        .cancel(id, CancelAuth::Token(&made.token), MONDAY_10)
        .unwrap();
    assert!(matches!(
        store.cancel(id, CancelAuth::Token(&made.token), MONDAY_10),
        Err(StoreError::AlreadyCancelled)
    ));
    assert!(matches!(
        store.booking(uuid::Uuid::new_v4()),
        Err(StoreError::NotFound)
    ));
}

fn i1_regular_bookings_never_take_held_back_counters(url: &str) {
    let store = Store::open(url).unwrap();
    for _ in 0..3 {
        store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
    }
    assert_eq!(
        rule(store.book(&regular(TUESDAY_0830), MONDAY_10)),
        BookingError::SlotTaken
    );
    // The held-back counter is still there for a Tagesticket on the day.
    let tuesday_07 = datetime!(2026-12-01 07:00 +01:00);
    store.book(&day_ticket(TUESDAY_0830), tuesday_07).unwrap();
    // Saturday has no Tagesticket: all four counters take regular bookings.
    let saturday = datetime!(2026-12-05 08:30 +01:00);
    for _ in 0..4 {
        store.book(&regular(saturday), MONDAY_10).unwrap();
    }
    assert_eq!(
        rule(store.book(&regular(saturday), MONDAY_10)),
        BookingError::SlotTaken
    );
}

fn i3_a_failed_booking_leaves_nothing(url: &str) {
    let store = Store::open(url).unwrap();
    let day = date!(2026 - 12 - 01);
    let broken = [
        NewBooking {
            services: services(&["anmeldung", "unbekannt"]),
            ..regular(TUESDAY_0830)
        },
        regular(datetime!(2026-12-01 08:31 +01:00)),
        regular(datetime!(2026-12-01 11:55 +01:00)),
        day_ticket(TUESDAY_0830),
    ];
    for b in &broken {
        assert!(store.book(b, MONDAY_10).is_err());
    }
    assert!(store.day_appointments(&office(), day).unwrap().is_empty());
    let unknown_office = NewBooking {
        office: OfficeId::parse("rathaus").unwrap(),
        ..regular(TUESDAY_0830)
    };
    assert!(matches!(
        store.book(&unknown_office, MONDAY_10),
        Err(StoreError::NotFound)
    ));
}

fn i3_bookings_survive_reopening(url: &str) {
    let made = {
        let store = Store::open(url).unwrap();
        store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap()
    };
    let store = Store::open(url).unwrap();
    assert_eq!(store.booking(made.booking.id).unwrap(), made.booking);
}

/// Starts `threads` threads at one barrier, each running `attempt(i)`.
fn race<T: Send + 'static>(
    threads: usize,
    attempt: impl Fn(usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(threads));
    let attempt = Arc::new(attempt);
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let attempt = Arc::clone(&attempt);
            std::thread::spawn(move || {
                barrier.wait();
                attempt(i)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Counts the successes; every failure must be a "taken" conflict.
fn tally<T: std::fmt::Debug>(results: Vec<Result<T, StoreError>>) -> usize {
    let mut won = 0;
    for r in results {
        match r {
            Ok(_) => won += 1,
            Err(StoreError::Rule(e)) if e.is_conflict() => {}
            Err(other) => panic!("a racing booking failed otherwise: {other:?}"),
        }
    }
    won
}

fn race_64_threads_one_slot(url: &str) {
    let store = Arc::new(Store::open_with_pool_size(url, 16).unwrap());
    let s = Arc::clone(&store);
    let won = tally(race(64, move |_| s.book(&regular(TUESDAY_0830), MONDAY_10)));
    assert_eq!(won, 3, "exactly the 3 regular counters");
    let booked = store
        .day_appointments(&office(), date!(2026 - 12 - 01))
        .unwrap();
    assert_eq!(booked.len(), 3);
}

fn race_200_threads_for_day_tickets(url: &str) {
    let store = Arc::new(Store::open_with_pool_size(url, 16).unwrap());
    let monday_07 = datetime!(2026-11-30 07:00 +01:00);
    let s = Arc::clone(&store);
    // 42 five-minute starts in the morning window; the contingent (12) binds.
    let won = tally(race(200, move |i| {
        let start = datetime!(2026-11-30 08:30 +01:00) + Duration::minutes(5 * (i % 42) as i64);
        s.book(&day_ticket(start), monday_07)
    }));
    assert_eq!(won, 12, "exactly the day's contingent");
    let issued = store
        .day_appointments(&office(), date!(2026 - 11 - 30))
        .unwrap();
    assert_eq!(issued.len(), 12);
}

fn race_two_independent_stores_on_one_database(url: &str) {
    // Two pools, as two server processes would have.
    let a = Arc::new(Store::open_with_pool_size(url, 8).unwrap());
    let b = Arc::new(Store::open_with_pool_size(url, 8).unwrap());
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let won = tally(race(64, move |i| {
        let store = if i % 2 == 0 { &a2 } else { &b2 };
        store.book(&regular(TUESDAY_0830), MONDAY_10)
    }));
    assert_eq!(won, 3);
    let monday_07 = datetime!(2026-11-30 07:00 +01:00);
    let (a3, b3) = (Arc::clone(&a), Arc::clone(&b));
    let tickets = tally(race(100, move |i| {
        let store = if i % 2 == 0 { &a3 } else { &b3 };
        let start = datetime!(2026-11-30 08:30 +01:00) + Duration::minutes(5 * (i % 42) as i64);
        store.book(&day_ticket(start), monday_07)
    }));
    assert_eq!(tickets, 12);
}

#[test]
fn unsupported_url_is_refused_and_creates_no_file() {
    let name = format!("terminvergabe-stray-{}.db", uuid::Uuid::new_v4());
    assert!(matches!(Store::open(&name), Err(StoreError::InvalidUrl(_))));
    assert!(matches!(
        Store::open(&format!("mysql://localhost/{name}")),
        Err(StoreError::InvalidUrl(_))
    ));
    assert!(!std::path::Path::new(&name).exists());
}

fn audit(action: &str) -> persistence::Audit<'_> {
    persistence::Audit {
        actor: "admin",
        action,
        office: None,
        booking: None,
        detail: serde_json::json!({}),
    }
}

fn admin_change_that_would_orphan_is_refused_then_forced(url: &str) {
    use domain::admin::Orphaned;
    let store = Store::open(url).unwrap();
    let thursday = datetime!(2026-12-03 14:00 +01:00);
    let made = store.book(&regular(thursday), MONDAY_10).unwrap();
    let no_afternoon = |o: &mut domain::Office| {
        o.hours.0[3].retain(|w| w.start < time::macros::time!(12:00));
        Ok(())
    };
    match store.update_office(
        &office(),
        &no_afternoon,
        false,
        &audit("office.hours"),
        MONDAY_10,
    ) {
        Err(StoreError::WouldOrphan(list)) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].booking.id, made.booking.id);
            assert_eq!(list[0].reason, Orphaned::OutsideOpeningHours);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        store.office(&office()).unwrap().hours.0[3].len(),
        2,
        "nothing changed"
    );
    let applied = store
        .update_office(
            &office(),
            &no_afternoon,
            true,
            &audit("office.hours"),
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(applied.orphaned.len(), 1);
    assert_eq!(store.office(&office()).unwrap().hours.0[3].len(), 1);
    // The booking is kept; new bookings follow the new hours at once.
    assert_eq!(
        store.booking(made.booking.id).unwrap().status,
        BookingStatus::Confirmed
    );
    assert_eq!(
        rule(store.book(&regular(thursday + Duration::minutes(30)), MONDAY_10)),
        BookingError::OutsideOpeningHours
    );
    let log = store.audit_log(10).unwrap();
    assert_eq!(log[0].action, "office.hours");
    assert_eq!(log[0].detail["forced"], true);
    assert_eq!(
        log[0].detail["orphaned"][0]["reason"],
        "outside_opening_hours"
    );
    // An invalid configuration is refused as such.
    let broken = |o: &mut domain::Office| {
        o.counters = 0;
        Ok(())
    };
    assert!(matches!(
        store.update_office(
            &office(),
            &broken,
            true,
            &audit("office.settings"),
            MONDAY_10
        ),
        Err(StoreError::InvalidConfig(_))
    ));
}

fn admin_counters_and_closures_are_checked_against_bookings(url: &str) {
    use domain::admin::Orphaned;
    let store = Store::open(url).unwrap();
    let made: Vec<_> = (0..3)
        .map(|_| store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap())
        .collect();
    let three_counters = |o: &mut domain::Office| {
        o.counters = 3;
        Ok(())
    };
    match store.update_office(
        &office(),
        &three_counters,
        false,
        &audit("office.settings"),
        MONDAY_10,
    ) {
        Err(StoreError::WouldOrphan(list)) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].booking.id, made[2].booking.id, "the latest booking");
            assert_eq!(list[0].reason, Orphaned::OverCapacity);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let closed = |o: &mut domain::Office| {
        o.closures.insert(
            time::macros::date!(2026 - 12 - 01),
            "Betriebsausflug".into(),
        );
        Ok(())
    };
    match store.update_office(
        &office(),
        &closed,
        false,
        &audit("office.closure"),
        MONDAY_10,
    ) {
        Err(StoreError::WouldOrphan(list)) => assert_eq!(list.len(), 3),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A closure on a day without bookings applies, and search follows it.
    let christmas_eve = |o: &mut domain::Office| {
        o.closures
            .insert(time::macros::date!(2026 - 12 - 24), "Heiligabend".into());
        Ok(())
    };
    store
        .update_office(
            &office(),
            &christmas_eve,
            false,
            &audit("office.closure"),
            MONDAY_10,
        )
        .unwrap();
    assert!(matches!(
        rule(store.book(&regular(datetime!(2026-12-24 08:30 +01:00)), MONDAY_10)),
        BookingError::Closure { .. }
    ));
    // More counters never strand anyone.
    let five = |o: &mut domain::Office| {
        o.counters = 5;
        Ok(())
    };
    store
        .update_office(
            &office(),
            &five,
            false,
            &audit("office.settings"),
            MONDAY_10,
        )
        .unwrap();
    store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
}

fn staff_accounts_and_audit_log(url: &str) {
    let store = Store::open(url).unwrap();
    assert!(
        store
            .bootstrap_admin("Chefin", "$argon2id$hash", MONDAY_10)
            .unwrap()
    );
    assert!(
        !store
            .bootstrap_admin("other", "$argon2id$hash", MONDAY_10)
            .unwrap()
    );
    let desk = store
        .create_user("Anna", "$argon2id$a", "desk", "chefin", MONDAY_10)
        .unwrap();
    assert_eq!(
        (desk.username.as_str(), desk.role.as_str(), desk.active),
        ("anna", "desk", true)
    );
    assert!(matches!(
        store.create_user("ANNA", "$argon2id$b", "phone", "chefin", MONDAY_10),
        Err(StoreError::UsernameTaken)
    ));
    let changed = store
        .change_user(
            "anna",
            &persistence::UserChange {
                active: Some(false),
                ..Default::default()
            },
            "chefin",
            MONDAY_10,
        )
        .unwrap();
    assert!(!changed.active);
    assert_eq!(store.users().unwrap().len(), 2);
    assert!(store.user("nobody").unwrap().is_none());

    let by_phone = NewBooking {
        created_by: Some("bert".into()),
        ..request(TUESDAY_0830, BookingKind::Regular, Channel::Phone)
    };
    let made = store.book(&by_phone, MONDAY_10).unwrap();
    store
        .cancel(
            made.booking.id,
            CancelAuth::Staff { actor: "carla" },
            MONDAY_10,
        )
        .unwrap();
    // Online bookings are the citizens' own, not staff actions.
    store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
    let log = store.audit_log(100).unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("carla", "booking.cancel"),
            ("bert", "booking.create"),
            ("chefin", "user.change"),
            ("chefin", "user.create"),
            ("system", "user.bootstrap"),
        ]
    );
    let booking_id = made.booking.id.to_string();
    assert_eq!(log[0].booking.as_deref(), Some(booking_id.as_str()));
    assert_eq!(log[1].detail["channel"], "phone");
}
