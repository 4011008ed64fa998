//! An office's settings in the store (docs/ARCHITECTURE.md, "An office
//! setting, declared once"), on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set (`cargo test -- --ignored`): kept as one JSON
//! column, carried over from the columns they had before, read with the
//! declared default where a key is missing, and audited in the same form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{
    AuditAction, ChallengePolicy, DayTicketRelease, Office, OfficeEdit, OfficeSettings, Postcode,
    SettingsChange, TimeOfDay, Username,
};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::{MONDAY_10, office_id};
use persistence::{Store, on_both_backends};
use time::macros::time;

on_both_backends!(
    std::convert::identity::<TestDb>;
    settings_survive_their_move_from_columns_into_json,
    a_setting_missing_in_the_stored_json_reads_as_its_default,
    a_settings_change_is_audited_in_its_json_form,
);

fn admin() -> Username {
    Username::parse("chefin").unwrap()
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

/// Values unlike the defaults in every kind of setting: numbers, a time of
/// day, both enums, a list.
fn unusual() -> SettingsChange {
    SettingsChange {
        counters: Some(3),
        hold_minutes: Some(20),
        no_show_grace_minutes: Some(15),
        reminder_days_before: Some(2),
        reminder_time: Some(TimeOfDay(time!(09:15))),
        challenge: Some(ChallengePolicy::All),
        day_ticket_release: Some(DayTicketRelease::Draw),
        day_ticket_postcodes: Some(vec![
            Postcode::parse("41564").unwrap(),
            Postcode::parse("41460").unwrap(),
        ]),
        ..SettingsChange::default()
    }
}

/// The migration's SQL turns the columns into the JSON the code writes,
/// and back: reverted to columns and run again, every office reads as it
/// was.
fn settings_survive_their_move_from_columns_into_json(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let office = office_id("buergerbuero");
    store
        .update_office(
            &office,
            &OfficeEdit::Settings(unusual()),
            true,
            &admin(),
            MONDAY_10,
        )
        .unwrap();
    let mut before = stored(db);
    assert_eq!(before[0].settings.reminder_time, TimeOfDay(time!(09:15)));
    store.redo_migration("_office_settings_json").unwrap();
    drop(store);
    // A setting declared after the migration (R33's `verify_contact`) had
    // no column to go back to: it comes back with its default.
    for office in &mut before {
        office.settings.verify_contact = OfficeSettings::default().verify_contact;
    }
    assert_eq!(stored(db), before);
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

/// An office stored before a setting existed has no key for it: it reads
/// as the declared default, so a new setting needs no migration.
fn a_setting_missing_in_the_stored_json_reads_as_its_default(db: &TestDb) {
    drop(Store::open(db.url()).unwrap());
    execute(
        db,
        "UPDATE offices SET settings = '{\"counters\": 2}' WHERE id = 'buergerbuero'",
    );
    let office = stored(db)
        .into_iter()
        .find(|o| o.id.as_str() == "buergerbuero")
        .unwrap();
    assert_eq!(
        office.settings,
        OfficeSettings {
            counters: 2,
            ..OfficeSettings::default()
        }
    );
    // A key this version does not know (written by a newer one during a
    // rolling update) is left alone; a value of the wrong kind is an error.
    execute(
        db,
        "UPDATE offices SET settings = '{\"counters\": 2, \"newer\": true}' WHERE id = 'buergerbuero'",
    );
    assert_eq!(stored(db)[0].settings.counters, 2);
    execute(
        db,
        "UPDATE offices SET settings = '{\"counters\": \"two\"}' WHERE id = 'buergerbuero'",
    );
    assert!(Store::open(db.url()).and_then(|s| s.offices()).is_err());
}

/// The audit log names every setting of the change, in the JSON form of
/// the API: what was set with its value, what was kept as `null`.
fn a_settings_change_is_audited_in_its_json_form(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    store
        .update_office(
            &office_id("buergerbuero"),
            &OfficeEdit::Settings(unusual()),
            true,
            &admin(),
            MONDAY_10,
        )
        .unwrap();
    let log = store.audit_log(10).unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == AuditAction::OfficeSettings)
        .unwrap();
    let edit = &entry.detail["edit"];
    assert_eq!(edit["reminder_time"], "09:15");
    assert_eq!(edit["challenge"], "all");
    assert_eq!(edit["day_ticket_release"], "draw");
    assert_eq!(
        edit["day_ticket_postcodes"],
        serde_json::json!(["41564", "41460"])
    );
    assert_eq!(edit["no_show_grace_minutes"], 15);
    assert!(edit["grid_minutes"].is_null(), "kept: {edit}");
    assert!(edit["name"].is_null(), "kept: {edit}");
}
