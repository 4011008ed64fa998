//! What to bring (R21) and national service keys (R22) in the store, on
//! SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set
//! (`cargo test -- --ignored`): stored and read back, changed by admins and
//! audited, filled in for databases seeded before the texts existed, and
//! shown with every booking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{
    AuditAction, BookingKind, Channel, Leika, Office, OfficeEdit, ServiceChange, ServiceId,
    Username,
};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::{MONDAY_10, citizen, office_id, services};
use persistence::{CancelAuth, NewBooking, Store, on_both_backends};
use time::macros::datetime;

on_both_backends!(
    std::convert::identity::<TestDb>;
    r21_r22_shipped_texts_and_keys_are_stored_and_read_back,
    r21_r22_admin_changes_of_texts_and_keys_are_stored_and_audited,
    r21_a_database_seeded_before_the_texts_gets_them_by_migration,
    r21_a_booking_lists_its_services_with_todays_texts_and_its_minutes,
);

fn admin() -> Username {
    Username::parse("chefin").unwrap()
}

fn id(s: &str) -> ServiceId {
    ServiceId::parse(s).unwrap()
}

/// Every office as a new store reads it from the database (no cache).
fn stored(db: &TestDb) -> Vec<Office> {
    let store = Store::open(db.url()).unwrap();
    store
        .offices()
        .unwrap()
        .iter()
        .map(|o| (**o).clone())
        .collect()
}

fn shipped() -> Vec<Office> {
    domain::kaarst::offices().unwrap()
}

fn r21_r22_shipped_texts_and_keys_are_stored_and_read_back(db: &TestDb) {
    drop(Store::open(db.url()).unwrap());
    let offices = stored(db);
    assert_eq!(offices, shipped());
    let pass = offices[0].service(&id("personalausweis")).unwrap();
    assert!(pass.requirements.iter().any(|r| r.contains("Passfoto")));
    assert_eq!(
        pass.leika.as_ref().map(Leika::as_str),
        Some("99008001000000")
    );
}

fn r21_r22_admin_changes_of_texts_and_keys_are_stored_and_audited(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let office = office_id("buergerbuero");
    let change = ServiceChange {
        requirements: Some(vec!["Original".into(), "Zwei Kopien".into()]),
        note: Some(None),
        leika: Some(Some(Leika::parse("99014002035001").unwrap())),
        ..ServiceChange::default()
    };
    let edit = OfficeEdit::ChangeService {
        id: id("beglaubigung"),
        change,
    };
    let changed = store
        .update_office(&office, &edit, false, &admin(), MONDAY_10)
        .unwrap();
    let add = OfficeEdit::AddService {
        id: id("wohnsitz"),
        name: "Wohnsitzbescheinigung".into(),
        minutes: 10,
        requirements: vec!["Reisepass".into()],
        note: Some("Für das Ausland.".into()),
        leika: None,
    };
    let added = store
        .update_office(&office, &add, false, &admin(), MONDAY_10)
        .unwrap();

    // Read back by a store that has nothing cached: exactly what was applied.
    let offices = stored(db);
    assert_eq!(offices[0], *added.office);
    let s = offices[0].service(&id("beglaubigung")).unwrap();
    assert_eq!(s.requirements, ["Original", "Zwei Kopien"]);
    assert_eq!(s.note, None);
    assert_eq!(s.leika.as_ref().map(Leika::as_str), Some("99014002035001"));
    assert_eq!(changed.office.service(&id("beglaubigung")), Some(s));
    let new = offices[0].service(&id("wohnsitz")).unwrap();
    assert_eq!(
        (new.requirements.as_slice(), new.note.as_deref(), &new.leika),
        (
            &["Reisepass".to_owned()][..],
            Some("Für das Ausland."),
            &None
        )
    );

    // Audited: what was set, and that the note was removed (null), while
    // what the change left alone is not named.
    let log = store.audit_log(10).unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == AuditAction::ServiceChange)
        .unwrap();
    assert_eq!(entry.actor, "chefin");
    let detail = &entry.detail["edit"];
    assert_eq!(
        detail["requirements"],
        serde_json::json!(["Original", "Zwei Kopien"])
    );
    assert!(detail.get("note").is_some_and(serde_json::Value::is_null));
    assert_eq!(detail["leika"], "99014002035001");
    let entry = log
        .iter()
        .find(|e| e.action == AuditAction::ServiceAdd)
        .unwrap();
    assert_eq!(
        entry.detail["edit"]["requirements"],
        serde_json::json!(["Reisepass"])
    );
    assert_eq!(entry.detail["edit"]["note"], "Für das Ausland.");
}

/// The migration's SQL brings the same texts as `domain::kaarst`: a database
/// migrated before the texts existed is, after the migration, what a fresh
/// one is. (The texts live twice; this keeps them equal.)
fn r21_a_database_seeded_before_the_texts_gets_them_by_migration(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    store.redo_migration("_service_texts").unwrap();
    drop(store);
    assert_eq!(stored(db), shipped());
}

fn r21_a_booking_lists_its_services_with_todays_texts_and_its_minutes(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let office = office_id("buergerbuero");
    let start = datetime!(2026-12-01 08:30 +01:00);
    let made = store
        .book(
            &NewBooking {
                office: office.clone(),
                services: services(&["personalausweis", "anmeldung", "personalausweis"]),
                start,
                kind: BookingKind::Regular,
                channel: Channel::Online,
                citizen: citizen(),
                created_by: None,
                challenge: None,
                contact_token: None,
                idempotency_key: None,
            },
            MONDAY_10,
        )
        .unwrap();
    let shipped = &shipped()[0];
    let details = |b: &persistence::Booking| -> Vec<(String, u32, Option<String>)> {
        b.service_details
            .iter()
            .map(|d| (d.service.id.to_string(), d.minutes, d.service.note.clone()))
            .collect()
    };
    let note = |s: &str| shipped.service(&id(s)).unwrap().note.clone();
    let expected = vec![
        ("personalausweis".to_owned(), 20, note("personalausweis")),
        ("anmeldung".to_owned(), 15, note("anmeldung")),
        ("personalausweis".to_owned(), 20, note("personalausweis")),
    ];
    assert_eq!(details(&made.booking), expected, "as booked, in order");
    assert_eq!(made.booking.services.len(), 3);
    assert_eq!(
        made.booking.service_details[1].service,
        *shipped.service(&id("anmeldung")).unwrap()
    );

    // The office changes the Anmeldung's note and duration: the booking
    // shows the new note, and keeps the minutes it was booked with.
    let edit = OfficeEdit::ChangeService {
        id: id("anmeldung"),
        change: ServiceChange {
            minutes: Some(25),
            note: Some(Some("Neu: bitte den Mietvertrag mitbringen.".into())),
            ..ServiceChange::default()
        },
    };
    store
        .update_office(&office, &edit, false, &admin(), MONDAY_10)
        .unwrap();
    let read = store.booking(made.booking.id).unwrap();
    let mut now_expected = expected.clone();
    now_expected[1].2 = Some("Neu: bitte den Mietvertrag mitbringen.".into());
    assert_eq!(details(&read), now_expected);
    assert_eq!(read.service_details[1].service.minutes, 25);
    let day = store
        .day_appointments(&office, start.date())
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(details(&day), now_expected);
    let by_token = store
        .booking_for(made.booking.id, CancelAuth::Token(&made.token), MONDAY_10)
        .unwrap();
    assert_eq!(by_token.service_details, read.service_details);
}
