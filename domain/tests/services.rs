//! What to bring (R21) and national service keys (R22): the admin's edits of
//! a service's texts and key, the rules those texts obey, and finding a
//! service by its key.
#![allow(clippy::unwrap_used)]

use domain::test_support::buergerbuero;
use domain::{
    ConfigError, EditError, Leika, MAX_REQUIREMENTS, Office, OfficeEdit, ServiceChange, ServiceId,
    TextError,
};

fn id(s: &str) -> ServiceId {
    ServiceId::parse(s).unwrap()
}

fn key(s: &str) -> Leika {
    Leika::parse(s).unwrap()
}

fn change(service: &str, change: ServiceChange) -> OfficeEdit {
    OfficeEdit::ChangeService {
        id: id(service),
        change,
    }
}

fn service<'a>(office: &'a Office, service: &str) -> &'a domain::Service {
    office.service(&id(service)).unwrap()
}

fn refused(office: &Office, edit: &OfficeEdit) -> ConfigError {
    match office.apply(edit) {
        Err(EditError::Invalid(e)) => e,
        other => panic!("{edit:?} was not refused as invalid: {other:?}"),
    }
}

#[test]
fn r21_an_admin_sets_replaces_and_clears_what_to_bring_and_the_note() {
    let office = buergerbuero();
    let set = office
        .apply(&change(
            "beglaubigung",
            ServiceChange {
                requirements: Some(vec![" Original ".into(), "Kopien".into()]),
                note: Some(Some("  Nur für Behörden. ".into())),
                ..ServiceChange::default()
            },
        ))
        .unwrap();
    let s = service(&set, "beglaubigung");
    assert_eq!(s.requirements, ["Original", "Kopien"], "trimmed, in order");
    assert_eq!(s.note.as_deref(), Some("Nur für Behörden."));
    assert_eq!(s.leika, service(&office, "beglaubigung").leika, "kept");

    // Left out: kept. `Some(None)` and an empty list: removed.
    let renamed = set
        .apply(&change(
            "beglaubigung",
            ServiceChange {
                name: Some("Beglaubigungen".into()),
                ..ServiceChange::default()
            },
        ))
        .unwrap();
    assert_eq!(service(&renamed, "beglaubigung").requirements.len(), 2);
    let cleared = renamed
        .apply(&change(
            "beglaubigung",
            ServiceChange {
                requirements: Some(vec![]),
                note: Some(None),
                ..ServiceChange::default()
            },
        ))
        .unwrap();
    let s = service(&cleared, "beglaubigung");
    assert!(s.requirements.is_empty() && s.note.is_none());

    // A new service brings its texts along.
    let added = office
        .apply(&OfficeEdit::AddService {
            id: id("wohnsitzbescheinigung"),
            name: "Wohnsitzbescheinigung".into(),
            minutes: 10,
            requirements: vec!["Personalausweis".into()],
            note: Some("Für Behörden im Ausland.".into()),
            leika: None,
        })
        .unwrap();
    let s = service(&added, "wohnsitzbescheinigung");
    assert_eq!(s.requirements, ["Personalausweis"]);
    assert_eq!(s.note.as_deref(), Some("Für Behörden im Ausland."));
}

#[test]
fn r21_texts_to_bring_follow_the_text_rules() {
    let office = buergerbuero();
    let bring = |list: Vec<String>| {
        change(
            "anmeldung",
            ServiceChange {
                requirements: Some(list),
                ..ServiceChange::default()
            },
        )
    };
    let note = |text: &str| {
        change(
            "anmeldung",
            ServiceChange {
                note: Some(Some(text.into())),
                ..ServiceChange::default()
            },
        )
    };
    assert_eq!(
        refused(&office, &bring(vec!["Ausweis".into(), "Pass\nfoto".into()])),
        ConfigError::Text("requirements", TextError::Control)
    );
    assert_eq!(
        refused(&office, &bring(vec!["\u{200B}".into()])),
        ConfigError::Text("requirements", TextError::NothingVisible)
    );
    assert_eq!(
        refused(&office, &bring(vec!["x".repeat(301)])),
        ConfigError::Text("requirements", TextError::TooLong(300))
    );
    assert!(office.apply(&bring(vec!["x".repeat(300)])).is_ok());
    let many = vec!["Ausweis".to_owned(); MAX_REQUIREMENTS + 1];
    assert_eq!(
        refused(&office, &bring(many)),
        ConfigError::Requirements(id("anmeldung"))
    );
    assert!(
        office
            .apply(&bring(vec!["Ausweis".into(); MAX_REQUIREMENTS]))
            .is_ok()
    );
    assert_eq!(
        refused(&office, &note("Bitte\u{0}kommen")),
        ConfigError::Text("note", TextError::Control)
    );
    assert_eq!(
        refused(&office, &note("  ")),
        ConfigError::Text("note", TextError::NothingVisible)
    );
    assert_eq!(
        refused(&office, &note(&"ä".repeat(1001))),
        ConfigError::Text("note", TextError::TooLong(1000))
    );
    assert!(office.apply(&note(&"ä".repeat(1000))).is_ok());
    // The refusals are messages an admin can act on.
    let message = EditError::Invalid(ConfigError::Requirements(id("anmeldung"))).to_string();
    assert!(message.contains("at most 20 things to bring"), "{message}");

    // A stored configuration is checked too (`Office::validate`).
    let mut stored = office.clone();
    stored.services[0].requirements.push(" ".into());
    assert_eq!(
        stored.validate(),
        Err(ConfigError::Text("requirements", TextError::NothingVisible))
    );
}

#[test]
fn r22_a_key_is_set_and_removed_and_finds_its_bookable_services() {
    let office = buergerbuero();
    let pass = key("99085001000000");
    let found = |o: &Office, k: &Leika| -> Vec<String> {
        o.bookable_services(Some(k))
            .map(|s| s.id.to_string())
            .collect()
    };
    assert_eq!(found(&office, &pass), ["reisepass"]);
    assert!(found(&office, &key("99999999999999")).is_empty());
    assert_eq!(
        office.bookable_services(None).count(),
        office.services.len()
    );

    let keyed = office
        .apply(&change(
            "kinderreisepass",
            ServiceChange {
                leika: Some(Some(pass.clone())),
                ..ServiceChange::default()
            },
        ))
        .unwrap();
    // Two services may share a key: a portal asking by it gets both.
    assert_eq!(found(&keyed, &pass), ["reisepass", "kinderreisepass"]);

    let unkeyed = keyed
        .apply(&change(
            "reisepass",
            ServiceChange {
                leika: Some(None),
                ..ServiceChange::default()
            },
        ))
        .unwrap();
    assert_eq!(service(&unkeyed, "reisepass").leika, None);
    assert_eq!(found(&unkeyed, &pass), ["kinderreisepass"]);

    // A retired service is not offered, whatever its key.
    let retired = unkeyed
        .apply(&OfficeEdit::RetireService(id("kinderreisepass")))
        .unwrap();
    assert!(found(&retired, &pass).is_empty());
}
