//! Fair to citizens, closed to bots (R24, R26, R32) over a real socket, on
//! both backends, with the shipped Kaarst configuration.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::Value;
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn_kaarst;
    r26_a_tagesticket_online_needs_a_solved_challenge_used_once,
    r26_staff_and_regular_bookings_need_no_challenge,
);

/// Monday 30 November 2026, 07:30: Tagestickets are released online.
const MONDAY_0730: time::OffsetDateTime = datetime!(2026-11-30 07:30 +01:00);

fn solved(app: &TestApp) -> String {
    let c: api::challenge::ChallengeDto = {
        let v: Value = ok_json(app.get("/api/v1/challenge"), StatusCode::OK);
        assert_eq!(v["algorithm"], "SHA-256");
        assert!(v["salt"].as_str().unwrap().contains("?expires="));
        api::challenge::ChallengeDto {
            algorithm: "SHA-256",
            challenge: v["challenge"].as_str().unwrap().into(),
            maxnumber: v["maxnumber"].as_u64().unwrap(),
            salt: v["salt"].as_str().unwrap().into(),
            signature: v["signature"].as_str().unwrap().into(),
        }
    };
    api::challenge::solve(&c).expect("solvable")
}

fn ticket(minute: i64, postcode: &str) -> Value {
    let _ = postcode; // R32 (postcodes) follows.
    day_ticket(datetime!(2026-11-30 08:30 +01:00) + time::Duration::minutes(minute))
}

fn book_with(app: &TestApp, body: &Value, altcha: Option<&str>) -> Response {
    let mut r = app
        .client
        .post(format!("{}/api/v1/bookings", app.base))
        .json(body);
    if let Some(a) = altcha {
        r = r.header("X-Altcha", a);
    }
    r.send().unwrap()
}

fn r26_a_tagesticket_online_needs_a_solved_challenge_used_once(app: &TestApp) {
    app.at(MONDAY_0730);
    problem(
        book_with(app, &ticket(0, "41564"), None),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_required",
    );
    problem(
        book_with(app, &ticket(0, "41564"), Some("bm90IGEgc29sdXRpb24=")),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
    let solution = solved(app);
    ok_json(
        book_with(app, &ticket(0, "41564"), Some(&solution)),
        StatusCode::CREATED,
    );
    problem(
        book_with(app, &ticket(5, "41564"), Some(&solution)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
    // A solution expires after 5 minutes.
    let late = solved(app);
    app.at(MONDAY_0730 + time::Duration::minutes(5));
    problem(
        book_with(app, &ticket(10, "41564"), Some(&late)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
}

fn r26_staff_and_regular_bookings_need_no_challenge(app: &TestApp) {
    app.at(MONDAY_0730);
    ok_json(
        book_with(app, &regular(datetime!(2026-12-01 08:30 +01:00)), None),
        StatusCode::CREATED,
    );
    app.at(datetime!(2026-11-30 08:00 +01:00));
    let desk = app.staff("anna", "desk");
    let r = app.request(
        reqwest::Method::POST,
        "/api/v1/staff/bookings",
        Some(&desk),
        Some(&ticket(0, "40210")),
    );
    ok_json(r, StatusCode::CREATED);
}
