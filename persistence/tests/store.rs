//! The persistence side of the rules and invariants, on SQLite always and on
//! PostgreSQL when `TEST_DATABASE_URL` is set (`cargo test -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{
    BookingCode, BookingError, BookingKind, BookingStatus, CancelError, Channel, OfficeEdit,
    OfficeId, Role, SettingsChange, Username,
};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::{MONDAY_10, citizen, office_id, services};
use persistence::{CancelAuth, NewBooking, Store, StoreError, on_both_backends};
use std::sync::{Arc, Barrier};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

on_both_backends!(
    std::convert::identity::<TestDb>;
    seeds_the_kaarst_configuration_once,
    r4_services_are_stored_in_order_with_repeats,
    r10_r18_channels_share_capacity_and_cancelling_frees_it_at_once,
    r12_r16_day_tickets_count_per_day_return_on_cancel_and_reset_next_day,
    r17_token_code_and_cancel_rules,
    i1_regular_bookings_never_take_held_back_counters,
    i1_every_appointment_overlapping_a_booking_counts,
    i3_a_failed_booking_leaves_nothing,
    i3_bookings_survive_reopening,
    i3_after_a_panic_inside_a_transaction_the_next_booking_is_committed,
    i1_64_threads_race_for_one_slot,
    i2_200_threads_race_for_the_day_tickets,
    i4_two_independent_stores_on_one_database,
    admin_change_that_would_orphan_is_refused_then_forced,
    admin_counters_and_closures_are_checked_against_bookings,
    admin_edits_are_checked_in_the_transaction_and_audited_apart,
    staff_accounts_and_audit_log,
    r26_a_challenge_solution_books_once_and_staff_need_none,
    r24_limits_per_contact_hold_across_days_and_spellings,
    r32_online_tagestickets_for_residents,
    r11_changes_that_end_tokens_raise_the_generation,
    a_retried_request_gets_its_first_booking,
    retries_racing_with_one_key_make_one_booking,
);

/// Tuesday 1 December 2026, 08:30: a regular slot (3 of 4 counters; 1 held back).
const TUESDAY_0830: OffsetDateTime = datetime!(2026-12-01 08:30 +01:00);

fn office() -> OfficeId {
    office_id("buergerbuero")
}

/// The store on `db`, its Bürgerbüro without the challenge, the postcode
/// restriction and the limits per contact of the shipped configuration (R24,
/// R26 and R32 have tests of their own), so the other rules can be tested on
/// their own.
fn relaxed(store: Store) -> Store {
    let relax = persistence::test_support::fixtures::without_fair_use();
    store
        .update_office(&office(), &relax, false, &user("admin"), MONDAY_10)
        .unwrap();
    store
}

fn open(db: &TestDb) -> Store {
    relaxed(Store::open(db.url()).unwrap())
}

/// The shipped configuration but R33's verified contact, for tests of its
/// other rules (R33 has its own, in `verifications.rs`).
fn unverified(db: &TestDb) -> Store {
    let store = Store::open(db.url()).unwrap();
    let off = domain::OfficeEdit::Settings(domain::SettingsChange {
        verify_contact: Some(domain::VerifyContact::Off),
        ..domain::SettingsChange::default()
    });
    store
        .update_office(&office(), &off, false, &user("admin"), MONDAY_10)
        .unwrap();
    store
}

fn new_user(name: &Username, hash: &str, role: Role) -> persistence::NewUser {
    persistence::NewUser {
        username: name.clone(),
        password_hash: hash.to_owned(),
        role,
        offices: domain::OfficeScope::All,
        municipality: None,
    }
}

fn user(name: &str) -> Username {
    Username::parse(name).unwrap()
}

fn request(start: OffsetDateTime, kind: BookingKind, channel: Channel) -> NewBooking {
    NewBooking {
        office: office(),
        services: services(&["anmeldung"]),
        start,
        kind,
        channel,
        citizen: citizen(),
        created_by: None,
        challenge: None,
        contact_token: None,
        idempotency_key: None,
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

fn seeds_the_kaarst_configuration_once(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let stored: Vec<_> = store
        .offices()
        .unwrap()
        .iter()
        .map(|o| (**o).clone())
        .collect();
    let mut shipped = domain::kaarst::offices().unwrap();
    shipped.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    assert_eq!(stored, shipped, "the configuration reads back as shipped");
    drop(store);
    let again = Store::open(db.url()).unwrap();
    assert_eq!(again.offices().unwrap().len(), 2, "not seeded twice");
    assert!(matches!(
        again.office(&office_id("rathaus")),
        Err(StoreError::UnknownOffice)
    ));
}

fn r4_services_are_stored_in_order_with_repeats(db: &TestDb) {
    let store = open(db);
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

fn r10_r18_channels_share_capacity_and_cancelling_frees_it_at_once(db: &TestDb) {
    let store = open(db);
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
            CancelAuth::Staff {
                actor: &user("infotheke"),
                offices: &domain::OfficeScope::All,
            },
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.cancelled_by, Some(user("infotheke")));
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

fn r12_r16_day_tickets_count_per_day_return_on_cancel_and_reset_next_day(db: &TestDb) {
    let store = open(db);
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

fn r17_token_code_and_cancel_rules(db: &TestDb) {
    let store = open(db);
    let made = store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
    let id = made.booking.id;
    assert!(made.token.len() >= 32, "at least 128 bits");
    assert_eq!(
        store
            .booking_for(id, CancelAuth::Token(&made.token), MONDAY_10)
            .unwrap(),
        made.booking
    );
    assert!(matches!(
        store.booking_for(id, CancelAuth::Token("not-the-token"), MONDAY_10),
        Err(StoreError::UnknownBooking)
    ));
    let typed = BookingCode::parse(&made.booking.code.as_str().to_lowercase()).unwrap();
    assert_eq!(store.booking_by_code(&typed).unwrap().id, id);
    assert!(matches!(
        store.cancel(id, CancelAuth::Token("wrong"), MONDAY_10),
        Err(StoreError::UnknownBooking)
    ));
    assert!(matches!(
        store.cancel(id, CancelAuth::Token(&made.token), TUESDAY_0830),
        Err(StoreError::Cancel(CancelError::AppointmentPassed))
    ));
    store
        .cancel(id, CancelAuth::Token(&made.token), MONDAY_10)
        .unwrap();
    assert!(matches!(
        store.cancel(id, CancelAuth::Token(&made.token), MONDAY_10),
        Err(StoreError::Cancel(CancelError::AlreadyCancelled))
    ));
    assert!(matches!(
        store.booking(uuid::Uuid::new_v4()),
        Err(StoreError::UnknownBooking)
    ));
}

fn i1_regular_bookings_never_take_held_back_counters(db: &TestDb) {
    let store = open(db);
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

/// I1 with appointments of different lengths: a booking is checked against
/// every appointment that overlaps it, also those that began before it,
/// and against none that ends when it begins. Three of an hour from 08:30
/// take the three regular counters until 09:30.
fn i1_every_appointment_overlapping_a_booking_counts(db: &TestDb) {
    let store = open(db);
    let hour = |start| NewBooking {
        services: services(&["personalausweis"; 3]),
        ..regular(start)
    };
    for _ in 0..3 {
        store
            .book(&hour(datetime!(2026-12-01 08:30 +01:00)), MONDAY_10)
            .unwrap();
    }
    // Begun 45 minutes before, still running: no counter at 09:15.
    assert_eq!(
        rule(store.book(&regular(datetime!(2026-12-01 09:15 +01:00)), MONDAY_10)),
        BookingError::SlotTaken
    );
    // Reaching into them from before their end.
    assert_eq!(
        rule(store.book(&hour(datetime!(2026-12-01 09:00 +01:00)), MONDAY_10)),
        BookingError::SlotTaken
    );
    // When they end, the counters are free again.
    for _ in 0..3 {
        store
            .book(&regular(datetime!(2026-12-01 09:30 +01:00)), MONDAY_10)
            .unwrap();
    }
    assert_eq!(
        rule(store.book(&regular(datetime!(2026-12-01 09:35 +01:00)), MONDAY_10)),
        BookingError::SlotTaken
    );
}

/// Makes every insert into `booking_services` fail, on either backend, so a
/// booking fails after its row in `bookings` was written.
fn break_booking_services(db: &TestDb) {
    use diesel::connection::SimpleConnection;
    let sql = if db.url().starts_with("sqlite://") {
        "CREATE TRIGGER break_services BEFORE INSERT ON booking_services \
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
    } else {
        "CREATE FUNCTION break_services() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; \
         CREATE TRIGGER break_services BEFORE INSERT ON booking_services \
         FOR EACH ROW EXECUTE FUNCTION break_services();"
    };
    use diesel::Connection;
    match db.url().strip_prefix("sqlite://") {
        Some(path) => diesel::SqliteConnection::establish(path)
            .unwrap()
            .batch_execute(sql),
        None => diesel::PgConnection::establish(db.url())
            .unwrap()
            .batch_execute(sql),
    }
    .unwrap();
}

fn i3_a_failed_booking_leaves_nothing(db: &TestDb) {
    let store = open(db);
    let day = date!(2026 - 12 - 01);
    // Refused by a rule before anything is written.
    let refused = [
        NewBooking {
            services: services(&["anmeldung", "unbekannt"]),
            ..regular(TUESDAY_0830)
        },
        regular(datetime!(2026-12-01 08:31 +01:00)),
        regular(datetime!(2026-12-01 11:55 +01:00)),
        day_ticket(TUESDAY_0830),
    ];
    for b in &refused {
        assert!(store.book(b, MONDAY_10).is_err());
    }
    let unknown_office = NewBooking {
        office: office_id("rathaus"),
        ..regular(TUESDAY_0830)
    };
    assert_eq!(
        rule(store.book(&unknown_office, MONDAY_10)),
        BookingError::UnknownOffice("rathaus".into())
    );
    // Failing after the booking's row was inserted: the transaction takes
    // the row back with it.
    break_booking_services(db);
    let by_phone = NewBooking {
        created_by: Some(user("bert")),
        ..request(TUESDAY_0830, BookingKind::Regular, Channel::Phone)
    };
    match store.book(&by_phone, MONDAY_10) {
        Err(StoreError::Database(e)) => assert!(e.to_string().contains("injected failure"), "{e}"),
        other => panic!("expected the injected failure, got {other:?}"),
    }
    assert!(store.day_appointments(&office(), day).unwrap().is_empty());
    assert!(
        store
            .audit_log(10)
            .unwrap()
            .iter()
            .all(|e| e.booking.is_none())
    );
}

fn i3_bookings_survive_reopening(db: &TestDb) {
    let made = {
        let store = open(db);
        store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap()
    };
    let store = open(db);
    assert_eq!(store.booking(made.booking.id).unwrap(), made.booking);
}

/// A panic inside a transaction (a bug) unwinds through the pool's
/// connection guard. The connection must not go back into the pool with its
/// transaction open: the next booking on it would run inside that
/// transaction, be answered as booked and never be committed (I3).
fn i3_after_a_panic_inside_a_transaction_the_next_booking_is_committed(db: &TestDb) {
    // One connection, so the booking after the panic gets the same one if
    // the pool keeps it.
    let store = relaxed(Store::open_with_pool_size(db.url(), 1).unwrap());
    let day = date!(2026 - 12 - 01);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.panic_inside_a_write(&office(), day)
    }));
    assert!(panicked.is_err(), "the write was to panic");
    let made = store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
    // Committed: another store on the database sees it.
    let other = Store::open(db.url()).unwrap();
    assert_eq!(other.booking(made.booking.id).unwrap(), made.booking);
    assert_eq!(other.day_appointments(&office(), day).unwrap().len(), 1);
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
            Err(StoreError::Rule(BookingError::SlotTaken | BookingError::DayTicketsExhausted)) => {}
            Err(other) => panic!("a racing booking failed otherwise: {other:?}"),
        }
    }
    won
}

fn i1_64_threads_race_for_one_slot(db: &TestDb) {
    let store = Arc::new(relaxed(Store::open_with_pool_size(db.url(), 16).unwrap()));
    let s = Arc::clone(&store);
    let won = tally(race(64, move |_| s.book(&regular(TUESDAY_0830), MONDAY_10)));
    assert_eq!(won, 3, "exactly the 3 regular counters");
    let booked = store
        .day_appointments(&office(), date!(2026 - 12 - 01))
        .unwrap();
    assert_eq!(booked.len(), 3);
}

fn i2_200_threads_race_for_the_day_tickets(db: &TestDb) {
    let store = Arc::new(relaxed(Store::open_with_pool_size(db.url(), 16).unwrap()));
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

fn i4_two_independent_stores_on_one_database(db: &TestDb) {
    // Two pools, as two server processes would have.
    let a = Arc::new(relaxed(Store::open_with_pool_size(db.url(), 8).unwrap()));
    let b = Arc::new(relaxed(Store::open_with_pool_size(db.url(), 8).unwrap()));
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

fn edit(
    store: &Store,
    edit: &OfficeEdit,
    force: bool,
) -> Result<persistence::OfficeChange, StoreError> {
    store.update_office(&office(), edit, force, &user("admin"), MONDAY_10)
}

fn settings(change: SettingsChange) -> OfficeEdit {
    OfficeEdit::Settings(change)
}

fn admin_change_that_would_orphan_is_refused_then_forced(db: &TestDb) {
    use domain::admin::Orphaned;
    let store = open(db);
    let thursday = datetime!(2026-12-03 14:00 +01:00);
    let made = store.book(&regular(thursday), MONDAY_10).unwrap();
    let mut hours = store.office(&office()).unwrap().hours.clone();
    hours.0[3].retain(|w| w.start < time::macros::time!(12:00));
    let no_afternoon = OfficeEdit::Hours(hours);
    match edit(&store, &no_afternoon, false) {
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
    let applied = edit(&store, &no_afternoon, true).unwrap();
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
    assert_eq!(log[0].action, domain::AuditAction::OfficeHours);
    assert_eq!(log[0].detail["forced"], true);
    assert_eq!(
        log[0].detail["orphaned"][0]["reason"],
        "outside_opening_hours"
    );
    // An invalid configuration is refused as such.
    let broken = settings(SettingsChange {
        counters: Some(0),
        ..SettingsChange::default()
    });
    assert!(matches!(
        edit(&store, &broken, true),
        Err(StoreError::Edit(domain::EditError::Invalid(_)))
    ));
}

fn admin_counters_and_closures_are_checked_against_bookings(db: &TestDb) {
    use domain::admin::Orphaned;
    let store = open(db);
    let made: Vec<_> = (0..3)
        .map(|_| store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap())
        .collect();
    let counters = |n| {
        settings(SettingsChange {
            counters: Some(n),
            ..SettingsChange::default()
        })
    };
    match edit(&store, &counters(3), false) {
        Err(StoreError::WouldOrphan(list)) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].booking.id, made[2].booking.id, "the latest booking");
            assert_eq!(list[0].reason, Orphaned::OverCapacity);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let closed = OfficeEdit::AddClosure {
        date: date!(2026 - 12 - 01),
        reason: "Betriebsausflug".into(),
    };
    match edit(&store, &closed, false) {
        Err(StoreError::WouldOrphan(list)) => assert_eq!(list.len(), 3),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A closure on a day without bookings applies, and search follows it.
    let christmas_eve = OfficeEdit::AddClosure {
        date: date!(2026 - 12 - 24),
        reason: "Heiligabend".into(),
    };
    edit(&store, &christmas_eve, false).unwrap();
    assert!(matches!(
        rule(store.book(&regular(datetime!(2026-12-24 08:30 +01:00)), MONDAY_10)),
        BookingError::Closure { .. }
    ));
    // More counters never strand anyone.
    edit(&store, &counters(5), false).unwrap();
    store.book(&regular(TUESDAY_0830), MONDAY_10).unwrap();
}

fn admin_edits_are_checked_in_the_transaction_and_audited_apart(db: &TestDb) {
    let store = open(db);
    let add = OfficeEdit::AddService {
        id: domain::ServiceId::parse("wohnsitz").unwrap(),
        name: "Wohnsitzbescheinigung".into(),
        minutes: 10,
        requirements: vec![],
        note: None,
        leika: None,
    };
    // Two admins adding the same service at once: one wins, the other is
    // told it exists (never a generic error).
    let store = Arc::new(store);
    let s = Arc::clone(&store);
    let results = race(8, move |_| edit(&s, &add, false).map(drop));
    let added = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(added, 1, "{results:?}");
    assert!(results.iter().all(|r| matches!(
        r,
        Ok(()) | Err(StoreError::Edit(domain::EditError::ServiceExists(_)))
    )));
    let closure = date!(2026 - 12 - 24);
    edit(
        &store,
        &OfficeEdit::AddClosure {
            date: closure,
            reason: "Heiligabend".into(),
        },
        false,
    )
    .unwrap();
    edit(&store, &OfficeEdit::RemoveClosure(closure), false).unwrap();
    assert!(matches!(
        edit(&store, &OfficeEdit::RemoveClosure(closure), false),
        Err(StoreError::Edit(domain::EditError::NoClosure(_)))
    ));
    assert!(matches!(
        store.update_office(
            &office_id("rathaus"),
            &OfficeEdit::RemoveDayTicket,
            false,
            &user("admin"),
            MONDAY_10
        ),
        Err(StoreError::UnknownOffice)
    ));
    let actions: Vec<_> = store
        .audit_log(3)
        .unwrap()
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["office.closure.remove", "office.closure.add", "service.add"]
    );
}

fn staff_accounts_and_audit_log(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    assert!(
        store
            .bootstrap_admin(&user("Chefin"), "$argon2id$hash", MONDAY_10)
            .unwrap()
    );
    assert!(
        !store
            .bootstrap_admin(&user("other"), "$argon2id$hash", MONDAY_10)
            .unwrap()
    );
    let desk = store
        .create_user(
            &new_user(&user("Anna"), "$argon2id$a", Role::Desk),
            &user("chefin"),
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(
        (desk.username.as_str(), desk.role.as_str(), desk.active),
        ("anna", "desk", true)
    );
    assert!(matches!(
        store.create_user(
            &new_user(&user("ANNA"), "$argon2id$b", Role::Phone),
            &user("chefin"),
            MONDAY_10,
        ),
        Err(StoreError::UsernameTaken)
    ));
    let changed = store
        .change_user(
            &user("anna"),
            &persistence::UserChange {
                active: Some(false),
                ..Default::default()
            },
            &user("chefin"),
            MONDAY_10,
        )
        .unwrap();
    assert!(!changed.active);
    assert_eq!(store.users().unwrap().len(), 2);
    assert!(store.user(&user("nobody")).unwrap().is_none());
    assert!(matches!(
        store.change_user(
            &user("nobody"),
            &persistence::UserChange::default(),
            &user("chefin"),
            MONDAY_10
        ),
        Err(StoreError::UnknownUser)
    ));

    let by_phone = NewBooking {
        created_by: Some(user("bert")),
        ..request(TUESDAY_0830, BookingKind::Regular, Channel::Phone)
    };
    let made = store.book(&by_phone, MONDAY_10).unwrap();
    store
        .cancel(
            made.booking.id,
            CancelAuth::Staff {
                actor: &user("carla"),
                offices: &domain::OfficeScope::All,
            },
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

fn r26_a_challenge_solution_books_once_and_staff_need_none(db: &TestDb) {
    // The shipped Bürgerbüro asks for a challenge with online Tagestickets.
    let store = unverified(db);
    let eight = datetime!(2026-11-30 08:00 +01:00);
    let ticket = |minute: i64| {
        let mut t = day_ticket(datetime!(2026-11-30 08:30 +01:00) + Duration::minutes(minute));
        let email = format!("citizen{minute}@example.org");
        t.citizen = domain::Citizen::new("Erika Mustermann", Some(&email), None)
            .unwrap()
            .with_postcode(Some(domain::Postcode::parse("41564").unwrap()));
        t
    };
    assert_eq!(
        rule(store.book(&ticket(0), eight)),
        BookingError::ChallengeRequired
    );
    let solved = persistence::SolvedChallenge {
        challenge: "a1".repeat(32),
        expires_at: eight + Duration::minutes(5),
    };
    let with = |minute| NewBooking {
        challenge: Some(solved.clone()),
        contact_token: None,
        ..ticket(minute)
    };
    store.book(&with(0), eight).unwrap();
    assert_eq!(
        rule(store.book(&with(5), eight)),
        BookingError::ChallengeUsed
    );
    // Used once also for a second store (another process) on the database.
    let other = Store::open(db.url()).unwrap();
    assert_eq!(
        rule(other.book(&with(10), eight)),
        BookingError::ChallengeUsed
    );
    // Regular bookings, and staff, need none.
    store.book(&regular(TUESDAY_0830), eight).unwrap();
    let desk = NewBooking {
        channel: Channel::Desk,
        created_by: Some(user("anna")),
        ..ticket(15)
    };
    store.book(&desk, eight).unwrap();
}

fn kaarst_online(store: &Store) {
    // Only the challenge relaxed: R24 and R32 as shipped.
    let no_challenge = OfficeEdit::Settings(SettingsChange {
        challenge: Some(domain::ChallengePolicy::Off),
        ..SettingsChange::default()
    });
    store
        .update_office(&office(), &no_challenge, false, &user("admin"), MONDAY_10)
        .unwrap();
}

fn with_contact(b: NewBooking, email: Option<&str>, phone: Option<&str>) -> NewBooking {
    NewBooking {
        citizen: domain::Citizen::new("Max Mustermann", email, phone)
            .unwrap()
            .with_postcode(Some(domain::Postcode::parse("41564").unwrap())),
        ..b
    }
}

fn r24_limits_per_contact_hold_across_days_and_spellings(db: &TestDb) {
    let store = unverified(db);
    kaarst_online(&store);
    // Three future appointments for one e-mail, on different days and in
    // another case: the fourth is refused.
    for (day, email) in [
        (1, "max@example.org"),
        (2, "MAX@example.org"),
        (3, "Max@Example.org"),
    ] {
        let start = TUESDAY_0830 + Duration::days(day);
        store
            .book(&with_contact(regular(start), Some(email), None), MONDAY_10)
            .unwrap();
    }
    let fourth = with_contact(regular(TUESDAY_0830), Some("max@example.org"), None);
    assert!(matches!(
        rule(store.book(&fourth, MONDAY_10)),
        BookingError::ContactLimit { limit: 3, .. }
    ));
    // Staff may book a fourth for the same person.
    let by_phone = NewBooking {
        channel: Channel::Phone,
        created_by: Some(user("paul")),
        ..fourth
    };
    store.book(&by_phone, MONDAY_10).unwrap();
    // One Tagesticket a day per phone, however the number is written.
    let seven = datetime!(2026-11-30 07:00 +01:00);
    let first = day_ticket(datetime!(2026-11-30 08:30 +01:00));
    store
        .book(&with_contact(first, None, Some("0172 1234567")), seven)
        .unwrap();
    let again = day_ticket(datetime!(2026-11-30 08:35 +01:00));
    assert!(matches!(
        rule(store.book(
            &with_contact(again, Some("x@example.org"), Some("+49 172 1234567")),
            seven
        )),
        BookingError::ContactLimit { limit: 1, .. }
    ));
    // Cancelling returns the allowance.
    let made = store
        .booking_by_code(
            &store
                .day_appointments(&office(), date!(2026 - 11 - 30))
                .unwrap()[0]
                .code,
        )
        .unwrap();
    store
        .cancel(
            made.id,
            CancelAuth::Staff {
                actor: &user("paul"),
                offices: &domain::OfficeScope::All,
            },
            seven,
        )
        .unwrap();
    let retry = day_ticket(datetime!(2026-11-30 08:40 +01:00));
    store
        .book(&with_contact(retry, None, Some("+491721234567")), seven)
        .unwrap();
}

fn r32_online_tagestickets_for_residents(db: &TestDb) {
    let store = unverified(db);
    kaarst_online(&store);
    let seven = datetime!(2026-11-30 07:00 +01:00);
    let ticket = |minute: i64, postcode: Option<&str>| NewBooking {
        citizen: domain::Citizen::new("Eva", Some(&format!("eva{minute}@example.org")), None)
            .unwrap()
            .with_postcode(postcode.map(|p| domain::Postcode::parse(p).unwrap())),
        ..day_ticket(datetime!(2026-11-30 08:30 +01:00) + Duration::minutes(minute))
    };
    assert!(matches!(
        rule(store.book(&ticket(0, None), seven)),
        BookingError::NotResident { .. }
    ));
    assert!(matches!(
        rule(store.book(&ticket(0, Some("41460")), seven)),
        BookingError::NotResident { .. }
    ));
    let made = store.book(&ticket(0, Some("41564")), seven).unwrap();
    assert_eq!(
        made.booking.citizen.postcode().map(|p| p.as_str()),
        Some("41564")
    );
    let read = store.booking(made.booking.id).unwrap();
    assert_eq!(read.citizen.postcode(), made.booking.citizen.postcode());
    // Staff issue to anyone, from the desk's release time.
    let desk = NewBooking {
        channel: Channel::Desk,
        created_by: Some(user("anna")),
        ..ticket(5, Some("41460"))
    };
    store
        .book(&desk, datetime!(2026-11-30 08:00 +01:00))
        .unwrap();
}

fn r11_changes_that_end_tokens_raise_the_generation(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let anna = user("anna");
    let chefin = user("chefin");
    let created = store
        .create_user(
            &new_user(&anna, "$argon2id$a", Role::Desk),
            &chefin,
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(created.token_generation, 0);
    let change = |role: Option<Role>, active: Option<bool>, hash: Option<&str>| {
        let change = persistence::UserChange {
            role,
            active,
            password_hash: hash.map(str::to_owned),
            offices: None,
        };
        store
            .change_user(&anna, &change, &chefin, MONDAY_10)
            .unwrap()
            .token_generation
    };
    assert_eq!(change(None, None, Some("$argon2id$b")), 1, "new password");
    assert_eq!(change(None, Some(false), None), 2, "disabled");
    assert_eq!(change(None, Some(true), None), 3, "enabled again");
    assert_eq!(change(Some(Role::Phone), None, None), 4, "another role");
    assert_eq!(change(Some(Role::Desk), None, None), 5, "and back");
    assert_eq!(
        change(Some(Role::Desk), Some(true), None),
        5,
        "nothing changed"
    );
    let stored = store.user(&anna).unwrap().unwrap();
    assert_eq!(
        (stored.token_generation, stored.password_hash.as_str()),
        (5, "$argon2id$b")
    );
    let log = store.audit_log(1).unwrap();
    assert_eq!(log[0].detail["tokens_ended"], false);
}

fn with_key(b: NewBooking, key: &str) -> NewBooking {
    NewBooking {
        idempotency_key: Some(key.into()),
        ..b
    }
}

fn a_retried_request_gets_its_first_booking(db: &TestDb) {
    let store = open(db);
    let first = store
        .book(&with_key(regular(TUESDAY_0830), "k-1"), MONDAY_10)
        .unwrap();
    let retry = store
        .book(&with_key(regular(TUESDAY_0830), "k-1"), MONDAY_10)
        .unwrap();
    assert_eq!(retry.booking.id, first.booking.id, "no second booking");
    // The first answer was lost: the retry carries a new token, the first
    // one no longer opens the booking.
    assert_ne!(retry.token, first.token);
    assert!(
        store
            .booking_for(first.booking.id, CancelAuth::Token(&retry.token), MONDAY_10)
            .is_ok()
    );
    assert!(matches!(
        store.booking_for(first.booking.id, CancelAuth::Token(&first.token), MONDAY_10),
        Err(StoreError::UnknownBooking)
    ));
    // The same key with another request is refused, and books nothing.
    let other = with_key(regular(TUESDAY_0830 + Duration::minutes(30)), "k-1");
    assert!(matches!(
        store.book(&other, MONDAY_10),
        Err(StoreError::IdempotencyKeyReused)
    ));
    let day = store
        .day_appointments(&office(), date!(2026 - 12 - 01))
        .unwrap();
    assert_eq!(day.len(), 1);
    // After 24 hours the key is forgotten: the request books anew.
    let later = MONDAY_10 + persistence::IDEMPOTENCY_KEY_LIFETIME;
    let again = store
        .book(
            &with_key(regular(TUESDAY_0830 + Duration::days(1)), "k-1"),
            later,
        )
        .unwrap();
    assert_ne!(again.booking.id, first.booking.id);
}

fn retries_racing_with_one_key_make_one_booking(db: &TestDb) {
    let a = Arc::new(relaxed(Store::open_with_pool_size(db.url(), 8).unwrap()));
    let b = Arc::new(Store::open_with_pool_size(db.url(), 8).unwrap());
    let results = race(16, move |i| {
        let store = if i % 2 == 0 { &a } else { &b };
        store.book(&with_key(regular(TUESDAY_0830), "race"), MONDAY_10)
    });
    let ids: std::collections::BTreeSet<_> =
        results.into_iter().map(|r| r.unwrap().booking.id).collect();
    assert_eq!(ids.len(), 1, "every retry got the one booking");
}
