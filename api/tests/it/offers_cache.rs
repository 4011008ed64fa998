//! Issue #13: slot search answers from a cache checked against the days'
//! versions. Every change of occupancy shows at once — a booking, a
//! cancellation, a hold, its release, its expiry within the same minute,
//! and a booking through another server process — on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    a_cached_slot_search_sees_every_change_of_occupancy_at_once,
    r15_a_day_known_to_be_gone_is_bookable_again_the_moment_a_ticket_is_freed,
);

const PATH: &str =
    "/api/v1/offices/buergerbuero/slots?service=personalausweis&from=2026-12-01&to=2026-12-01";

fn starts(app: &TestApp) -> Vec<String> {
    let v = ok_json(app.get(PATH), StatusCode::OK);
    v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

fn book(app: &TestApp, start: OffsetDateTime) -> Value {
    ok_json(
        app.book(&booking(&["personalausweis"], start, "regular")),
        StatusCode::CREATED,
    )
}

fn a_cached_slot_search_sees_every_change_of_occupancy_at_once(app: &TestApp) {
    app.at(datetime!(2026-11-30 10:00:30 +01:00));
    let all = starts(app);
    assert_eq!(starts(app), all, "the same answer twice");
    let first =
        OffsetDateTime::parse(&all[0], &time::format_description::well_known::Rfc3339).unwrap();
    // Two of three counters taken: still offered; the third: gone.
    book(app, first);
    let last = book(app, first);
    assert_eq!(starts(app)[0], all[0]);
    book(app, first);
    assert_ne!(starts(app)[0], all[0], "full after the third booking");
    // A cancellation frees it at once.
    let id = last["id"].as_str().unwrap();
    let token = last["token"].as_str().unwrap();
    assert_eq!(
        app.delete_with_token(&format!("/api/v1/bookings/{id}"), token)
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(starts(app)[0], all[0], "free again after the cancellation");
    // A hold takes it, its release gives it back.
    let held = ok_json(
        app.client
            .post(format!("{}/api/v1/holds", app.base))
            .json(&json!({"office": "buergerbuero", "services": ["personalausweis"], "start": all[0]}))
            .send()
            .unwrap(),
        StatusCode::CREATED,
    );
    assert_ne!(starts(app)[0], all[0], "held");
    let hold = held["id"].as_str().unwrap();
    let r = app
        .client
        .delete(format!("{}/api/v1/holds/{hold}", app.base))
        .header("X-Hold-Token", held["token"].as_str().unwrap())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(starts(app)[0], all[0], "free again after the release");
    // A hold that runs out frees it without any write: within the minute
    // of its expiry (10:10:30), before and after.
    let held = ok_json(
        app.client
            .post(format!("{}/api/v1/holds", app.base))
            .json(&json!({"office": "buergerbuero", "services": ["personalausweis"], "start": all[0]}))
            .send()
            .unwrap(),
        StatusCode::CREATED,
    );
    assert_eq!(held["expires_at"], "2026-11-30T10:10:30+01:00");
    app.at(datetime!(2026-11-30 10:10:10 +01:00));
    assert_ne!(starts(app)[0], all[0], "still held at 10:10:10");
    app.at(datetime!(2026-11-30 10:10:40 +01:00));
    assert_eq!(starts(app)[0], all[0], "the hold ran out at 10:10:30");
    // Another server process on the same database books it full: this one
    // sees it at once.
    let other = app.second(|_| {});
    assert_eq!(starts(app)[0], all[0]);
    ok_json(
        other.book(&booking(&["personalausweis"], first, "regular")),
        StatusCode::CREATED,
    );
    assert_ne!(
        starts(app)[0],
        all[0],
        "booked full through the other process"
    );
}

/// Three attempts at a day whose Tagestickets are gone: the first is
/// refused by the store, the others by the process that remembers it
/// (`api::usecases::exhausted`).
fn refused_three_times(app: &TestApp, start: OffsetDateTime) {
    for _ in 0..3 {
        problem(
            app.book(&day_ticket(start)),
            StatusCode::CONFLICT,
            "day_tickets_exhausted",
        );
    }
}

/// R15, I2, I5: a process that knows a day's Tagestickets are gone forgets
/// it the moment one is freed: a hold that expires (no write at all), a
/// cancellation, a larger contingent. Fails if the known refusal outlives
/// any of them.
fn r15_a_day_known_to_be_gone_is_bookable_again_the_moment_a_ticket_is_freed(app: &TestApp) {
    app.at(datetime!(2026-11-30 07:00 +01:00));
    let first = datetime!(2026-11-30 08:30 +01:00);
    let tickets: Vec<Value> = (0..11)
        .map(|i| {
            ok_json(
                app.book(&day_ticket(first + time::Duration::minutes(5 * i))),
                StatusCode::CREATED,
            )
        })
        .collect();
    // The twelfth is held (I5: a hold takes one of the contingent).
    let hold = ok_json(
        app.request(
            reqwest::Method::POST,
            "/api/v1/holds",
            None,
            Some(
                &json!({"office": "buergerbuero", "services": ["ausweis-abholung"],
                "start": "2026-11-30T09:30:00+01:00", "kind": "day_ticket"}),
            ),
        ),
        StatusCode::CREATED,
    );
    refused_three_times(app, datetime!(2026-11-30 10:00 +01:00));
    // The hold runs out: its ticket is free without any write.
    let expires = OffsetDateTime::parse(
        hold["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    app.at(expires + time::Duration::seconds(1));
    ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:00 +01:00))),
        StatusCode::CREATED,
    );
    refused_three_times(app, datetime!(2026-11-30 10:05 +01:00));
    // A cancellation frees one.
    let path = format!("/api/v1/bookings/{}", tickets[0]["id"].as_str().unwrap());
    let cancelled = app.delete_with_token(&path, tickets[0]["token"].as_str().unwrap());
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:05 +01:00))),
        StatusCode::CREATED,
    );
    refused_three_times(app, datetime!(2026-11-30 10:10 +01:00));
    // The admin raises the contingent to 13.
    let admin = app.admin_token();
    let office = ok_json(
        app.request(
            reqwest::Method::GET,
            "/api/v1/admin/offices/buergerbuero",
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    let mut policy = office["day_ticket"].clone();
    policy["per_day"] = json!(13);
    ok_json(
        app.request(
            reqwest::Method::PUT,
            "/api/v1/admin/offices/buergerbuero/day-ticket",
            Some(&admin),
            Some(&policy),
        ),
        StatusCode::OK,
    );
    ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:10 +01:00))),
        StatusCode::CREATED,
    );
    refused_three_times(app, datetime!(2026-11-30 10:15 +01:00));
}
