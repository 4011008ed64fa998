//! At the counter (R28) end to end: check-in, the call, served, no-show,
//! the queue (the public display: `display.rs`), on SQLite always and on PostgreSQL
//! with `TEST_DATABASE_URL`. The clock is frozen and moved; nothing sleeps
//! for a rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r28_a_morning_at_the_counter,
    r28_two_clerks_never_call_the_same_citizen,
    r30_statistics_of_a_simulated_morning_as_json_and_csv,
);

/// Tuesday 1 December 2026, as the morning at the counter sees it.
pub(crate) const TUESDAY_8: OffsetDateTime = datetime!(2026-12-01 08:00 +01:00);

pub(crate) fn fast_display(s: &mut api::settings::Settings) {
    s.display_poll = Duration::from_millis(20);
    s.display_heartbeat = Duration::from_millis(200);
}

fn post(
    app: &TestApp,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> reqwest::blocking::Response {
    app.request(Method::POST, path, Some(token), body)
}

/// Books `count` appointments on Tuesday from 08:30 by the desk (no
/// limits per contact), three a quarter hour; returns their ids in order.
pub(crate) fn book_tuesday(app: &TestApp, admin: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let minute = i64::try_from(i / 3).unwrap() * 15;
            let start = datetime!(2026-12-01 08:30 +01:00) + time::Duration::minutes(minute);
            let mut body = regular(start);
            body["citizen"]["name"] = json!(format!("Bürgerin Nummer {i}"));
            let made = ok_json(
                post(app, "/api/v1/staff/bookings", admin, Some(&body)),
                StatusCode::CREATED,
            );
            made["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

pub(crate) fn check_in(app: &TestApp, token: &str, id: &str) -> reqwest::blocking::Response {
    post(
        app,
        &format!("/api/v1/staff/bookings/{id}/check-in"),
        token,
        None,
    )
}

pub(crate) fn call_next(app: &TestApp, token: &str, counter: u32) -> reqwest::blocking::Response {
    post(
        app,
        "/api/v1/staff/offices/buergerbuero/queue/next",
        token,
        Some(&json!({ "counter": counter })),
    )
}

fn queue(app: &TestApp, token: &str) -> Value {
    ok_json(
        app.request(
            Method::GET,
            "/api/v1/staff/offices/buergerbuero/queue",
            Some(token),
            None,
        ),
        StatusCode::OK,
    )
}

fn r28_a_morning_at_the_counter(app: &TestApp) {
    let admin = app.admin_token();
    let desk = app.staff("dora", "desk");
    let clerk = app.staff("klara", "clerk");
    let ids = book_tuesday(app, &admin, 4);
    let (first, second, third, fourth) = (&ids[0], &ids[1], &ids[2], &ids[3]);

    // Monday: not yet the appointment's day.
    problem(
        check_in(app, &desk, first),
        StatusCode::UNPROCESSABLE_ENTITY,
        "check_in_too_early",
    );
    problem(
        call_next(app, &clerk, 1),
        StatusCode::CONFLICT,
        "queue_empty",
    );

    // Tuesday 08:00 (new tokens: they last 10 hours): the 08:45 citizen
    // arrives first, then the 08:30 one.
    app.at(TUESDAY_8);
    let admin = app.admin_token();
    let desk = app.login("dora", "dora-password-2026");
    let clerk = app.login("klara", "klara-password-2026");
    let checked = ok_json(check_in(app, &desk, fourth), StatusCode::OK);
    assert_eq!(checked["status"], "checked_in");
    assert_eq!(checked["checked_in_at"], "2026-12-01T08:00:00+01:00");
    problem(
        check_in(app, &desk, fourth),
        StatusCode::CONFLICT,
        "already_checked_in",
    );
    app.at(datetime!(2026-12-01 08:05 +01:00));
    ok_json(check_in(app, &desk, first), StatusCode::OK);
    ok_json(check_in(app, &desk, second), StatusCode::OK);
    let waiting = queue(app, &clerk);
    let order: Vec<&str> = waiting["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    // By appointment time, not by arrival.
    assert_eq!(order, [first.as_str(), second.as_str(), fourth.as_str()]);
    assert_eq!(
        waiting["waiting"][2]["checked_in_at"],
        "2026-12-01T08:00:00+01:00"
    );

    problem(
        call_next(app, &clerk, 5),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_such_counter",
    );
    problem(
        call_next(app, &clerk, 0),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_such_counter",
    );
    app.at(datetime!(2026-12-01 08:31 +01:00));
    let called = ok_json(call_next(app, &clerk, 2), StatusCode::OK);
    assert_eq!(
        (&called["id"], &called["status"], &called["counter"]),
        (&json!(first), &json!("called"), &json!(2))
    );
    let now = queue(app, &clerk);
    assert_eq!(now["serving"][0]["id"], json!(first));
    assert_eq!(now["serving"][0]["counter"], 2);
    assert_eq!(now["serving"][0]["called_by"], "klara");
    assert_eq!(now["waiting"].as_array().unwrap().len(), 2);

    // Only a called booking is done; a done one is closed for good.
    problem(
        post(
            app,
            &format!("/api/v1/staff/bookings/{second}/done"),
            &clerk,
            None,
        ),
        StatusCode::CONFLICT,
        "not_called",
    );
    app.at(datetime!(2026-12-01 08:40 +01:00));
    let served = ok_json(
        post(
            app,
            &format!("/api/v1/staff/bookings/{first}/done"),
            &clerk,
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(served["status"], "served");
    assert_eq!(served["closed_at"], "2026-12-01T08:40:00+01:00");
    problem(
        post(
            app,
            &format!("/api/v1/staff/bookings/{first}/done"),
            &clerk,
            None,
        ),
        StatusCode::CONFLICT,
        "already_served",
    );

    // The third citizen (08:30) never came: a no-show from the start plus
    // the office's 10 minutes.
    app.at(datetime!(2026-12-01 08:39 +01:00));
    problem(
        post(
            app,
            &format!("/api/v1/staff/bookings/{third}/no-show"),
            &clerk,
            None,
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_show_too_early",
    );
    app.at(datetime!(2026-12-01 08:40 +01:00));
    let gone = ok_json(
        post(
            app,
            &format!("/api/v1/staff/bookings/{third}/no-show"),
            &clerk,
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(gone["status"], "no_show");
    problem(
        check_in(app, &desk, third),
        StatusCode::CONFLICT,
        "marked_no_show",
    );
    // A checked-in citizen is no no-show.
    problem(
        post(
            app,
            &format!("/api/v1/staff/bookings/{fourth}/no-show"),
            &clerk,
            None,
        ),
        StatusCode::CONFLICT,
        "already_checked_in",
    );

    // Served and no-show bookings can no longer be cancelled or moved, by
    // staff nor by the citizen.
    for (id, code) in [(first, "already_served"), (third, "marked_no_show")] {
        let path = format!("/api/v1/staff/bookings/{id}");
        problem(
            app.request(Method::DELETE, &path, Some(&admin), None),
            StatusCode::CONFLICT,
            code,
        );
        problem(
            app.request(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(&json!({"start": "2026-12-02T10:00:00+01:00"})),
            ),
            StatusCode::CONFLICT,
            code,
        );
    }

    ok_json(call_next(app, &clerk, 1), StatusCode::OK);
    ok_json(call_next(app, &clerk, 3), StatusCode::OK);
    problem(
        call_next(app, &clerk, 4),
        StatusCode::CONFLICT,
        "queue_empty",
    );

    // Every step audited with its actor.
    let log = ok_json(
        app.request(Method::GET, "/api/v1/admin/audit", Some(&admin), None),
        StatusCode::OK,
    );
    let steps: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["booking"] == json!(first))
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("klara", "booking.served"),
        ("klara", "booking.call"),
        ("dora", "booking.check_in"),
        ("chefin", "booking.create"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(steps, expected);

    // The grace time is an office setting.
    let config = ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/offices/buergerbuero",
            Some(&admin),
            Some(&json!({"no_show_grace_minutes": 20})),
        ),
        StatusCode::OK,
    );
    assert_eq!(config["office"]["no_show_grace_minutes"], 20, "{config}");

    // R29: a clerk of the other office sees none of it.
    let password = "bea-password-2026";
    ok_json(
        post(
            app,
            "/api/v1/admin/users",
            &admin,
            Some(
                &json!({"username": "bea", "password": password, "role": "clerk", "offices": ["infobuero-bauen"]}),
            ),
        ),
        StatusCode::CREATED,
    );
    let other = app.login("bea", password);
    problem(
        check_in(app, &other, second),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        call_next(app, &other, 1),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
    problem(
        app.request(
            Method::GET,
            "/api/v1/staff/offices/buergerbuero/queue",
            Some(&other),
            None,
        ),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
}

/// 12 citizens wait; 24 clerks press "next" at once, half of them on a
/// second server process: each citizen is called exactly once, and 12
/// clerks hear that no one is waiting.
fn r28_two_clerks_never_call_the_same_citizen(app: &TestApp) {
    let admin = app.admin_token();
    let ids = book_tuesday(app, &admin, 12);
    app.at(TUESDAY_8);
    let desk = app.staff("dora", "desk");
    for id in &ids {
        ok_json(check_in(app, &desk, id), StatusCode::OK);
    }
    let other = app.second(|_| {});
    let clerks: Vec<String> = (0..4)
        .map(|i| app.staff(&format!("clerk{i}"), "clerk"))
        .collect();
    let barrier = Arc::new(Barrier::new(24));
    let answers: Vec<(StatusCode, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..24)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                let server = if i % 2 == 0 { app } else { &other };
                let token = clerks[i % 4].clone();
                s.spawn(move || {
                    barrier.wait();
                    let counter = u32::try_from(i % 4).unwrap() + 1;
                    let r = call_next(server, &token, counter);
                    (r.status(), r.json::<Value>().unwrap())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let called: Vec<&str> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, b)| b["id"].as_str().unwrap())
        .collect();
    let unique: HashSet<&str> = called.iter().copied().collect();
    assert_eq!(called.len(), 12, "{answers:?}");
    assert_eq!(unique.len(), 12, "someone was called twice: {called:?}");
    assert_eq!(
        unique,
        ids.iter().map(String::as_str).collect::<HashSet<_>>()
    );
    for (status, body) in &answers {
        if *status != StatusCode::OK {
            assert_eq!(
                (*status, body["code"].as_str()),
                (StatusCode::CONFLICT, Some("queue_empty"))
            );
        }
    }
    let q = queue(app, &desk);
    assert!(q["waiting"].as_array().unwrap().is_empty());
    assert_eq!(q["serving"].as_array().unwrap().len(), 12);
}

/// A simulated Tuesday: the Tagestickets go online from 07:00, one a minute,
/// until the contingent of 12 is gone at 07:11; regular bookings by every
/// channel; at the counter two are served, one never comes, one is
/// cancelled. The statistics say so, as JSON and as CSV.
fn r30_statistics_of_a_simulated_morning_as_json_and_csv(app: &TestApp) {
    let admin = app.admin_token();
    let phone = app.staff("paul", "phone");
    let desk_made = book_tuesday(app, &admin, 3);
    let online = ok_json(
        app.book(&regular(datetime!(2026-12-01 08:45 +01:00))),
        StatusCode::CREATED,
    );
    let by_phone = ok_json(
        post(
            app,
            "/api/v1/staff/bookings",
            &phone,
            Some(&regular(datetime!(2026-12-01 09:00 +01:00))),
        ),
        StatusCode::CREATED,
    );
    for i in 0..12 {
        app.at(datetime!(2026-12-01 07:00:20 +01:00) + time::Duration::minutes(i));
        let start = datetime!(2026-12-01 08:30 +01:00) + time::Duration::minutes(5 * i);
        ok_json(app.book(&day_ticket(start)), StatusCode::CREATED);
    }
    app.at(datetime!(2026-12-01 08:20 +01:00));
    let admin = app.admin_token();
    let clerk = app.staff("klara", "clerk");
    // The phone booking is cancelled; two desk bookings arrive and are
    // served after 5 and 15 minutes of waiting; one desk booking and the
    // online one never come.
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.request(
            Method::DELETE,
            &format!("/api/v1/staff/bookings/{}", id(&by_phone)),
            Some(&clerk),
            None
        )
        .status(),
        StatusCode::NO_CONTENT
    );
    ok_json(check_in(app, &clerk, &desk_made[0]), StatusCode::OK);
    ok_json(check_in(app, &clerk, &desk_made[1]), StatusCode::OK);
    for (minute, counter) in [(25, 1), (35, 2)] {
        app.at(datetime!(2026-12-01 08:00 +01:00) + time::Duration::minutes(minute));
        let called = ok_json(call_next(app, &clerk, counter), StatusCode::OK);
        ok_json(
            post(
                app,
                &format!("/api/v1/staff/bookings/{}/done", id(&called)),
                &clerk,
                None,
            ),
            StatusCode::OK,
        );
    }
    app.at(datetime!(2026-12-01 09:00 +01:00));
    for gone in [&desk_made[2], &id(&online)] {
        ok_json(
            post(
                app,
                &format!("/api/v1/staff/bookings/{gone}/no-show"),
                &clerk,
                None,
            ),
            StatusCode::OK,
        );
    }

    let path = "/api/v1/admin/offices/buergerbuero/statistics?from=2026-11-30&to=2026-12-01";
    let days = ok_json(
        app.request(Method::GET, path, Some(&admin), None),
        StatusCode::OK,
    );
    assert_eq!(days.as_array().unwrap().len(), 2);
    assert_eq!(days[0]["booked"]["total"], 0);
    let day = &days[1];
    assert_eq!(day["date"], "2026-12-01");
    assert_eq!(
        day["booked"],
        json!({"total": 17, "online": 13, "phone": 1, "desk": 3})
    );
    assert_eq!(
        day["cancelled"],
        json!({"total": 1, "online": 0, "phone": 1, "desk": 0})
    );
    assert_eq!(
        day["served"],
        json!({"total": 2, "online": 0, "phone": 0, "desk": 2})
    );
    assert_eq!(
        day["no_shows"],
        json!({"total": 2, "online": 1, "phone": 0, "desk": 1})
    );
    // 4 regular bookings of 15 minutes against 3 counters × 210 minutes;
    // 12 Tagestickets of 5 minutes against the held-back counter.
    assert_eq!(
        day["regular"],
        json!({"booked_minutes": 60, "capacity_minutes": 630, "ratio": 0.095})
    );
    assert_eq!(
        day["held_back"],
        json!({"booked_minutes": 60, "capacity_minutes": 210, "ratio": 0.286})
    );
    assert_eq!(day["day_tickets_issued"], 12);
    assert_eq!(day["day_ticket_contingent"], 12);
    assert_eq!(day["day_tickets_ran_out_at"], "2026-12-01T07:11:00+01:00");
    assert_eq!(day["mean_wait_minutes"], 10.0);

    let csv = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(&admin)
        .header("Accept", "text/csv")
        .send()
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("date,booked,booked_online,booked_phone,booked_desk,cancelled"));
    assert!(
        lines[2].starts_with("2026-12-01,17,13,1,3,1,0,1,0,2,0,0,2,2,1,0,1,60,630,0.095,60,210,0.286,12,12,2026-12-01T07:11:00+01:00,10"),
        "{}",
        lines[2]
    );

    problem(
        app.request(
            Method::GET,
            "/api/v1/admin/offices/buergerbuero/statistics?from=2026-12-02&to=2026-12-01",
            Some(&admin),
            None,
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_range",
    );
    problem(
        app.request(
            Method::GET,
            "/api/v1/admin/offices/buergerbuero/statistics?from=2026-12-01",
            Some(&admin),
            None,
        ),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    problem(
        app.request(Method::GET, path, Some(&clerk), None),
        StatusCode::FORBIDDEN,
        "forbidden_role",
    );
}
