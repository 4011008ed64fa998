//! The waitlist's wishes (R35) in the store, on SQLite always and on
//! PostgreSQL when `TEST_DATABASE_URL` is set (`cargo test -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{BookingError, Citizen, OfficeScope, TimesOfDay, WishError, WishStatus};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::{MONDAY_10, office_id, services};
use persistence::{NewWish, Store, StoreError, on_both_backends};
use time::Duration;
use time::macros::{date, time};

on_both_backends!(
    std::convert::identity::<TestDb>;
    r35_a_wish_needs_its_mailboxs_contact_token_and_one_lives_per_mailbox_and_office,
    r35_a_wish_window_outside_the_bookable_days_is_refused,
    r31_r35_retention_erases_the_citizen_of_ended_and_passed_wishes,
);

/// A contact token proving `email`'s mailbox at MONDAY_10.
fn token_for(store: &Store, email: &str) -> String {
    let made = store.request_verification(email, MONDAY_10).unwrap();
    let claimed = store
        .claim_codes(MONDAY_10, Duration::minutes(5), 100)
        .unwrap()
        .into_iter()
        .find(|c| c.id == made.id)
        .unwrap();
    store
        .confirm_verification(made.id, &claimed.code, MONDAY_10)
        .unwrap()
        .token
}

fn wish(office: &str, email: &str, token: Option<&str>) -> NewWish {
    NewWish {
        office: office_id(office),
        services: services(if office == "buergerbuero" {
            &["personalausweis"]
        } else {
            &["bauberatung"]
        }),
        days: (date!(2026 - 12 - 01), date!(2026 - 12 - 18)),
        weekdays: Some(vec![2, 4]),
        times: Some(TimesOfDay {
            from: time!(08:00),
            to: time!(12:00),
        }),
        citizen: Citizen::new("Erika Mustermann", Some(email), None).unwrap(),
        contact_token: token.map(str::to_owned),
    }
}

fn r35_a_wish_needs_its_mailboxs_contact_token_and_one_lives_per_mailbox_and_office(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let erika = token_for(&store, "erika@example.org");
    let max = token_for(&store, "max@example.org");
    for token in [None, Some(max.as_str()), Some("ab".repeat(32).as_str())] {
        assert!(
            matches!(
                store.create_wish(&wish("buergerbuero", "erika@example.org", token), MONDAY_10),
                Err(StoreError::Rule(BookingError::ContactUnverified))
            ),
            "{token:?}"
        );
    }
    let first = store
        .create_wish(
            &wish("buergerbuero", "Erika+Amt@Example.org", Some(&erika)),
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(first.wish.status, WishStatus::Waiting);
    assert_eq!(first.token.len(), 64);
    // R34: the same mailbox written otherwise has its one wish here …
    assert!(matches!(
        store.create_wish(
            &wish("buergerbuero", "erika@example.org", Some(&erika)),
            MONDAY_10
        ),
        Err(StoreError::WishLimit)
    ));
    // … and may have one at another office.
    store
        .create_wish(
            &wish("infobuero-bauen", "erika@example.org", Some(&erika)),
            MONDAY_10,
        )
        .unwrap();
    let later = MONDAY_10 + Duration::minutes(1);
    let second = store
        .create_wish(&wish("buergerbuero", "max@example.org", Some(&max)), later)
        .unwrap();
    // Read back as stored, with its own token only.
    let read = store.wish(first.wish.id, &first.token).unwrap();
    assert_eq!(read, first.wish);
    assert_eq!(
        read.citizen.as_ref().and_then(Citizen::email),
        Some("Erika+Amt@Example.org"),
        "as entered"
    );
    assert!(matches!(
        store.wish(first.wish.id, &second.token),
        Err(StoreError::UnknownWish)
    ));
    // Staff see the office's live wishes, oldest first; another office's
    // staff see none of them.
    let buergerbuero = office_id("buergerbuero");
    let listed = store
        .office_wishes(&buergerbuero, &OfficeScope::All)
        .unwrap();
    assert_eq!(
        listed.iter().map(|w| w.id).collect::<Vec<_>>(),
        [first.wish.id, second.wish.id]
    );
    let bauen_only = OfficeScope::Only([office_id("infobuero-bauen")].into());
    assert!(matches!(
        store.office_wishes(&buergerbuero, &bauen_only),
        Err(StoreError::UnknownOffice)
    ));
    // Withdrawn (twice is no error), it leaves the list and frees the
    // mailbox for a new wish.
    let withdrawn = store
        .withdraw_wish(first.wish.id, &first.token, later)
        .unwrap();
    assert_eq!(withdrawn.status, WishStatus::Withdrawn);
    assert_eq!(
        store
            .withdraw_wish(first.wish.id, &first.token, later)
            .unwrap()
            .status,
        WishStatus::Withdrawn
    );
    assert!(matches!(
        store.withdraw_wish(first.wish.id, &second.token, later),
        Err(StoreError::UnknownWish)
    ));
    let listed = store
        .office_wishes(&buergerbuero, &OfficeScope::All)
        .unwrap();
    assert_eq!(
        listed.iter().map(|w| w.id).collect::<Vec<_>>(),
        [second.wish.id]
    );
    store
        .create_wish(
            &wish("buergerbuero", "erika@example.org", Some(&erika)),
            later,
        )
        .unwrap();
}

fn r35_a_wish_window_outside_the_bookable_days_is_refused(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let erika = token_for(&store, "erika@example.org");
    let mut today = wish("buergerbuero", "erika@example.org", Some(&erika));
    today.days = (date!(2026 - 11 - 30), date!(2026 - 12 - 04));
    assert!(matches!(
        store.create_wish(&today, MONDAY_10),
        Err(StoreError::Wish(WishError::OutsideBookableDays { .. }))
    ));
    let mut sunday = wish("buergerbuero", "erika@example.org", Some(&erika));
    sunday.weekdays = Some(vec![7]);
    assert!(matches!(
        store.create_wish(&sunday, MONDAY_10),
        Err(StoreError::Wish(WishError::InvalidWeekdays))
    ));
    let mut unknown = wish("buergerbuero", "erika@example.org", Some(&erika));
    unknown.services = services(&["bauberatung"]);
    assert!(matches!(
        store.create_wish(&unknown, MONDAY_10),
        Err(StoreError::Rule(BookingError::UnknownService { .. }))
    ));
    // Nothing was stored: the mailbox may still make its wish.
    store
        .create_wish(
            &wish("buergerbuero", "erika@example.org", Some(&erika)),
            MONDAY_10,
        )
        .unwrap();
}

/// R31, R35: the retention run erases the citizen of a wish that ended
/// before its cutoff, and ends and erases a live one whose last day lies
/// before it; a live wish in range keeps its citizen.
fn r31_r35_retention_erases_the_citizen_of_ended_and_passed_wishes(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let erika = token_for(&store, "erika@example.org");
    let max = token_for(&store, "max@example.org");
    let withdrawn = store
        .create_wish(
            &wish("buergerbuero", "erika@example.org", Some(&erika)),
            MONDAY_10,
        )
        .unwrap();
    store
        .withdraw_wish(withdrawn.wish.id, &withdrawn.token, MONDAY_10)
        .unwrap();
    let waiting = store
        .create_wish(
            &wish("buergerbuero", "max@example.org", Some(&max)),
            MONDAY_10,
        )
        .unwrap();
    // 30 days of retention, 31 days on: the withdrawn one goes; the
    // waiting one's range (to 18 December) has not passed the cutoff.
    let later = MONDAY_10 + Duration::days(31);
    store.erase_expired(30, later).unwrap();
    let erased = store.wish(withdrawn.wish.id, &withdrawn.token).unwrap();
    assert_eq!(erased.citizen, None);
    assert_eq!(erased.status, WishStatus::Withdrawn);
    assert_eq!(
        erased.services, withdrawn.wish.services,
        "kept for statistics"
    );
    let kept = store.wish(waiting.wish.id, &waiting.token).unwrap();
    assert_eq!(kept.citizen, waiting.wish.citizen);
    assert_eq!(kept.status, WishStatus::Waiting);
    // Once the cutoff is past its last day, it ends and is erased.
    let much_later = MONDAY_10 + Duration::days(50);
    store.erase_expired(30, much_later).unwrap();
    let ended = store.wish(waiting.wish.id, &waiting.token).unwrap();
    assert_eq!(ended.citizen, None);
    assert_eq!(ended.status, WishStatus::Ended);
}
