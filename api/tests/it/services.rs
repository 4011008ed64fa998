//! What to bring (R21) and national service keys (R22) end to end: the
//! service list and its `?leika=` filter, `service_details` on every answer
//! that shows a booking, and the admin's edits, on SQLite always and on
//! PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r21_r22_the_service_list_says_what_to_bring_and_finds_by_key,
    r21_every_answer_with_a_booking_lists_its_services_with_what_to_bring,
    r21_r22_admins_set_and_remove_texts_and_keys_bad_ones_change_nothing,
);

const SERVICES: &str = "/api/v1/offices/buergerbuero/services";
const ADMIN_SERVICES: &str = "/api/v1/admin/offices/buergerbuero/services";

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

fn service<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list}"))
}

fn r21_r22_the_service_list_says_what_to_bring_and_finds_by_key(app: &TestApp) {
    let list = ok_json(app.get(SERVICES), StatusCode::OK);
    for s in list.as_array().unwrap() {
        assert!(!s["requirements"].as_array().unwrap().is_empty(), "{s}");
        assert!(s["note"].is_string(), "{s}");
        assert!(s["leika"].is_string() || s["leika"].is_null(), "{s}");
    }
    let ausweis = service(&list, "personalausweis");
    assert_eq!(ausweis["leika"], "99008001000000");
    let bring = ausweis["requirements"].to_string();
    assert!(bring.contains("biometrisches Passfoto"), "{bring}");
    assert!(
        bring.contains("37,00 EUR; unter 24 Jahren 22,80 EUR"),
        "{bring}"
    );
    let anmeldung = service(&list, "anmeldung")["requirements"].to_string();
    assert!(anmeldung.contains("Wohnungsgeberbestätigung"));
    assert_eq!(service(&list, "ausweis-abholung")["leika"], Value::Null);

    // A portal finds our service by its national key.
    let by_key = |office: &str, key: &str| {
        ok_json(
            app.get(&format!("/api/v1/offices/{office}/services?leika={key}")),
            StatusCode::OK,
        )
    };
    assert_eq!(
        ids(&by_key("buergerbuero", "99115005000000")),
        ["anmeldung"]
    );
    assert_eq!(
        ids(&by_key("buergerbuero", "%2099049001000000%20")),
        ["fuehrungszeugnis"],
        "spaces around are ignored"
    );
    assert_eq!(
        ids(&by_key("infobuero-bauen", "99012008000000")),
        ["bauberatung"]
    );
    assert!(ids(&by_key("infobuero-bauen", "99008001000000")).is_empty());
    assert!(ids(&by_key("buergerbuero", "99999999999999")).is_empty());
    for bad in ["123", "", "9900800100000x", "990080010000000", "%00"] {
        problem(
            app.get(&format!("{SERVICES}?leika={bad}")),
            StatusCode::BAD_REQUEST,
            "invalid_leika",
        );
    }
    problem(
        app.get(&format!("{SERVICES}?key=99008001000000")),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    problem(
        app.get("/api/v1/offices/rathaus/services?leika=99008001000000"),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
}

/// The service details of a booking object: `[(id, minutes, note)]`.
fn details(booking: &Value) -> Vec<(String, u64, Value)> {
    booking["service_details"]
        .as_array()
        .unwrap_or_else(|| panic!("no service_details in {booking}"))
        .iter()
        .map(|d| {
            assert!(
                d["requirements"].is_array() && d.get("leika").is_some(),
                "{d}"
            );
            (
                d["id"].as_str().unwrap().to_owned(),
                d["duration_minutes"].as_u64().unwrap(),
                d["note"].clone(),
            )
        })
        .collect()
}

fn r21_every_answer_with_a_booking_lists_its_services_with_what_to_bring(app: &TestApp) {
    let start = datetime!(2026-12-01 08:30 +01:00);
    let made = ok_json(
        app.book(&booking(
            &["reisepass", "anmeldung", "reisepass"],
            start,
            "regular",
        )),
        StatusCode::CREATED,
    );
    assert_eq!(
        made["services"],
        json!(["reisepass", "anmeldung", "reisepass"]),
        "unchanged"
    );
    let list = ok_json(app.get(SERVICES), StatusCode::OK);
    let note = |id: &str| service(&list, id)["note"].clone();
    let shipped = vec![
        ("reisepass".to_owned(), 20, note("reisepass")),
        ("anmeldung".to_owned(), 15, note("anmeldung")),
        ("reisepass".to_owned(), 20, note("reisepass")),
    ];
    assert_eq!(details(&made), shipped);
    assert_eq!(made["service_details"][0], *service(&list, "reisepass"));

    // The office changes the Anmeldung's note and its duration: bookings
    // show the new note and keep their minutes.
    let admin = app.admin_token();
    let new_note = "Bitte auch den Mietvertrag mitbringen.";
    ok_json(
        app.request(
            Method::PATCH,
            &format!("{ADMIN_SERVICES}/anmeldung"),
            Some(&admin),
            Some(&json!({"note": new_note, "duration_minutes": 20})),
        ),
        StatusCode::OK,
    );
    let mut now = shipped.clone();
    now[1].2 = json!(new_note);

    let id = made["id"].as_str().unwrap();
    let token = made["token"].as_str().unwrap();
    let citizen = ok_json(
        app.get_with_token(&format!("/api/v1/bookings/{id}"), token),
        StatusCode::OK,
    );
    assert_eq!(details(&citizen), now);
    let staff = app.staff("dora", "desk");
    let by_id = app.request(
        Method::GET,
        &format!("/api/v1/staff/bookings/{id}"),
        Some(&staff),
        None,
    );
    assert_eq!(details(&ok_json(by_id, StatusCode::OK)), now);
    let code = made["code"].as_str().unwrap();
    let by_code = app.request(
        Method::GET,
        &format!("/api/v1/staff/bookings/by-code/{code}"),
        Some(&staff),
        None,
    );
    assert_eq!(details(&ok_json(by_code, StatusCode::OK)), now);
    let day = app.request(
        Method::GET,
        "/api/v1/staff/offices/buergerbuero/appointments?date=2026-12-01",
        Some(&staff),
        None,
    );
    let day = ok_json(day, StatusCode::OK);
    assert_eq!(details(&day[0]), now);

    // A staff booking answers with them too.
    let phone = app.staff("paul", "phone");
    let by_phone = app.request(
        Method::POST,
        "/api/v1/staff/bookings",
        Some(&phone),
        Some(&booking(&["fuehrungszeugnis"], start, "regular")),
    );
    let by_phone = ok_json(by_phone, StatusCode::CREATED);
    let d = &by_phone["service_details"][0];
    assert_eq!(d["leika"], "99049001000000");
    assert!(d["requirements"].to_string().contains("13,00 EUR"));

    // And a change that would strand the booking lists it with them.
    let closed = app.request(
        Method::PUT,
        "/api/v1/admin/offices/buergerbuero/closures/2026-12-01",
        Some(&admin),
        Some(&json!({"reason": "Betriebsausflug"})),
    );
    let refused = problem(closed, StatusCode::CONFLICT, "would_orphan_bookings");
    let stranded = &refused["affected_bookings"];
    assert!(
        stranded
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["booking"]["id"] == id && details(&o["booking"]) == now),
        "{stranded}"
    );
}

fn r21_r22_admins_set_and_remove_texts_and_keys_bad_ones_change_nothing(app: &TestApp) {
    let admin = app.admin_token();
    let patch = |service: &str, body: Value| {
        app.request(
            Method::PATCH,
            &format!("{ADMIN_SERVICES}/{service}"),
            Some(&admin),
            Some(&body),
        )
    };
    let config = || {
        ok_json(
            app.request(
                Method::GET,
                "/api/v1/admin/offices/buergerbuero",
                Some(&admin),
                None,
            ),
            StatusCode::OK,
        )
    };
    let before = config();

    // Refused, each with a code an admin tool can show; nothing changes.
    for (body, status, code) in [
        (
            json!({"leika": "99-008-001"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_leika",
        ),
        (
            json!({"requirements": ["Ausweis", "Pass\nfoto"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_configuration",
        ),
        (
            json!({"requirements": vec!["Ausweis"; 21]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_configuration",
        ),
        (
            json!({"requirements": ["x".repeat(301)]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_configuration",
        ),
        (
            json!({"note": "Bitte\u{0}kommen"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_configuration",
        ),
        (
            json!({"note": "ä".repeat(1001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_configuration",
        ),
        (
            json!({"requirements": "Ausweis"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"leika": 99008001000000_u64}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ] {
        problem(patch("beglaubigung", body.clone()), status, code);
    }
    problem(
        app.request(
            Method::POST,
            ADMIN_SERVICES,
            Some(&admin),
            Some(
                &json!({"id": "wohnsitz", "name": "Wohnsitz", "duration_minutes": 10,
                         "leika": "1234"}),
            ),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_leika",
    );
    assert_eq!(config(), before, "a refused change changes nothing");

    // Set: the list, the note, the key; then remove the note and the key.
    let changed = ok_json(
        patch(
            "beglaubigung",
            json!({"requirements": [" Original ", "Kopien"], "note": "Nur für Behörden.",
                   "leika": "99014002035001"}),
        ),
        StatusCode::OK,
    );
    let s = service(&changed["office"]["services"], "beglaubigung");
    assert_eq!(s["requirements"], json!(["Original", "Kopien"]));
    assert_eq!(s["note"], "Nur für Behörden.");
    assert_eq!(s["leika"], "99014002035001");
    let listed = ok_json(app.get(SERVICES), StatusCode::OK);
    assert_eq!(
        service(&listed, "beglaubigung")["requirements"],
        s["requirements"]
    );
    let found = ok_json(
        app.get(&format!("{SERVICES}?leika=99014002035001")),
        StatusCode::OK,
    );
    assert_eq!(ids(&found), ["beglaubigung"]);

    let kept = ok_json(
        patch("beglaubigung", json!({"name": "Beglaubigungen"})),
        StatusCode::OK,
    );
    let s = service(&kept["office"]["services"], "beglaubigung");
    assert_eq!(s["note"], "Nur für Behörden.", "left out: kept");
    let removed = ok_json(
        patch(
            "beglaubigung",
            json!({"note": null, "leika": null, "requirements": []}),
        ),
        StatusCode::OK,
    );
    let s = service(&removed["office"]["services"], "beglaubigung");
    assert_eq!(
        (&s["note"], &s["leika"], &s["requirements"]),
        (&Value::Null, &Value::Null, &json!([]))
    );

    // A new service with its texts.
    let added = ok_json(
        app.request(
            Method::POST,
            ADMIN_SERVICES,
            Some(&admin),
            Some(&json!({"id": "wohnsitz", "name": "Wohnsitzbescheinigung",
                         "duration_minutes": 10, "requirements": ["Reisepass"],
                         "leika": "99115003000000"})),
        ),
        StatusCode::OK,
    );
    let s = service(&added["office"]["services"], "wohnsitz");
    assert_eq!(
        (&s["requirements"], &s["note"], &s["leika"]),
        (
            &json!(["Reisepass"]),
            &Value::Null,
            &json!("99115003000000")
        )
    );
    // Two services with one key: both are found.
    let found = ok_json(
        app.get(&format!("{SERVICES}?leika=99115003000000")),
        StatusCode::OK,
    );
    assert_eq!(ids(&found), ["meldebescheinigung", "wohnsitz"]);

    // Audited with what was set and removed.
    let log = ok_json(
        app.request(Method::GET, "/api/v1/admin/audit", Some(&admin), None),
        StatusCode::OK,
    );
    let changes: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "service.change")
        .collect();
    assert!(
        changes
            .iter()
            .any(|e| e["detail"]["edit"]["leika"] == "99014002035001"),
        "{log}"
    );
    assert!(changes.iter().any(|e| {
        let edit = &e["detail"]["edit"];
        edit.get("note").is_some_and(Value::is_null) && edit["requirements"] == json!([])
    }));
}
