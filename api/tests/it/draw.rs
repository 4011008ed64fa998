//! R27: the Tagesticket draw over a real socket, on both backends: requests
//! in the hour before the release, the draw at the release exactly once
//! with two server processes on one database, its winners, and the same
//! winners again from the stored seed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use domain::{DrawEntry, RequestWindow, Selection};
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use time::macros::{datetime, time};
use time::{OffsetDateTime, Time};

on_both_backends!(
    TestApp::spawn;
    r27_two_hundred_requests_for_twelve_tickets_make_twelve_winners_once_and_again_from_the_seed,
    r27_requests_only_in_the_hour_before_the_release_one_per_contact,
    r27_r31_retention_erases_the_requests_of_the_draw_too,
);

const MONDAY_0630: OffsetDateTime = datetime!(2026-11-30 06:30 +01:00);
const MONDAY_0700: OffsetDateTime = datetime!(2026-11-30 07:00 +01:00);

fn office() -> domain::OfficeId {
    persistence::test_support::fixtures::office_id("buergerbuero")
}

/// The Bürgerbüro switched to the draw by an admin.
fn drawing(app: &TestApp) {
    let r = app.request(
        reqwest::Method::PATCH,
        "/api/v1/admin/offices/buergerbuero",
        Some(&app.admin_token()),
        Some(&json!({"day_ticket_release": "draw"})),
    );
    let body = ok_json(r, StatusCode::OK);
    assert_eq!(body["office"]["day_ticket_release"], "draw");
}

fn file(app: &TestApp, body: &Value) -> Response {
    app.client
        .post(format!(
            "{}/api/v1/offices/buergerbuero/day-tickets/requests",
            app.base
        ))
        .json(body)
        .send()
        .unwrap()
}

fn look(app: &TestApp, id: &str, token: &str) -> Response {
    app.client
        .get(format!("{}/api/v1/day-tickets/requests/{id}", app.base))
        .header("X-Request-Token", token)
        .send()
        .unwrap()
}

/// Request `n`'s window: none, early, late, or one too narrow to matter.
fn window(n: usize) -> Option<(Time, Time)> {
    match n % 4 {
        0 => None,
        1 => Some((time!(08:00), time!(09:00))),
        2 => Some((time!(10:00), time!(12:00))),
        _ => Some((time!(11:30), time!(11:35))),
    }
}

fn request(n: usize) -> Value {
    let mut body = json!({
        "services": ["ausweis-abholung"],
        "citizen": {"name": format!("Bürgerin {n}"), "email": format!("buergerin{n}@example.org")},
    });
    if let Some((from, to)) = window(n) {
        body["window"] = json!({
            "from": format!("{:02}:{:02}", from.hour(), from.minute()),
            "to": format!("{:02}:{:02}", to.hour(), to.minute()),
        });
    }
    body
}

fn r27_two_hundred_requests_for_twelve_tickets_make_twelve_winners_once_and_again_from_the_seed(
    app: &TestApp,
) {
    app.at(MONDAY_0630);
    drawing(app);
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(status["release"], "draw");
    assert_eq!(status["requests_from"], "2026-11-30T06:00:00+01:00");
    assert_eq!(status["available"], false);

    // 200 requests, each with a contact of its own.
    let mut filed: Vec<(String, String)> = Vec::new();
    for n in 0..200 {
        let r = file(app, &request(n));
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let body = ok_json(r, StatusCode::ACCEPTED);
        assert_eq!(body["status"], "pending");
        assert_eq!(
            location,
            format!(
                "/api/v1/day-tickets/requests/{}",
                body["id"].as_str().unwrap()
            )
        );
        filed.push((
            body["id"].as_str().unwrap().to_owned(),
            body["token"].as_str().unwrap().to_owned(),
        ));
    }
    // Before the release nothing is drawn, and no Tagesticket is first come.
    let pending = ok_json(look(app, &filed[0].0, &filed[0].1), StatusCode::OK);
    assert_eq!(pending["status"], "pending");
    problem(
        app.book(&day_ticket(datetime!(2026-11-30 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day_ticket_not_released",
    );

    // 07:00: two server processes on the one database; every request is
    // looked at through one of them, from two threads at once, so both
    // race to run the draw.
    app.at(MONDAY_0700);
    let second = app.second(|_| {});
    let answers: Vec<(usize, Value)> = std::thread::scope(|s| {
        let halves = [(app, 0usize), (&second, 1usize)];
        let handles: Vec<_> = halves
            .iter()
            .map(|&(server, half)| {
                let filed = &filed;
                s.spawn(move || {
                    filed
                        .iter()
                        .enumerate()
                        .filter(|(n, _)| n % 2 == half)
                        .map(|(n, (id, token))| {
                            (n, ok_json(look(server, id, token), StatusCode::OK))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let won: Vec<&(usize, Value)> = answers
        .iter()
        .filter(|(_, a)| a["status"] == "won")
        .collect();
    assert_eq!(
        answers
            .iter()
            .filter(|(_, a)| a["status"] == "pending")
            .count(),
        0
    );
    assert_eq!(won.len(), 12, "exactly the contingent");
    let mut emails = HashSet::new();
    let mut starts: HashMap<String, OffsetDateTime> = HashMap::new();
    for (n, answer) in &won {
        let booking = &answer["booking"];
        assert_eq!(booking["kind"], "day_ticket");
        assert_eq!(booking["channel"], "online");
        assert!(emails.insert(booking["citizen"]["email"].as_str().unwrap().to_owned()));
        let start = OffsetDateTime::parse(
            booking["start"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        if let Some((from, to)) = window(*n) {
            let t = domain::Berlin::local(start).time();
            assert!(from <= t && t <= to, "request {n}: {t} outside {from}–{to}");
        }
        // The booking's token: in this first answer, and it works.
        let token = answer["booking_token"].as_str().expect("the token, once");
        let id = booking["id"].as_str().unwrap();
        ok_json(
            app.get_with_token(&format!("/api/v1/bookings/{id}"), token),
            StatusCode::OK,
        );
        starts.insert(filed[*n].0.clone(), start);
    }
    // The token is given once: a second look shows the booking without it.
    let (n, _) = won[0];
    let again = ok_json(look(&second, &filed[*n].0, &filed[*n].1), StatusCode::OK);
    assert_eq!(again["status"], "won");
    assert!(again.get("booking_token").is_none());
    assert!(again["booking"]["code"].is_string());
    // Exactly one draw, 12 Tagestickets stored, and what is left is first
    // come: nothing.
    let day = MONDAY_0700.date();
    let record = app
        .store
        .draw_record(&office(), day)
        .unwrap()
        .expect("drawn");
    assert_eq!((record.requests, record.winners), (200, 12));
    assert_eq!(app.bookings_on(day), 12);
    problem(
        app.book(&day_ticket(datetime!(2026-11-30 12:00 +01:00))),
        StatusCode::CONFLICT,
        "day_tickets_exhausted",
    );

    // The same winners at the same starts again from the stored seed.
    let config = app.store.office(&office()).unwrap();
    let selection = Selection::new(
        &config,
        &domain::test_support::service_ids(&["ausweis-abholung"]),
    )
    .unwrap();
    let windows: Vec<Option<RequestWindow>> = (0..200)
        .map(|n| window(n).map(|(f, t)| RequestWindow::new(f, t).unwrap()))
        .collect();
    let entries: Vec<DrawEntry<'_>> = filed
        .iter()
        .zip(&windows)
        .map(|((id, _), window)| DrawEntry {
            id,
            selection: &selection,
            window: *window,
        })
        .collect();
    let replay = domain::run_draw(
        &config,
        record.drawn_at,
        &record.seed,
        &entries,
        &domain::Occupancy::new(),
    );
    let replayed: HashMap<String, OffsetDateTime> = filed
        .iter()
        .zip(replay)
        .filter_map(|((id, _), slot)| slot.map(|s| (id.clone(), s.start)))
        .collect();
    assert_eq!(replayed, starts);
}

fn r27_requests_only_in_the_hour_before_the_release_one_per_contact(app: &TestApp) {
    app.at(datetime!(2026-11-30 06:00 +01:00) - time::Duration::seconds(1));
    problem(
        file(app, &request(0)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "draw_not_used",
    );
    drawing(app);
    let closed = problem(
        file(app, &request(0)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "draw_closed",
    );
    assert!(
        closed["detail"]
            .as_str()
            .unwrap()
            .contains("06:00 to 07:00")
    );
    app.at(MONDAY_0630);
    let mut bad = request(0);
    bad["window"] = json!({"from": "11:00", "to": "10:00"});
    problem(
        file(app, &bad),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_window",
    );
    bad["window"] = json!({"from": "25:00", "to": "26:00"});
    problem(file(app, &bad), StatusCode::BAD_REQUEST, "invalid_body");
    let mut nobody = request(0);
    nobody["citizen"] = json!({"name": "Ohne Kontakt"});
    problem(
        file(app, &nobody),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_required",
    );
    let mut unknown = request(0);
    unknown["services"] = json!(["hundesteuer"]);
    problem(
        file(app, &unknown),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_service",
    );

    // One per contact: the same e-mail in other letters, the same phone
    // written otherwise.
    let first = ok_json(file(app, &request(0)), StatusCode::ACCEPTED);
    let mut shouted = request(1);
    shouted["citizen"]["email"] = json!("BUERGERIN0@Example.org");
    problem(
        file(app, &shouted),
        StatusCode::CONFLICT,
        "already_requested",
    );
    let mut phone = request(2);
    phone["citizen"] = json!({"name": "Anruferin", "phone": "0172 1234567"});
    ok_json(file(app, &phone), StatusCode::ACCEPTED);
    phone["citizen"] = json!({"name": "Anruferin", "phone": "+49 172 1234567"});
    problem(file(app, &phone), StatusCode::CONFLICT, "already_requested");

    // The request's token is its key.
    let id = first["id"].as_str().unwrap();
    problem(
        app.get(&format!("/api/v1/day-tickets/requests/{id}")),
        StatusCode::UNAUTHORIZED,
        "request_token_required",
    );
    problem(
        look(app, id, "not-the-token"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        look(app, "no-uuid", "x"),
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // From the release on, no more requests; the draw has run.
    app.at(MONDAY_0700);
    problem(
        file(app, &request(3)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "draw_closed",
    );
    let drawn = ok_json(
        look(app, id, first["token"].as_str().unwrap()),
        StatusCode::OK,
    );
    assert_eq!(drawn["status"], "won");
    // Two requests, 12 tickets: the other 10 are first come.
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(status["remaining"], 10);
    assert_eq!(status["available"], true);
}

fn r27_r31_retention_erases_the_requests_of_the_draw_too(app: &TestApp) {
    app.at(MONDAY_0630);
    drawing(app);
    let mut winner = request(0);
    winner["citizen"] =
        json!({"name": "Wilma Gewinnerin", "email": "wilma@example.org", "phone": "0172 7654321"});
    let won = ok_json(file(app, &winner), StatusCode::ACCEPTED);
    // A window in which the office is closed: this one loses.
    let mut loser = request(1);
    loser["citizen"] = json!({"name": "Lutz Verlierer", "email": "lutz@example.org"});
    loser["window"] = json!({"from": "05:00", "to": "05:30"});
    let lost = ok_json(file(app, &loser), StatusCode::ACCEPTED);
    app.at(MONDAY_0700);
    let answer = ok_json(
        look(
            app,
            won["id"].as_str().unwrap(),
            won["token"].as_str().unwrap(),
        ),
        StatusCode::OK,
    );
    assert_eq!(answer["status"], "won");
    let answer = ok_json(
        look(
            app,
            lost["id"].as_str().unwrap(),
            lost["token"].as_str().unwrap(),
        ),
        StatusCode::OK,
    );
    assert_eq!(answer["status"], "lost");
    // 31 days later the retention run (R31) leaves no trace of either.
    let later = MONDAY_0700 + time::Duration::days(31);
    app.store.erase_expired(30, later).unwrap();
    for needle in [
        "Wilma",
        "wilma@example.org",
        "+491727654321",
        "Lutz",
        "lutz@example.org",
    ] {
        let found = persistence::test_support::columns_containing(&app.store, needle).unwrap();
        assert!(found.is_empty(), "{needle} still in {found:?}");
    }
}
