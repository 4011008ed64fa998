//! Verified contacts (R33) in the store, on SQLite always and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (`cargo test -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::VerificationError;
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::MONDAY_10;
use persistence::{ClaimedCode, Store, StoreError, on_both_backends};
use std::sync::{Arc, Barrier};
use time::Duration;

on_both_backends!(
    std::convert::identity::<TestDb>;
    r33_a_code_works_once_and_its_token_proves_the_mailbox_for_two_hours,
    r33_five_wrong_codes_void_a_verification,
    r33_three_codes_per_mailbox_an_hour_however_it_is_written,
    r33_forty_concurrent_confirmations_of_one_code_give_one_token,
    i6_a_code_is_claimed_by_one_sender_and_sent_once,
    r31_r33_retention_forgets_verifications_and_tokens,
    r33_a_mailbox_holds_one_live_tagesticket_hold,
);

const LEASE: Duration = Duration::minutes(5);

/// The code of verification `id`, as the sender gets it.
fn code_of(store: &Store, id: uuid::Uuid) -> ClaimedCode {
    let claimed = store.claim_codes(MONDAY_10, LEASE, 100).unwrap();
    claimed
        .into_iter()
        .find(|c| c.id == id)
        .expect("the code is claimable")
}

fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

fn r33_a_code_works_once_and_its_token_proves_the_mailbox_for_two_hours(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let made = store
        .request_verification("Erika.Muster+x@Example.org", MONDAY_10)
        .unwrap();
    assert_eq!(made.expires_at, MONDAY_10 + Duration::minutes(15));
    let claimed = code_of(&store, made.id);
    assert_eq!(claimed.email, "Erika.Muster+x@Example.org", "as entered");
    assert_eq!(claimed.code.len(), 6);
    let token = store
        .confirm_verification(made.id, &claimed.code, MONDAY_10)
        .unwrap();
    assert_eq!(token.token.len(), 64, "256 bits");
    assert_eq!(token.expires_at, MONDAY_10 + Duration::hours(2));
    assert!(matches!(
        store.confirm_verification(made.id, &claimed.code, MONDAY_10),
        Err(StoreError::Verification(VerificationError::Expired))
    ));
    let contact = store.contact(&token.token, MONDAY_10).unwrap().unwrap();
    assert_eq!(contact.mailbox, "erika.muster@example.org", "R34");
    let later = MONDAY_10 + Duration::hours(2);
    assert_eq!(store.contact(&token.token, later).unwrap(), None, "expired");
    assert_eq!(store.contact(&"0".repeat(64), MONDAY_10).unwrap(), None);
    assert!(matches!(
        store.confirm_verification(uuid::Uuid::now_v7(), "123456", MONDAY_10),
        Err(StoreError::UnknownVerification)
    ));
}

fn r33_five_wrong_codes_void_a_verification(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let made = store
        .request_verification("erika@example.org", MONDAY_10)
        .unwrap();
    let code = code_of(&store, made.id).code;
    for left in [4, 3, 2, 1] {
        assert!(matches!(
            store.confirm_verification(made.id, &wrong(&code), MONDAY_10),
            Err(StoreError::Verification(VerificationError::Wrong { attempts_left })) if attempts_left == left
        ));
    }
    assert!(matches!(
        store.confirm_verification(made.id, "not a code", MONDAY_10),
        Err(StoreError::Verification(VerificationError::Expired))
    ));
    assert!(
        matches!(
            store.confirm_verification(made.id, &code, MONDAY_10),
            Err(StoreError::Verification(VerificationError::Expired))
        ),
        "the right code after five wrong ones"
    );
}

fn r33_three_codes_per_mailbox_an_hour_however_it_is_written(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    for email in [
        "erika@gmail.com",
        "E.R.I.K.A@googlemail.com",
        "erika+1@gmail.com",
    ] {
        store.request_verification(email, MONDAY_10).unwrap();
    }
    assert!(matches!(
        store.request_verification("erika+2@gmail.com", MONDAY_10 + Duration::minutes(1)),
        Err(StoreError::CodeLimit(3540))
    ));
    store
        .request_verification("other@gmail.com", MONDAY_10)
        .unwrap();
    store
        .request_verification("erika@gmail.com", MONDAY_10 + Duration::hours(1))
        .unwrap();
}

fn r33_forty_concurrent_confirmations_of_one_code_give_one_token(db: &TestDb) {
    let store = Arc::new(Store::open(db.url()).unwrap());
    let made = store
        .request_verification("erika@example.org", MONDAY_10)
        .unwrap();
    let code = code_of(&store, made.id).code;
    let barrier = Arc::new(Barrier::new(40));
    let handles: Vec<_> = (0..40)
        .map(|_| {
            let (store, barrier, code) = (Arc::clone(&store), Arc::clone(&barrier), code.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store.confirm_verification(made.id, &code, MONDAY_10)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let tokens = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(tokens, 1, "{results:?}");
    assert!(results.iter().all(|r| matches!(
        r,
        Ok(_) | Err(StoreError::Verification(VerificationError::Expired))
    )));
}

fn i6_a_code_is_claimed_by_one_sender_and_sent_once(db: &TestDb) {
    // Two processes with the server's secret: each opens the other's codes.
    let key: &[u8] = b"a server secret of at least 32 bytes!";
    let store = Store::open(db.url()).unwrap().with_message_key(Some(key));
    let other = Store::open(db.url()).unwrap().with_message_key(Some(key));
    let made = store
        .request_verification("erika@example.org", MONDAY_10)
        .unwrap();
    let first = store.claim_codes(MONDAY_10, LEASE, 10).unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        other.claim_codes(MONDAY_10, LEASE, 10).unwrap().is_empty(),
        "leased"
    );
    // A sender that died: after its lease another takes the code over.
    let later = MONDAY_10 + LEASE;
    let taken_over = other.claim_codes(later, LEASE, 10).unwrap();
    assert_eq!(taken_over.len(), 1);
    assert!(
        !store
            .mark_code_sent(made.id, &first[0].claim, later)
            .unwrap(),
        "lost its claim"
    );
    assert!(
        other
            .mark_code_sent(made.id, &taken_over[0].claim, later)
            .unwrap()
    );
    let much_later = later + LEASE * 2;
    assert!(
        store.claim_codes(much_later, LEASE, 10).unwrap().is_empty(),
        "sent once"
    );
}

fn r31_r33_retention_forgets_verifications_and_tokens(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let made = store
        .request_verification("erika@example.org", MONDAY_10)
        .unwrap();
    let code = code_of(&store, made.id).code;
    let token = store
        .confirm_verification(made.id, &code, MONDAY_10)
        .unwrap();
    let after = MONDAY_10 + Duration::hours(3);
    store.erase_expired(30, after).unwrap();
    assert!(matches!(
        store.confirm_verification(made.id, &code, after),
        Err(StoreError::UnknownVerification)
    ));
    assert_eq!(
        store.contact(&token.token, MONDAY_10).unwrap(),
        None,
        "gone, not only expired"
    );
}

/// R33: where Tagestickets need a verified contact, a mailbox holds one live
/// Tagesticket hold, whichever address it holds from.
fn r33_a_mailbox_holds_one_live_tagesticket_hold(db: &TestDb) {
    use domain::{BookingKind, OfficeEdit, SettingsChange, Username, VerifyContact};
    use persistence::NewHold;
    use persistence::test_support::fixtures::{office_id, services};
    let store = Store::open(db.url()).unwrap();
    let change = OfficeEdit::Settings(SettingsChange {
        verify_contact: Some(VerifyContact::DayTickets),
        challenge: Some(domain::ChallengePolicy::Off),
        ..SettingsChange::default()
    });
    let admin = Username::parse("chefin").unwrap();
    store
        .update_office(
            &office_id("buergerbuero"),
            &change,
            false,
            &admin,
            MONDAY_10,
        )
        .unwrap();
    let made = store
        .request_verification("erika@example.org", MONDAY_10)
        .unwrap();
    let code = code_of(&store, made.id).code;
    let token = store
        .confirm_verification(made.id, &code, MONDAY_10)
        .unwrap()
        .token;
    let hold = |minute: i64, client: &str, token: Option<&str>| NewHold {
        office: office_id("buergerbuero"),
        services: services(&["ausweis-abholung"]),
        start: time::macros::datetime!(2026-11-30 10:30 +01:00) + Duration::minutes(minute),
        kind: BookingKind::DayTicket,
        client: client.to_owned(),
        challenge: None,
        contact_token: token.map(str::to_owned),
        idempotency_key: None,
    };
    assert!(matches!(
        store.hold(&hold(0, "198.51.100.1", None), MONDAY_10),
        Err(StoreError::Rule(domain::BookingError::ContactUnverified))
    ));
    store
        .hold(&hold(0, "198.51.100.1", Some(&token)), MONDAY_10)
        .unwrap();
    assert!(matches!(
        store.hold(&hold(5, "203.0.113.9", Some(&token)), MONDAY_10),
        Err(StoreError::Hold(domain::HoldError::MailboxDayTicketLimit))
    ));
    // A regular hold is no Tagesticket: not limited so, and here not asked
    // for a contact at all.
    let regular = NewHold {
        kind: BookingKind::Regular,
        services: services(&["anmeldung"]),
        start: time::macros::datetime!(2026-12-01 08:30 +01:00),
        ..hold(0, "203.0.113.9", None)
    };
    store.hold(&regular, MONDAY_10).unwrap();
}
