//! One mailbox, one contact (R34) in the store, on SQLite always and on
//! PostgreSQL when `TEST_DATABASE_URL` is set (`cargo test -- --ignored`):
//! the limits per contact (R24) count a mailbox however it is written, and
//! the migration gives bookings stored before R34 their mailbox key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{BookingError, BookingKind, Channel, Citizen};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::{MONDAY_10, office_id, services};
use persistence::{NewBooking, Store, StoreError, on_both_backends};
use time::Duration;
use time::macros::datetime;

on_both_backends!(
    std::convert::identity::<TestDb>;
    r34_a_mailbox_written_four_ways_holds_three_bookings,
    r34_the_migration_gives_stored_bookings_their_mailbox_key,
);

fn booking(day: i64, email: &str) -> NewBooking {
    NewBooking {
        office: office_id("buergerbuero"),
        services: services(&["anmeldung"]),
        start: datetime!(2026-12-01 08:30 +01:00) + Duration::days(day),
        kind: BookingKind::Regular,
        channel: Channel::Online,
        citizen: Citizen::new("Erika Mustermann", Some(email), None).unwrap(),
        created_by: None,
        challenge: None,
        contact_token: None,
        idempotency_key: None,
    }
}

/// R24 with R34 (Kaarst: 3 future bookings per contact online).
fn r34_a_mailbox_written_four_ways_holds_three_bookings(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    for (day, email) in [
        (0, "erika.muster@gmail.com"),
        (1, "E.R.I.K.A.Muster+termin@googlemail.com"),
        (2, "erikamuster+2@gmail.com"),
    ] {
        store.book(&booking(day, email), MONDAY_10).unwrap();
    }
    let fourth = store.book(&booking(3, "\"erika.muster+4\"@gmail.com"), MONDAY_10);
    assert!(
        matches!(
            fourth,
            Err(StoreError::Rule(BookingError::ContactLimit {
                limit: 3,
                ..
            }))
        ),
        "{fourth:?}"
    );
    // Another mailbox is another contact.
    store
        .book(&booking(3, "erika.muster@example.org"), MONDAY_10)
        .unwrap();
}

fn execute(db: &TestDb, sql: &str) {
    use diesel::{Connection, RunQueryDsl};
    match db.url().strip_prefix("sqlite://") {
        Some(path) => diesel::sql_query(sql)
            .execute(&mut diesel::SqliteConnection::establish(path).unwrap())
            .unwrap(),
        None => diesel::sql_query(sql)
            .execute(&mut diesel::PgConnection::establish(db.url()).unwrap())
            .unwrap(),
    };
}

/// Bookings stored before R34 kept the key of R24 (lower case, unquoted):
/// after the migration they count for their mailbox, so the limit holds
/// across the upgrade.
fn r34_the_migration_gives_stored_bookings_their_mailbox_key(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    for day in 0..3 {
        store
            .book(&booking(day, "erika.muster@example.org"), MONDAY_10)
            .unwrap();
    }
    // As R24 stored them: with their subaddresses and Gmail's dots.
    execute(
        db,
        "UPDATE bookings SET contact_email = 'erika.muster+' || CAST(length(id) AS TEXT) || '@example.org'",
    );
    drop(store);
    let store = Store::open(db.url()).unwrap();
    assert!(
        store
            .book(&booking(3, "erika.muster@example.org"), MONDAY_10)
            .is_ok(),
        "before the migration the old keys are other contacts"
    );
    store.redo_migration("_mailbox_keys").unwrap();
    let fifth = store.book(&booking(4, "Erika.Muster@Example.org"), MONDAY_10);
    assert!(
        matches!(
            fifth,
            Err(StoreError::Rule(BookingError::ContactLimit {
                limit: 3,
                ..
            }))
        ),
        "{fifth:?}"
    );
}
