//! Staff per office (R29, what "their office" in R18 means) end to end, on
//! SQLite always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r29_staff_act_only_on_their_offices_bookings,
    r29_admin_sets_and_changes_offices_and_it_is_audited,
);

/// Creates `username` with `role` and `offices` (`Value::Null` leaves the
/// list out) and returns its token.
fn staff_of(app: &TestApp, username: &str, role: &str, offices: Value) -> String {
    let password = format!("{username}-password-2026");
    let mut body = json!({"username": username, "password": password, "role": role});
    if !offices.is_null() {
        body["offices"] = offices;
    }
    let r = app.request(
        Method::POST,
        "/api/v1/admin/users",
        Some(&app.admin_token()),
        Some(&body),
    );
    ok_json(r, StatusCode::CREATED);
    app.login(username, &password)
}

fn r29_staff_act_only_on_their_offices_bookings(app: &TestApp) {
    let made = ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    let id = made["id"].as_str().unwrap();
    let code = made["code"].as_str().unwrap();
    let path = format!("/api/v1/staff/bookings/{id}");
    let by_code = format!("/api/v1/staff/bookings/by-code/{code}");
    let day = "/api/v1/staff/offices/buergerbuero/appointments?date=2026-12-01";
    let bauen_desk = staff_of(app, "bernd", "desk", json!(["infobuero-bauen"]));
    let bauen_clerk = staff_of(app, "bea", "clerk", json!(["infobuero-bauen"]));
    let everywhere = staff_of(app, "dora", "desk", Value::Null);
    let bauen_admin = staff_of(app, "chef2", "admin", json!(["infobuero-bauen"]));

    for token in [&bauen_desk, &bauen_clerk] {
        // Another office's booking is as unknown as one that does not exist.
        for (method, p) in [
            (Method::GET, &path),
            (Method::GET, &by_code),
            (Method::DELETE, &path),
        ] {
            problem(
                app.request(method, p, Some(token), None),
                StatusCode::NOT_FOUND,
                "not_found",
            );
        }
        problem(
            app.request(Method::GET, day, Some(token), None),
            StatusCode::NOT_FOUND,
            "unknown_office",
        );
        ok_json(
            app.request(
                Method::GET,
                "/api/v1/staff/offices/infobuero-bauen/appointments?date=2026-12-01",
                Some(token),
                None,
            ),
            StatusCode::OK,
        );
    }
    problem(
        app.request(
            Method::PATCH,
            &path,
            Some(&bauen_desk),
            Some(&json!({"start": "2026-12-01T09:00:00+01:00"})),
        ),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/staff/bookings",
            Some(&bauen_desk),
            Some(&regular(datetime!(2026-12-01 09:30 +01:00))),
        ),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
    problem(
        app.request(
            Method::GET,
            "/api/v1/staff/offices/buergerbuero/day-tickets?service=ausweis-abholung",
            Some(&bauen_desk),
            None,
        ),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
    // Its own office's work goes on.
    let bauen = json!({
        "office": "infobuero-bauen",
        "services": ["bauberatung"],
        "start": "2026-12-01T09:00:00+01:00",
        "kind": "regular",
        "citizen": {"name": "Erika Mustermann", "email": "erika@example.org"}
    });
    let own = ok_json(
        app.request(
            Method::POST,
            "/api/v1/staff/bookings",
            Some(&bauen_desk),
            Some(&bauen),
        ),
        StatusCode::CREATED,
    );
    ok_json(
        app.request(
            Method::GET,
            &format!("/api/v1/staff/bookings/{}", own["id"].as_str().unwrap()),
            Some(&bauen_clerk),
            None,
        ),
        StatusCode::OK,
    );
    // A user created without a list, and an admin whatever its list says,
    // act on every office; the booking was untouched by the refusals.
    for token in [&everywhere, &bauen_admin] {
        let found = ok_json(
            app.request(Method::GET, &path, Some(token), None),
            StatusCode::OK,
        );
        assert_eq!(found["status"], "confirmed");
        ok_json(
            app.request(Method::GET, day, Some(token), None),
            StatusCode::OK,
        );
    }
    assert_eq!(
        app.request(Method::DELETE, &path, Some(&everywhere), None)
            .status(),
        StatusCode::NO_CONTENT
    );
}

fn r29_admin_sets_and_changes_offices_and_it_is_audited(app: &TestApp) {
    let admin = app.admin_token();
    let dora = staff_of(app, "dora", "desk", Value::Null);
    let made = ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    let path = format!("/api/v1/staff/bookings/{}", made["id"].as_str().unwrap());
    let users = ok_json(
        app.request(Method::GET, "/api/v1/admin/users", Some(&admin), None),
        StatusCode::OK,
    );
    let dora_row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "dora")
        .unwrap();
    assert_eq!(dora_row["offices"], Value::Null, "all offices");

    let change = |offices: Value| {
        app.request(
            Method::PATCH,
            "/api/v1/admin/users/dora",
            Some(&admin),
            Some(&json!({ "offices": offices })),
        )
    };
    let narrowed = ok_json(change(json!(["infobuero-bauen"])), StatusCode::OK);
    assert_eq!(narrowed["offices"], json!(["infobuero-bauen"]));
    // At once, with the same token.
    problem(
        app.request(Method::GET, &path, Some(&dora), None),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Leaving `offices` out changes nothing; `null` is every office again.
    let same = ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/users/dora",
            Some(&admin),
            Some(&json!({"active": true})),
        ),
        StatusCode::OK,
    );
    assert_eq!(same["offices"], json!(["infobuero-bauen"]));
    let widened = ok_json(change(Value::Null), StatusCode::OK);
    assert_eq!(widened["offices"], Value::Null);
    ok_json(
        app.request(Method::GET, &path, Some(&dora), None),
        StatusCode::OK,
    );

    problem(
        change(json!([])),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_offices",
    );
    problem(
        change(json!(["rathaus"])),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_office",
    );
    problem(
        change(json!(["Not A Slug"])),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_office",
    );
    let r = app.request(
        Method::POST,
        "/api/v1/admin/users",
        Some(&admin),
        Some(&json!({"username": "eve", "password": "eve-password-2026", "role": "clerk", "offices": []})),
    );
    problem(r, StatusCode::UNPROCESSABLE_ENTITY, "no_offices");

    let log = ok_json(
        app.request(Method::GET, "/api/v1/admin/audit", Some(&admin), None),
        StatusCode::OK,
    );
    let changes: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.change")
        .collect();
    assert_eq!(changes[0]["detail"]["offices"], "all");
    assert_eq!(changes[2]["detail"]["offices"], "infobuero-bauen");
}
