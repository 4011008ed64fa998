//! The citizen's data (R31, GDPR): erased a set time after the appointment
//! everywhere in the database, and on request; readable with the booking's
//! secret. On SQLite always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use persistence::test_support::{TestDb, columns_containing};
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use time::macros::datetime;

on_both_backends!(
    spawn_retaining;
    r31_retention_erases_name_email_and_phone_everywhere_and_keeps_the_figures,
);

on_both_backends!(
    TestApp::spawn;
    r31_the_citizen_reads_all_data_held_and_has_it_erased,
);

/// A server whose retention runs every 20 ms (30 days, as Kaarst).
fn spawn_retaining(db: TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.retention_poll = Duration::from_millis(20);
    })
}

fn citizen(name: &str, email: &str, phone: &str) -> Value {
    json!({"name": name, "email": email, "phone": phone})
}

fn r31_retention_erases_name_email_and_phone_everywhere_and_keeps_the_figures(app: &TestApp) {
    let admin = app.admin_token();
    let mut past = regular(datetime!(2026-12-01 08:30 +01:00));
    past["citizen"] = citizen("Zzyzx Quux", "zzyzx@example.org", "02131 999 4711");
    let mut future = regular(datetime!(2027-01-20 08:30 +01:00));
    future["citizen"] = citizen("Yvonne Ypsilon", "yvonne@example.org", "02131 888 4711");
    let book = |body: &Value| {
        ok_json(
            app.request(
                Method::POST,
                "/api/v1/staff/bookings",
                Some(&admin),
                Some(body),
            ),
            StatusCode::CREATED,
        )
    };
    let made = book(&past);
    book(&future);
    let id = made["id"].as_str().unwrap().to_owned();
    // Served on its day: steps and audit entries about it.
    app.at(datetime!(2026-12-01 08:20 +01:00));
    let admin = app.admin_token();
    let post = |path: &str, body: Option<&Value>| {
        ok_json(
            app.request(Method::POST, path, Some(&admin), body),
            StatusCode::OK,
        )
    };
    post(&format!("/api/v1/staff/bookings/{id}/check-in"), None);
    post(
        "/api/v1/staff/offices/buergerbuero/queue/next",
        Some(&json!({"counter": 1})),
    );
    post(&format!("/api/v1/staff/bookings/{id}/done"), None);
    let stats = "/api/v1/admin/offices/buergerbuero/statistics?from=2026-12-01&to=2026-12-01";
    let figures = ok_json(
        app.request(Method::GET, stats, Some(&admin), None),
        StatusCode::OK,
    );
    for needle in ["zzyzx", "9994711"] {
        assert!(!columns_containing(&app.store, needle).unwrap().is_empty());
    }

    // 29 days after the appointment: kept by a whole retention run begun
    // at that time.
    app.at(datetime!(2026-12-30 10:00 +01:00));
    app.retention_ran();
    assert!(!columns_containing(&app.store, "zzyzx").unwrap().is_empty());

    // 30 days after its end: erased by the periodic run, in every column
    // of every table; the future booking keeps its data.
    app.at(datetime!(2026-12-31 09:00 +01:00));
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .store
        .booking(id.parse().unwrap())
        .unwrap()
        .erased_at
        .is_none()
    {
        assert!(Instant::now() < deadline, "no retention run erased it");
        std::thread::sleep(Duration::from_millis(20));
    }
    for needle in ["zzyzx", "quux", "9994711"] {
        assert_eq!(
            columns_containing(&app.store, needle).unwrap(),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    assert!(
        !columns_containing(&app.store, "yvonne@example.org")
            .unwrap()
            .is_empty()
    );
    let admin = app.admin_token();
    let erased = ok_json(
        app.request(
            Method::GET,
            &format!("/api/v1/staff/bookings/{id}"),
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(erased["citizen"], json!({"name": ""}));
    assert_eq!(erased["erased_at"], "2026-12-31T09:00:00+01:00");
    assert_eq!(
        (&erased["status"], &erased["code"]),
        (&json!("served"), &made["code"])
    );
    // The figures of R30 are the same as before.
    assert_eq!(
        ok_json(
            app.request(Method::GET, stats, Some(&admin), None),
            StatusCode::OK
        ),
        figures
    );
}

fn r31_the_citizen_reads_all_data_held_and_has_it_erased(app: &TestApp) {
    let start = datetime!(2026-12-02 09:00 +01:00);
    let mut body = regular(start);
    body["citizen"]["phone"] = json!("02131 777 4711");
    let made = ok_json(app.book(&body), StatusCode::CREATED);
    let id = made["id"].as_str().unwrap();
    let token = made["token"].as_str().unwrap();
    let path = format!("/api/v1/bookings/{id}/data");

    // Art. 15: everything held, with the secret only.
    let held = ok_json(app.get_with_token(&path, token), StatusCode::OK);
    assert_eq!(
        held["booking"]["citizen"],
        json!({"name": "Erika Mustermann", "email": "erika@example.org", "phone": "+4921317774711"})
    );
    assert_eq!(held["messages"][0]["kind"], "confirmation");
    assert!(held["audit"].as_array().unwrap().is_empty());
    problem(
        app.get_with_token(&path, "not-the-token"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        app.get(&path),
        StatusCode::UNAUTHORIZED,
        "booking_token_required",
    );

    // Art. 17: a booking still to come is cancelled first, then erased.
    let r = app
        .client
        .delete(format!("{}{path}", app.base))
        .header("X-Booking-Token", token)
        .send()
        .unwrap();
    let erased = ok_json(r, StatusCode::OK);
    assert_eq!(erased["status"], "cancelled");
    assert_eq!(erased["citizen"], json!({"name": ""}));
    assert!(erased["erased_at"].is_string());
    for needle in ["erika", "7774711"] {
        assert_eq!(
            columns_containing(&app.store, needle).unwrap(),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // Its time is free again; nothing is left to send.
    ok_json(app.book(&regular(start)), StatusCode::CREATED);
    let held = ok_json(app.get_with_token(&path, token), StatusCode::OK);
    assert!(
        held["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] != "pending"),
        "{held}"
    );
    // Erasing again changes nothing.
    let again = app
        .client
        .delete(format!("{}{path}", app.base))
        .header("X-Booking-Token", token)
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
}
