//! The citizens' API end to end: a real server on a random port, a real
//! database (SQLite always; PostgreSQL with `TEST_DATABASE_URL` and
//! `--ignored`), the clock frozen and moved by the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use api::Application;
use api::settings::Settings;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::sync::{Arc, Barrier};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    api_json_is_nosniff_and_swagger_ui_has_a_csp,
    r1_r2_offices_and_their_services,
    r3_r9_earliest_for_two_services_then_book_fetch_cancel,
    r4_r17_booking_keeps_services_code_and_token,
    r5_opening_windows_and_thursday_afternoon,
    r6_holidays_take_no_appointments,
    r7_r10_one_pool_across_requests_and_counters,
    r8_lead_and_horizon,
    r12_r13_day_ticket_online_opens_at_0700,
    r12_r13_no_day_tickets_on_saturday,
    r14_day_ticket_time_not_in_the_past,
    r15_r16_contingent_used_up_and_returned,
    r18_cancelling_frees_the_slot_at_once,
    dst_week_of_march_books_in_summer_time,
    errors_are_problem_json_and_change_nothing,
    i1_40_requests_race_for_one_slot,
    every_405_names_the_methods_of_its_path,
    head_answers_every_get_route_like_get_without_a_body,
    errors_outside_the_handlers_are_problem_json_too,
);

fn r1_r2_offices_and_their_services(app: &TestApp) {
    let offices = ok_json(app.get("/api/v1/offices"), StatusCode::OK);
    let ids: Vec<&str> = offices
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["buergerbuero", "infobuero-bauen"]);
    let services = ok_json(
        app.get("/api/v1/offices/buergerbuero/services"),
        StatusCode::OK,
    );
    assert_eq!(services.as_array().unwrap().len(), 9);
    let anmeldung = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "anmeldung")
        .unwrap();
    assert_eq!(anmeldung["name"], "Anmeldung/Ummeldung");
    assert_eq!(anmeldung["duration_minutes"], 15);
    let bauen = ok_json(
        app.get("/api/v1/offices/infobuero-bauen/services"),
        StatusCode::OK,
    );
    assert_eq!(bauen[0]["id"], "bauberatung");
    problem(
        app.get("/api/v1/offices/rathaus/services"),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
}

fn r3_r9_earliest_for_two_services_then_book_fetch_cancel(app: &TestApp) {
    let offer = ok_json(
        app.get("/api/v1/offices/buergerbuero/slots?service=personalausweis&service=anmeldung"),
        StatusCode::OK,
    );
    assert_eq!(offer["duration_minutes"], 35);
    let earliest = &offer["earliest"];
    assert_eq!(earliest["start"], "2026-12-01T08:30:00+01:00");
    assert_eq!(earliest["end"], "2026-12-01T09:05:00+01:00");
    assert_eq!(offer["slots"][0], *earliest);
    // The default range: 14 days from the first bookable day.
    let last = offer["slots"].as_array().unwrap().last().unwrap().clone();
    assert!(
        last["start"].as_str().unwrap().starts_with("2026-12-14"),
        "{last}"
    );

    let body = json!({
        "office": "buergerbuero",
        "services": ["personalausweis", "anmeldung"],
        "start": earliest["start"],
        "citizen": {"name": "Erika Mustermann", "phone": "02131 987-0"}
    });
    let made = ok_json(app.book(&body), StatusCode::CREATED);
    assert_eq!(made["kind"], "regular");
    assert_eq!(made["channel"], "online");
    assert_eq!(made["status"], "confirmed");
    assert_eq!(made["end"], "2026-12-01T09:05:00+01:00");
    let id = made["id"].as_str().unwrap();
    let token = made["token"].as_str().unwrap();
    let path = format!("/api/v1/bookings/{id}");

    let fetched = ok_json(app.get_with_token(&path, token), StatusCode::OK);
    assert_eq!(fetched["code"], made["code"]);
    assert!(
        fetched.get("token").is_none(),
        "the token is shown only once"
    );
    problem(
        app.get(&path),
        StatusCode::UNAUTHORIZED,
        "booking_token_required",
    );
    problem(
        app.get_with_token(&path, "0000"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        app.delete_with_token(&path, "0000"),
        StatusCode::NOT_FOUND,
        "not_found",
    );

    assert_eq!(
        app.delete_with_token(&path, token).status(),
        StatusCode::NO_CONTENT
    );
    let cancelled = ok_json(app.get_with_token(&path, token), StatusCode::OK);
    assert_eq!(cancelled["status"], "cancelled");
    problem(
        app.delete_with_token(&path, token),
        StatusCode::CONFLICT,
        "already_cancelled",
    );
}

fn r4_r17_booking_keeps_services_code_and_token(app: &TestApp) {
    let start = datetime!(2026-12-01 08:30 +01:00);
    let made = ok_json(
        app.book(&booking(
            &["reisepass", "reisepass", "beglaubigung"],
            start,
            "regular",
        )),
        StatusCode::CREATED,
    );
    assert_eq!(
        made["services"],
        json!(["reisepass", "reisepass", "beglaubigung"])
    );
    assert_eq!(made["end"], "2026-12-01T09:20:00+01:00");
    // As stored (one INSERT for all services): read back in the order chosen.
    let stored = ok_json(
        app.get_with_token(
            &format!("/api/v1/bookings/{}", made["id"].as_str().unwrap()),
            made["token"].as_str().unwrap(),
        ),
        StatusCode::OK,
    );
    assert_eq!(stored["services"], made["services"]);
    assert_eq!(stored["end"], made["end"]);
    let code = made["code"].as_str().unwrap();
    assert!(
        code.len() >= 6 && !code.contains(['0', 'O', '1', 'I']),
        "{code}"
    );
    assert!(made["token"].as_str().unwrap().len() >= 32);
    assert_eq!(made["citizen"]["name"], "Erika Mustermann");
    // Too many of one service, too long in all, or no contact: refused.
    problem(
        app.book(&booking(&["reisepass"; 6], start, "regular")),
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_of_service",
    );
    problem(
        app.book(&booking(&["reisepass"; 5], start, "regular")),
        StatusCode::UNPROCESSABLE_ENTITY,
        "appointment_too_long",
    );
    let mut anonymous = regular(start);
    anonymous["citizen"] = json!({"name": "Erika"});
    problem(
        app.book(&anonymous),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_required",
    );
}

fn r5_opening_windows_and_thursday_afternoon(app: &TestApp) {
    // Thursday 3 December 2026 has an afternoon window, Tuesday has not.
    ok_json(
        app.book(&regular(datetime!(2026-12-03 14:00 +01:00))),
        StatusCode::CREATED,
    );
    ok_json(
        app.book(&regular(datetime!(2026-12-03 17:45 +01:00))),
        StatusCode::CREATED,
    );
    for start in [
        datetime!(2026-12-03 17:50 +01:00),
        datetime!(2026-12-03 12:00 +01:00),
        datetime!(2026-12-01 11:50 +01:00),
        datetime!(2026-12-01 14:00 +01:00),
        datetime!(2026-12-06 10:00 +01:00),
    ] {
        problem(
            app.book(&regular(start)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside_opening_hours",
        );
    }
    problem(
        app.book(&regular(datetime!(2026-12-01 08:31 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "off_grid",
    );
    let thursday = ok_json(
        app.get(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-03&to=2026-12-03",
        ),
        StatusCode::OK,
    );
    let starts: Vec<&str> = thursday["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert!(starts.contains(&"2026-12-03T14:00:00+01:00"));
    assert!(starts.contains(&"2026-12-03T17:45:00+01:00"));
    assert!(!starts.contains(&"2026-12-03T17:50:00+01:00"));
    assert!(
        !starts
            .iter()
            .any(|s| s.contains("T12:") || s.contains("T13:"))
    );
}

fn r6_holidays_take_no_appointments(app: &TestApp) {
    // Christmas Day 2026 is a Friday; Christmas Eve is a working Thursday.
    let body = problem(
        app.book(&regular(datetime!(2026-12-25 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "holiday",
    );
    assert!(body["detail"].as_str().unwrap().contains("2026-12-25"));
    let offer = ok_json(
        app.get(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-24&to=2026-12-27",
        ),
        StatusCode::OK,
    );
    let days: std::collections::BTreeSet<&str> = offer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["start"].as_str().unwrap()[..10])
        .collect();
    assert_eq!(days.into_iter().collect::<Vec<_>>(), ["2026-12-24"]);
}

fn r7_r10_one_pool_across_requests_and_counters(app: &TestApp) {
    let start = datetime!(2026-12-01 08:30 +01:00);
    for _ in 0..3 {
        ok_json(app.book(&regular(start)), StatusCode::CREATED);
    }
    problem(
        app.book(&regular(start)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    // The search no longer offers it: gone for every channel at once.
    let offer = ok_json(
        app.get(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-01&to=2026-12-01",
        ),
        StatusCode::OK,
    );
    assert_eq!(offer["earliest"]["start"], "2026-12-01T08:45:00+01:00");
    // The Infobüro Bauen has one counter.
    let mut bauen = booking(&["bauberatung"], start, "regular");
    bauen["office"] = json!("infobuero-bauen");
    ok_json(app.book(&bauen), StatusCode::CREATED);
    problem(app.book(&bauen), StatusCode::CONFLICT, "slot_taken");
}

fn r8_lead_and_horizon(app: &TestApp) {
    problem(
        app.book(&regular(datetime!(2026-11-30 11:00 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "before_lead_time",
    );
    // 56 days from Monday 30 November: Monday 25 January 2027 is the last day.
    ok_json(
        app.book(&regular(datetime!(2027-01-25 08:30 +01:00))),
        StatusCode::CREATED,
    );
    problem(
        app.book(&regular(datetime!(2027-01-26 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "beyond_horizon",
    );
    problem(
        app.book(&regular(datetime!(2026-11-27 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "in_past",
    );
    // One request may span the whole horizon; beyond it nothing is offered.
    let all = ok_json(
        app.get(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-11-01&to=2027-12-31",
        ),
        StatusCode::OK,
    );
    let slots = all["slots"].as_array().unwrap();
    assert_eq!(slots[0]["start"], "2026-12-01T08:30:00+01:00");
    assert!(
        slots.last().unwrap()["start"]
            .as_str()
            .unwrap()
            .starts_with("2027-01-25")
    );
}

fn r12_r13_day_ticket_online_opens_at_0700(app: &TestApp) {
    app.at(datetime!(2026-11-30 06:59 +01:00));
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(status["available"], false);
    assert_eq!(status["remaining"], 12);
    assert_eq!(status["online_from"], "2026-11-30T07:00:00+01:00");
    assert_eq!(status["desk_from"], "2026-11-30T08:00:00+01:00");
    let ticket = day_ticket(datetime!(2026-11-30 08:30 +01:00));
    problem(
        app.book(&ticket),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day_ticket_not_released",
    );
    app.at(datetime!(2026-11-30 07:00 +01:00));
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets?service=ausweis-abholung"),
        StatusCode::OK,
    );
    assert_eq!(status["available"], true);
    assert_eq!(status["slots"][0]["start"], "2026-11-30T08:30:00+01:00");
    let made = ok_json(app.book(&ticket), StatusCode::CREATED);
    assert_eq!(made["kind"], "day_ticket");
    // Tagestickets are for today only, and the Infobüro Bauen has none.
    problem(
        app.book(&day_ticket(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day_ticket_not_today",
    );
    let bauen = ok_json(
        app.get("/api/v1/offices/infobuero-bauen/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(bauen["available"], false);
}

fn r12_r13_no_day_tickets_on_saturday(app: &TestApp) {
    app.at(datetime!(2026-12-05 07:30 +01:00));
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(status["available"], false);
    assert_eq!(status["online_from"], Value::Null);
    problem(
        app.book(&day_ticket(datetime!(2026-12-05 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_day_ticket_day",
    );
}

fn r14_day_ticket_time_not_in_the_past(app: &TestApp) {
    problem(
        app.book(&day_ticket(datetime!(2026-11-30 09:00 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "in_past",
    );
    ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:00 +01:00))),
        StatusCode::CREATED,
    );
}

fn r15_r16_contingent_used_up_and_returned(app: &TestApp) {
    app.at(datetime!(2026-11-30 07:00 +01:00));
    let first = datetime!(2026-11-30 08:30 +01:00);
    let mut tickets = Vec::new();
    for i in 0..12 {
        tickets.push(ok_json(
            app.book(&day_ticket(first + time::Duration::minutes(5 * i))),
            StatusCode::CREATED,
        ));
    }
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(
        (status["available"].clone(), status["remaining"].clone()),
        (json!(false), json!(0))
    );
    let next = day_ticket(datetime!(2026-11-30 10:00 +01:00));
    problem(
        app.book(&next),
        StatusCode::CONFLICT,
        "day_tickets_exhausted",
    );
    let path = format!("/api/v1/bookings/{}", tickets[0]["id"].as_str().unwrap());
    let token = tickets[0]["token"].as_str().unwrap();
    assert_eq!(
        app.delete_with_token(&path, token).status(),
        StatusCode::NO_CONTENT
    );
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(status["remaining"], 1);
    ok_json(app.book(&next), StatusCode::CREATED);
}

fn r18_cancelling_frees_the_slot_at_once(app: &TestApp) {
    let start = datetime!(2026-12-01 08:30 +01:00);
    let made: Vec<Value> = (0..3)
        .map(|_| ok_json(app.book(&regular(start)), StatusCode::CREATED))
        .collect();
    problem(
        app.book(&regular(start)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    let path = format!("/api/v1/bookings/{}", made[1]["id"].as_str().unwrap());
    app.delete_with_token(&path, made[1]["token"].as_str().unwrap());
    ok_json(app.book(&regular(start)), StatusCode::CREATED);
}

fn dst_week_of_march_books_in_summer_time(app: &TestApp) {
    // Summer time begins on Sunday 28 March 2027; Easter Monday is the 29th.
    app.at(datetime!(2027-03-26 10:00 +01:00));
    let offer = ok_json(
        app.get(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2027-03-27&to=2027-03-30",
        ),
        StatusCode::OK,
    );
    let starts: Vec<&str> = offer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(starts[0], "2027-03-27T08:30:00+01:00");
    assert!(starts.contains(&"2027-03-30T08:30:00+02:00"));
    assert!(
        !starts
            .iter()
            .any(|s| s.starts_with("2027-03-28") || s.starts_with("2027-03-29"))
    );
    // An instant in UTC is the same appointment, answered in local time.
    let made = ok_json(
        app.book(&booking(
            &["anmeldung"],
            datetime!(2027-03-30 06:30 UTC),
            "regular",
        )),
        StatusCode::CREATED,
    );
    assert_eq!(made["start"], "2027-03-30T08:30:00+02:00");
    problem(
        app.book(&regular(datetime!(2027-03-29 08:30 +02:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "holiday",
    );
}

fn errors_are_problem_json_and_change_nothing(app: &TestApp) {
    let day = time::macros::date!(2026 - 12 - 01);
    let url = format!("{}/api/v1/bookings", app.base);
    let raw = |body: &str| {
        app.client
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .unwrap()
    };
    problem(
        raw("{\"office\": "),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    problem(
        raw(r#"{"office": 7, "services": [], "start": "x", "citizen": {}}"#),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    let mut wrong_kind = regular(datetime!(2026-12-01 08:30 +01:00));
    wrong_kind["kind"] = json!("vip");
    problem(
        app.book(&wrong_kind),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    let mut no_offset = regular(datetime!(2026-12-01 08:30 +01:00));
    no_offset["start"] = json!("2026-12-01T08:30:00");
    problem(
        app.book(&no_offset),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    let huge = format!(r#"{{"office": "{}"}}"#, "x".repeat(100_000));
    problem(raw(&huge), StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    problem(
        app.client.post(&url).body("{}").send().unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    problem(
        app.book(&booking(
            &["anmeldung", "zauberei"],
            datetime!(2026-12-01 08:30 +01:00),
            "regular",
        )),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_service",
    );
    problem(
        app.book(&booking(
            &["Not A Slug!"],
            datetime!(2026-12-01 08:30 +01:00),
            "regular",
        )),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_service",
    );
    problem(
        app.book(&booking(&[], datetime!(2026-12-01 08:30 +01:00), "regular")),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_services",
    );
    let mut elsewhere = regular(datetime!(2026-12-01 08:30 +01:00));
    elsewhere["office"] = json!("rathaus");
    problem(
        app.book(&elsewhere),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_office",
    );
    assert_eq!(app.bookings_on(day), 0, "a refused request writes nothing");

    problem(
        app.get("/api/v1/offices/buergerbuero/slots?service=anmeldung&from=tomorrow"),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    problem(
        app.get(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-10&to=2026-12-01",
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_range",
    );
    problem(
        app.get("/api/v1/offices/buergerbuero/slots?service=anmeldung&colour=blue"),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    problem(
        app.get("/api/v1/offices/buergerbuero/slots"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_services",
    );
    problem(
        app.get("/api/v1/offices/buergerbuero/slots?service=bauberatung"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_service",
    );
    problem(
        app.get("/api/v1/offices/nowhere/slots?service=anmeldung"),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );
    problem(
        app.get_with_token("/api/v1/bookings/not-a-uuid", "x"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        app.get_with_token(&format!("/api/v1/bookings/{}", uuid::Uuid::new_v4()), "x"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        app.get("/api/v1/nothing"),
        StatusCode::NOT_FOUND,
        "no_route",
    );
    problem(
        app.client
            .delete(format!("{}/api/v1/offices", app.base))
            .send()
            .unwrap(),
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    // The ends of the calendar are refused or empty, never a 500.
    let far = ok_json(
        app.get("/api/v1/offices/buergerbuero/slots?service=anmeldung&from=8999-12-31"),
        StatusCode::OK,
    );
    assert_eq!(far["earliest"], Value::Null);
    problem(
        app.get("/api/v1/offices/buergerbuero/slots?service=anmeldung&from=9999-12-19"),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    let mut last_instant = regular(datetime!(2026-12-01 08:30 +01:00));
    last_instant["start"] = json!("9999-12-31T23:00:00Z");
    problem(
        app.book(&last_instant),
        StatusCode::UNPROCESSABLE_ENTITY,
        "beyond_horizon",
    );
    assert_eq!(app.get("/healthz").status(), StatusCode::OK);
    assert_eq!(app.get("/readyz").status(), StatusCode::OK);
    let spec = ok_json(app.get("/api-docs/openapi.json"), StatusCode::OK);
    assert!(spec["paths"]["/api/v1/bookings"].is_object());
    assert_eq!(app.get("/swagger-ui/").status(), StatusCode::OK);
}

fn i1_40_requests_race_for_one_slot(app: &TestApp) {
    let start = datetime!(2026-12-01 08:30 +01:00);
    let barrier = Arc::new(Barrier::new(40));
    let statuses: Vec<StatusCode> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..40)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                s.spawn(move || {
                    barrier.wait();
                    app.book(&regular(start)).status()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (3, 37), "{statuses:?}");
    assert_eq!(app.bookings_on(time::macros::date!(2026 - 12 - 01)), 3);
}

#[test]
fn unsupported_database_url_is_refused() {
    let mut settings = Settings::new("mysql://localhost/termin");
    settings.bind = "127.0.0.1:0".into();
    let result =
        actix_web::rt::System::new().block_on(async { Application::build(&settings).map(|_| ()) });
    assert!(matches!(
        result,
        Err(api::StartError::Store(persistence::StoreError::InvalidUrl(
            _
        )))
    ));
}

#[test]
fn a_jwt_secret_shorter_than_32_bytes_stops_the_start() {
    // The settings hold a signing secret only as a `JwtSecret`, and only a
    // long enough one becomes that: a short one never reaches the start.
    assert!(matches!(
        api::settings::JwtSecret::new("a"),
        Err(api::settings::SettingsError::JwtSecretTooShort(1))
    ));
    assert!(JWT_SECRET.len() >= api::settings::MIN_JWT_SECRET_BYTES);
}

/// Every operation of the spec with its path made concrete, by path.
fn spec_paths() -> Vec<(String, Vec<reqwest::Method>)> {
    let spec = serde_json::to_value(api::openapi()).unwrap();
    spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            let concrete = path
                .replace("{office}", "buergerbuero")
                .replace("{id}", "0192b5a4-8a7e-7c3e-9f00-000000000000")
                .replace("{code}", "ABCD2345")
                .replace("{username}", "chefin")
                .replace("{service}", "anmeldung")
                .replace("{date}", "2026-12-24");
            let methods = item
                .as_object()
                .unwrap()
                .keys()
                .map(|m| reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).unwrap())
                .collect();
            (concrete, methods)
        })
        .collect()
}

/// The `Allow` header a path with these methods must name.
fn allow_of(methods: &[reqwest::Method]) -> String {
    use reqwest::Method as M;
    let mut with_head = methods.to_vec();
    if methods.contains(&M::GET) {
        with_head.push(M::HEAD);
    }
    [M::GET, M::HEAD, M::POST, M::PUT, M::PATCH, M::DELETE]
        .into_iter()
        .filter(|m| with_head.contains(m))
        .map(|m| m.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn every_405_names_the_methods_of_its_path(app: &TestApp) {
    use reqwest::Method as M;
    let mut checked = 0;
    let mut paths = spec_paths();
    paths.push(("/swagger-ui/index.html".into(), vec![M::GET]));
    paths.push(("/api-docs/openapi.json".into(), vec![M::GET]));
    for (path, methods) in paths {
        let allow = allow_of(&methods);
        for method in [
            M::GET,
            M::HEAD,
            M::POST,
            M::PUT,
            M::PATCH,
            M::DELETE,
            M::OPTIONS,
        ] {
            if methods.contains(&method) || (method == M::HEAD && methods.contains(&M::GET)) {
                continue;
            }
            let r = app.request(method.clone(), &path, None, None);
            let header = r
                .headers()
                .get("allow")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(header.as_deref(), Some(allow.as_str()), "{method} {path}");
            if method == M::HEAD {
                assert_eq!(
                    r.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}"
                );
            } else {
                problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} answers checked");
    // No such path: 404, and nothing to allow.
    let r = app.request(M::DELETE, "/api/v1/nothing", None, None);
    assert!(r.headers().get("allow").is_none());
    problem(r, StatusCode::NOT_FOUND, "no_route");
}

/// Sends `request` as it is on a new connection and returns all it gets.
fn raw_http(app: &TestApp, request: &[u8]) -> Vec<u8> {
    let address = app.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    // A server that refuses a request may close before reading all of it;
    // what it answered before that is what counts.
    if let Err(e) = stream.read_to_end(&mut answer) {
        assert!(!answer.is_empty(), "no answer: {e}");
    }
    answer
}

fn head_answers_every_get_route_like_get_without_a_body(app: &TestApp) {
    use reqwest::Method as M;
    let admin = app.admin_token();
    let mut checked = 0;
    for (path, methods) in spec_paths() {
        if !methods.contains(&M::GET) {
            continue;
        }
        let get = app.request(M::GET, &path, Some(&admin), None);
        let head = app.request(M::HEAD, &path, Some(&admin), None);
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(head.bytes().unwrap().is_empty(), "HEAD {path}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} GET routes");
    // On the wire: the headers of GET, no body.
    let answer = raw_http(
        app,
        b"HEAD /healthz HTTP/1.1\r\nHost: termin\r\nConnection: close\r\n\r\n",
    );
    let text = String::from_utf8(answer).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(head.contains("content-length: 15"), "{head}");
    assert_eq!(body, "");
    assert_eq!(app.get("/swagger-ui/").status(), StatusCode::OK);
    let docs = app.request(M::HEAD, "/swagger-ui/", None, None);
    assert_eq!(docs.status(), StatusCode::OK);
}

fn errors_outside_the_handlers_are_problem_json_too(app: &TestApp) {
    // Swagger UI answers an unknown file with an empty 404 of its own.
    problem(
        app.get("/swagger-ui/no-such-file.js"),
        StatusCode::NOT_FOUND,
        "no_route",
    );
    // A chunked body that is not chunked: the JSON extractor's 400.
    let answer = raw_http(
        app,
        b"POST /api/v1/bookings HTTP/1.1\r\nHost: termin\r\nContent-Type: application/json\r\n\
          Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(
        text.contains("content-type: application/problem+json"),
        "{text}"
    );
    assert!(text.contains(r#""code":"invalid_body""#), "{text}");

    // What actix-http answers itself, before any of the application runs
    // (docs/API.md, "Errors"): status only, no body. Pinned here so that a
    // change of actix shows.
    let before_app = |request: &[u8], status: &str| {
        let answer = raw_http(app, request);
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with(status), "{text}");
        assert!(text.contains("content-length: 0"), "{text}");
    };
    before_app(
        b"GET /api/v1/offices/\xff\xfe HTTP/1.1\r\nHost: termin\r\nConnection: close\r\n\r\n",
        "HTTP/1.1 400",
    );
    before_app(
        b"GET /api/v1/offices HTTP/1.1\r\nHost: termin\r\nX-Booking-Token: a\x00b\r\nConnection: close\r\n\r\n",
        "HTTP/1.1 400",
    );
    let mut many = b"GET /api/v1/offices HTTP/1.1\r\nHost: termin\r\n".to_vec();
    for i in 0..100 {
        many.extend_from_slice(format!("X-Header-{i}: 1\r\n").as_bytes());
    }
    many.extend_from_slice(b"Connection: close\r\n\r\n");
    before_app(&many, "HTTP/1.1 431");
    // A long query string that actix passes on is the application's: 60 KB.
    let long = format!(
        "/api/v1/offices/buergerbuero/slots?service=anmeldung&x={}",
        "a".repeat(60_000)
    );
    problem(app.get(&long), StatusCode::BAD_REQUEST, "invalid_query");
}

/// Issue #23: API JSON lacked `nosniff`, Swagger UI the page's CSP.
fn api_json_is_nosniff_and_swagger_ui_has_a_csp(app: &TestApp) {
    for path in [
        "/api/v1/offices",
        "/api/v1/no-such-path",
        "/healthz",
        "/swagger-ui/",
    ] {
        let r = app.get(path);
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
    for path in ["/swagger-ui/", "/swagger-ui/index.html", "/sw%61gger-ui/"] {
        let r = app.get(path);
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
    }
}
