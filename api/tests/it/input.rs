//! Text typed in by people, and odd bytes anywhere a request can carry them:
//! both backends answer alike, with a problem+json 4xx and never a 500
//! (PostgreSQL refuses NUL in text; SQLite would store it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r17_citizen_texts_are_refused_alike_on_both_backends,
    office_texts_are_refused_alike_on_both_backends,
    nul_bytes_in_any_part_of_a_request_never_answer_500,
    a_body_is_a_json_object_and_whole_numbers_may_carry_a_point_zero,
);

fn with_citizen(citizen: Value) -> Value {
    let mut body = regular(datetime!(2026-12-01 08:30 +01:00));
    body["citizen"] = citizen;
    body
}

fn r17_citizen_texts_are_refused_alike_on_both_backends(app: &TestApp) {
    let refused = [
        (
            json!({"name": "Eri\u{0}ka", "email": "e@x.de"}),
            "invalid_name",
        ),
        (
            json!({"name": "\u{200B}\u{200B}", "email": "e@x.de"}),
            "invalid_name",
        ),
        (
            json!({"name": " \u{FEFF} ", "email": "e@x.de"}),
            "invalid_name",
        ),
        (
            json!({"name": "Erika\nMustermann", "email": "e@x.de"}),
            "invalid_name",
        ),
        (
            json!({"name": "E".repeat(201), "email": "e@x.de"}),
            "invalid_name",
        ),
        (
            json!({"name": "Erika", "email": "<script>@x.de"}),
            "invalid_email",
        ),
        (
            json!({"name": "Erika", "email": "e\u{0}@x.de"}),
            "invalid_email",
        ),
        (
            json!({"name": "Erika", "email": "Erika <e@x.de>"}),
            "invalid_email",
        ),
        (
            json!({"name": "Erika", "email": "e@localhost"}),
            "invalid_email",
        ),
        (
            json!({"name": "Erika", "phone": "02131\u{0}9870"}),
            "invalid_phone",
        ),
        (
            json!({"name": "Erika", "email": " ", "phone": ""}),
            "contact_required",
        ),
    ];
    for (citizen, code) in refused {
        let body = problem(
            app.book(&with_citizen(citizen.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        );
        // The refused value is personal data: it is not repeated.
        if let Some(email) = citizen["email"].as_str().filter(|e| e.len() > 2) {
            assert!(!body["detail"].as_str().unwrap().contains(email), "{body}");
        }
    }
    assert_eq!(app.bookings_on(time::macros::date!(2026 - 12 - 01)), 0);

    // Every script, trimmed; an e-mail address with an umlaut in its domain.
    let made = ok_json(
        app.book(&with_citizen(
            json!({"name": "  Jürgen Öztürk-李 ", "email": "jürgen@müller.de"}),
        )),
        StatusCode::CREATED,
    );
    assert_eq!(made["citizen"]["name"], "Jürgen Öztürk-李");
    let token = made["token"].as_str().unwrap();
    let fetched = ok_json(
        app.get_with_token(
            &format!("/api/v1/bookings/{}", made["id"].as_str().unwrap()),
            token,
        ),
        StatusCode::OK,
    );
    assert_eq!(fetched["citizen"]["email"], "jürgen@müller.de");
}

fn office_texts_are_refused_alike_on_both_backends(app: &TestApp) {
    let admin = app.admin_token();
    let office = "/api/v1/admin/offices/buergerbuero";
    let refused = [
        (Method::PATCH, office.to_owned(), json!({"name": "B\u{0}B"})),
        (
            Method::PATCH,
            office.to_owned(),
            json!({"name": "\u{200B}"}),
        ),
        (
            Method::PATCH,
            office.to_owned(),
            json!({"address": "Am\u{0}Neumarkt 2"}),
        ),
        (
            Method::PATCH,
            office.to_owned(),
            json!({"address": "\u{3164}\u{200B} "}),
        ),
        (
            Method::PATCH,
            office.to_owned(),
            json!({"address": "x".repeat(301)}),
        ),
        (
            Method::POST,
            format!("{office}/services"),
            json!({"id": "heirat", "name": "Ehe\u{0}schließung", "duration_minutes": 30}),
        ),
        (
            Method::POST,
            format!("{office}/services"),
            json!({"id": "heirat", "name": "\u{200B}", "duration_minutes": 30}),
        ),
        (
            Method::PATCH,
            format!("{office}/services/anmeldung"),
            json!({"name": "An\u{0}meldung"}),
        ),
        (
            Method::PATCH,
            format!("{office}/services/anmeldung"),
            json!({"name": "An\u{202E}meldung"}),
        ),
        (
            Method::PUT,
            format!("{office}/closures/2026-12-24"),
            json!({"reason": "Heilig\u{0}abend"}),
        ),
        (
            Method::PUT,
            format!("{office}/closures/2026-12-24"),
            json!({"reason": "\u{200B}\u{200C}"}),
        ),
    ];
    for (method, path, body) in refused {
        let r = app.request(method.clone(), &path, Some(&admin), Some(&body));
        problem(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_configuration");
    }
    // Nothing of it was stored.
    let config = ok_json(
        app.request(Method::GET, office, Some(&admin), None),
        StatusCode::OK,
    );
    assert_eq!(config["name"], "Bürgerbüro");
    assert!(config["closures"].as_array().unwrap().is_empty());
    assert!(
        config["services"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != "heirat")
    );
    // Trimmed texts are taken.
    let changed = ok_json(
        app.request(
            Method::PUT,
            &format!("{office}/closures/2026-12-24"),
            Some(&admin),
            Some(&json!({"reason": "  Heiligabend "})),
        ),
        StatusCode::OK,
    );
    assert_eq!(changed["office"]["closures"][0]["reason"], "Heiligabend");
}

/// NUL (and other control bytes) wherever a request carries text: body
/// fields, path segments, query strings, headers. Each gets its 4xx.
fn nul_bytes_in_any_part_of_a_request_never_answer_500(app: &TestApp) {
    let admin = app.admin_token();
    let post = |path: &str, body: Value| app.request(Method::POST, path, None, Some(&body));
    // The login: the same answer as any wrong login.
    for body in [
        json!({"username": "a\u{0}b", "password": "x"}),
        json!({"username": "chefin", "password": "Verwaltung\u{0}-2026!"}),
        json!({"username": "chef\u{0}in", "password": ADMIN.1}),
    ] {
        problem(
            post("/api/v1/auth/token", body),
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        );
    }
    // Ids in a booking body.
    let mut office = regular(datetime!(2026-12-01 08:30 +01:00));
    office["office"] = json!("buerger\u{0}buero");
    problem(
        app.book(&office),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_office",
    );
    let mut service = regular(datetime!(2026-12-01 08:30 +01:00));
    service["services"] = json!(["anmel\u{0}dung"]);
    problem(
        app.book(&service),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_service",
    );
    let mut kind = regular(datetime!(2026-12-01 08:30 +01:00));
    kind["kind"] = json!("regular\u{0}");
    problem(app.book(&kind), StatusCode::BAD_REQUEST, "invalid_body");
    // Admin bodies.
    let users = |body: Value| {
        app.request(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(&body),
        )
    };
    problem(
        users(json!({"username": "do\u{0}ra", "password": "long enough password", "role": "desk"})),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_username",
    );
    problem(
        users(json!({"username": "dora", "password": "long enough password", "role": "desk\u{0}"})),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/admin/offices/buergerbuero/services",
            Some(&admin),
            Some(&json!({"id": "hei\u{0}rat", "name": "Heirat", "duration_minutes": 30})),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_service_id",
    );
    // A password with NUL is only ever hashed; it is a valid password.
    let created =
        users(json!({"username": "dora", "password": "lang\u{0}genug-2026", "role": "desk"}));
    assert_eq!(created.status(), StatusCode::CREATED);
    app.login("dora", "lang\u{0}genug-2026");

    // Path segments, percent-encoded.
    let staff_paths = [
        (
            Method::GET,
            "/api/v1/staff/bookings/by-code/AB3D%00EF7G",
            json!(null),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::GET,
            "/api/v1/staff/bookings/%00",
            json!(null),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::PATCH,
            "/api/v1/admin/users/do%00ra",
            json!({"active": true}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::PUT,
            "/api/v1/admin/users/do%00ra/password",
            json!({"password": "long enough password"}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::GET,
            "/api/v1/admin/offices/buerger%00buero",
            json!(null),
            StatusCode::NOT_FOUND,
            "unknown_office",
        ),
        (
            Method::PATCH,
            "/api/v1/admin/offices/buergerbuero/services/anmel%00dung",
            json!({"name": "x"}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::DELETE,
            "/api/v1/admin/offices/buergerbuero/closures/2026-12-24%00",
            json!(null),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ];
    for (method, path, body, status, code) in staff_paths {
        let body = (!body.is_null()).then_some(&body);
        problem(app.request(method, path, Some(&admin), body), status, code);
    }
    problem(
        app.get_with_token("/api/v1/bookings/%00", "x"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        app.get("/api/v1/offices/buerger%00buero/services"),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );

    // Query strings.
    for (path, status, code) in [
        (
            "/api/v1/offices/buergerbuero/slots?service=anmel%00dung",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_service",
        ),
        (
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-01%00",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&%00=1",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/offices/buergerbuero/day-tickets?service=%00",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_service",
        ),
    ] {
        problem(app.get(path), status, code);
    }
    for (path, status, code) in [
        (
            "/api/v1/admin/audit?limit=1%00",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/staff/offices/buergerbuero/appointments?date=%00",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/admin/offices/buergerbuero/day-ticket?force=%00",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ] {
        let method = if path.contains("day-ticket?") {
            Method::DELETE
        } else {
            Method::GET
        };
        problem(app.request(method, path, Some(&admin), None), status, code);
    }

    // Headers: a booking token or a bearer token with a tab or bytes that
    // are not UTF-8 (a NUL cannot be sent in a header: see protocol edges).
    let booking = ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    let url = format!(
        "{}/api/v1/bookings/{}",
        app.base,
        booking["id"].as_str().unwrap()
    );
    let odd = |value: &[u8]| reqwest::header::HeaderValue::from_bytes(value).unwrap();
    let with_token = |value: &[u8]| {
        app.client
            .get(&url)
            .header("X-Booking-Token", odd(value))
            .send()
            .unwrap()
    };
    problem(with_token(b"ab\tcd"), StatusCode::NOT_FOUND, "not_found");
    problem(
        with_token(b"\xff\xfe"),
        StatusCode::UNAUTHORIZED,
        "booking_token_required",
    );
    let bearer = |value: &[u8]| {
        app.client
            .get(format!("{}/api/v1/admin/users", app.base))
            .header("Authorization", odd(value))
            .send()
            .unwrap()
    };
    problem(
        bearer(b"Bearer ab\tcd"),
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
    problem(
        bearer(b"Bearer \xff\xfe"),
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
}

/// JSON Schema counts `5.0` as an integer, so the server reads it as 5; a
/// JSON array is never a body, though serde could read a struct from one.
fn a_body_is_a_json_object_and_whole_numbers_may_carry_a_point_zero(app: &TestApp) {
    let admin = app.admin_token();
    let path = "/api/v1/admin/offices/buergerbuero";
    let changed = ok_json(
        app.request(
            Method::PATCH,
            path,
            Some(&admin),
            Some(&json!({"counters": 5.0})),
        ),
        StatusCode::OK,
    );
    assert_eq!(changed["office"]["counters"], 5, "{changed}");
    problem(
        app.request(
            Method::PATCH,
            path,
            Some(&admin),
            Some(&json!({"counters": 5.5})),
        ),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    problem(
        app.request(
            Method::PATCH,
            path,
            Some(&admin),
            Some(&json!([null, null])),
        ),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/bookings",
            None,
            Some(&json!(["buergerbuero"])),
        ),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
}
