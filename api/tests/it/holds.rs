//! Holding a slot while typing (R19, I5) and moving a booking (R20), over a
//! real socket on both backends, with a frozen clock the tests move.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use std::sync::Barrier;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

on_both_backends!(
    TestApp::spawn_behind_proxy;
    r19_a_hold_makes_a_full_unit_refuse_the_next_booking_and_search_skips_it,
    r19_confirm_works_while_the_hold_lives_and_answers_hold_expired_after,
    r19_extend_three_times_the_fourth_is_refused,
    r19_a_third_live_hold_from_one_address_is_refused,
    r19_a_day_ticket_hold_takes_one_of_the_contingent,
    r19_forty_concurrent_holds_for_three_free_counters_get_exactly_three,
    r19_holders_confirm_while_forty_plain_bookings_race_for_their_slot,
    r19_a_hold_needs_its_token_and_confirming_checks_the_citizen,
    r19_a_retried_confirmation_with_its_idempotency_key_gets_the_booking,
    r19_r20_a_retried_hold_or_move_with_its_idempotency_key_makes_nothing_twice,
    r20_a_move_by_five_minutes_within_a_full_hour_works_and_keeps_id_code_token,
    r20_a_move_into_a_full_slot_changes_nothing,
    r20_a_move_swaps_capacity_atomically_under_a_race,
    r20_a_day_ticket_moves_only_within_its_day_and_begun_or_cancelled_ones_not_at_all,
    r20_staff_move_a_booking_and_the_audit_log_says_from_where,
    r19_a_second_live_day_ticket_hold_from_one_address_is_refused,
    r19_day_ticket_holds_from_one_address_at_once_get_one,
    r19_a_day_ticket_hold_is_extended_once_a_regular_one_three_times,
);

on_both_backends!(
    kaarst_behind_proxy;
    r19_a_day_ticket_hold_needs_the_proof_of_work_where_the_office_asks,
);

/// The shipped Kaarst configuration (R24, R26, R32 as shipped) behind a
/// trusted proxy at 127.0.0.1, so each request names its client address.
fn kaarst_behind_proxy(db: persistence::test_support::TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.trusted_proxies = api::http::client::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .without_verification()
}

/// Tuesday 1 December 2026, 09:00: bookable from MONDAY_10 (lead 1 day);
/// the Bürgerbüro has 3 counters for regular bookings.
const TUESDAY_9: OffsetDateTime = datetime!(2026-12-01 09:00 +01:00);

fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    client: &str,
) -> reqwest::blocking::RequestBuilder {
    app.client
        .request(method, format!("{}{path}", app.base))
        .header("X-Forwarded-For", client)
}

fn hold_body(start: OffsetDateTime, kind: &str) -> Value {
    let services = if kind == "day_ticket" {
        "ausweis-abholung"
    } else {
        "anmeldung"
    };
    json!({"office": "buergerbuero", "services": [services], "start": rfc3339(start), "kind": kind})
}

fn hold(app: &TestApp, client: &str, start: OffsetDateTime) -> Response {
    send(app, reqwest::Method::POST, "/api/v1/holds", client)
        .json(&hold_body(start, "regular"))
        .send()
        .unwrap()
}

/// Holds `start` for `client` and returns (id, token).
fn held(app: &TestApp, client: &str, start: OffsetDateTime) -> (String, String) {
    let h = ok_json(hold(app, client, start), StatusCode::CREATED);
    (
        h["id"].as_str().unwrap().into(),
        h["token"].as_str().unwrap().into(),
    )
}

fn on_hold(
    app: &TestApp,
    method: reqwest::Method,
    id: &str,
    action: &str,
    token: &str,
) -> Response {
    send(
        app,
        method,
        &format!("/api/v1/holds/{id}{action}"),
        "10.9.9.9",
    )
    .header("X-Hold-Token", token)
    .json(&json!({"citizen": {"name": "Erika Mustermann", "email": "erika@example.org"}}))
    .send()
    .unwrap()
}

fn confirm(app: &TestApp, id: &str, token: &str) -> Response {
    on_hold(app, reqwest::Method::POST, id, "/booking", token)
}

/// Books `start` for a citizen of its own; returns (id, token).
fn booked(app: &TestApp, start: OffsetDateTime) -> (String, String) {
    let b = ok_json(app.book(&regular(start)), StatusCode::CREATED);
    (
        b["id"].as_str().unwrap().into(),
        b["token"].as_str().unwrap().into(),
    )
}

fn move_to(app: &TestApp, id: &str, token: &str, body: &Value) -> Response {
    app.client
        .patch(format!("{}/api/v1/bookings/{id}", app.base))
        .header("X-Booking-Token", token)
        .json(body)
        .send()
        .unwrap()
}

fn confirmed_at(app: &TestApp, start: OffsetDateTime) -> usize {
    let office = persistence::test_support::fixtures::office_id("buergerbuero");
    let day = app.store.day_appointments(&office, start.date()).unwrap();
    day.iter()
        .filter(|b| b.start == start && b.status == domain::BookingStatus::Confirmed)
        .count()
}

fn offered(app: &TestApp, start: OffsetDateTime) -> bool {
    let day = start.date();
    let slots: Value = ok_json(
        app.get(&format!(
            "/api/v1/offices/buergerbuero/slots?service=anmeldung&from={day}&to={day}"
        )),
        StatusCode::OK,
    );
    let wanted = rfc3339(start);
    slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["start"] == wanted.as_str())
}

fn r19_a_hold_makes_a_full_unit_refuse_the_next_booking_and_search_skips_it(app: &TestApp) {
    booked(app, TUESDAY_9);
    booked(app, TUESDAY_9);
    assert!(offered(app, TUESDAY_9));
    let (id, token) = held(app, "10.0.0.1", TUESDAY_9);
    // The third counter is held: not offered, and a plain booking loses.
    assert!(!offered(app, TUESDAY_9));
    problem(
        app.book(&regular(TUESDAY_9)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    problem(
        hold(app, "10.0.0.2", TUESDAY_9),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    // Released: free at once.
    let r = on_hold(app, reqwest::Method::DELETE, &id, "", &token);
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(offered(app, TUESDAY_9));
    booked(app, TUESDAY_9);
    assert_eq!(confirmed_at(app, TUESDAY_9), 3);
    problem(
        on_hold(app, reqwest::Method::DELETE, &id, "", &token),
        StatusCode::CONFLICT,
        "hold_expired",
    );
}

fn r19_confirm_works_while_the_hold_lives_and_answers_hold_expired_after(app: &TestApp) {
    booked(app, TUESDAY_9);
    booked(app, TUESDAY_9);
    let (id, token) = held(app, "10.0.0.1", TUESDAY_9);
    let h: Value = ok_json(
        on_hold(app, reqwest::Method::GET, &id, "", &token),
        StatusCode::OK,
    );
    assert_eq!(h["expires_at"], rfc3339(MONDAY_10 + Duration::minutes(10)));
    assert_eq!(h["extensions_left"], 3);
    // Nine minutes of typing later: still the citizen's.
    app.at(MONDAY_10 + Duration::minutes(9));
    let b = ok_json(confirm(app, &id, &token), StatusCode::CREATED);
    assert_eq!(b["start"], rfc3339(TUESDAY_9));
    assert_eq!(b["services"], json!(["anmeldung"]));
    assert_eq!(b["citizen"]["email"], "erika@example.org");
    assert_eq!(b["status"], "confirmed");
    let booking_token = b["token"].as_str().unwrap();
    assert_ne!(booking_token, token);
    ok_json(
        app.get_with_token(
            &format!("/api/v1/bookings/{}", b["id"].as_str().unwrap()),
            booking_token,
        ),
        StatusCode::OK,
    );
    assert_eq!(confirmed_at(app, TUESDAY_9), 3);
    // The hold became the booking: it is gone, not confirmable twice.
    problem(
        confirm(app, &id, &token),
        StatusCode::CONFLICT,
        "hold_expired",
    );

    // A hold not confirmed in time frees its counter without any job.
    let later = TUESDAY_9 + Duration::minutes(30);
    booked(app, later);
    booked(app, later);
    // Held at 10:09, so until 10:19.
    let (id, token) = held(app, "10.0.0.1", later);
    app.at(MONDAY_10 + Duration::minutes(18));
    problem(
        app.book(&regular(later)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    app.at(MONDAY_10 + Duration::minutes(19));
    problem(
        confirm(app, &id, &token),
        StatusCode::CONFLICT,
        "hold_expired",
    );
    assert!(offered(app, later));
    booked(app, later);
    assert_eq!(confirmed_at(app, later), 3);
}

fn r19_extend_three_times_the_fourth_is_refused(app: &TestApp) {
    let (id, token) = held(app, "10.0.0.1", TUESDAY_9);
    for (n, left) in [(1, 2), (2, 1), (3, 0)] {
        let e = ok_json(
            on_hold(app, reqwest::Method::POST, &id, "/extend", &token),
            StatusCode::OK,
        );
        assert_eq!(
            e["expires_at"],
            rfc3339(MONDAY_10 + Duration::minutes(10 + 10 * n))
        );
        assert_eq!(e["extensions_left"], left);
    }
    problem(
        on_hold(app, reqwest::Method::POST, &id, "/extend", &token),
        StatusCode::CONFLICT,
        "hold_extensions_used",
    );
    // Forty minutes in all: at 39 still live, at 40 gone.
    app.at(MONDAY_10 + Duration::minutes(39));
    ok_json(
        on_hold(app, reqwest::Method::GET, &id, "", &token),
        StatusCode::OK,
    );
    app.at(MONDAY_10 + Duration::minutes(40));
    problem(
        on_hold(app, reqwest::Method::POST, &id, "/extend", &token),
        StatusCode::CONFLICT,
        "hold_expired",
    );
}

fn r19_a_third_live_hold_from_one_address_is_refused(app: &TestApp) {
    let (first, first_token) = held(app, "10.0.0.1", TUESDAY_9);
    held(app, "10.0.0.1", TUESDAY_9 + Duration::minutes(15));
    let third = TUESDAY_9 + Duration::minutes(30);
    problem(
        hold(app, "10.0.0.1", third),
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold_limit",
    );
    // The older holds stay; another address is not affected.
    ok_json(
        on_hold(app, reqwest::Method::GET, &first, "", &first_token),
        StatusCode::OK,
    );
    held(app, "10.0.0.2", third);
    // Released or expired holds no longer count.
    let r = on_hold(app, reqwest::Method::DELETE, &first, "", &first_token);
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    held(app, "10.0.0.1", third);
    problem(
        hold(app, "10.0.0.1", third + Duration::minutes(15)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold_limit",
    );
    app.at(MONDAY_10 + Duration::minutes(10));
    held(app, "10.0.0.1", third + Duration::minutes(15));
}

fn r19_a_day_ticket_hold_takes_one_of_the_contingent(app: &TestApp) {
    let remaining = || -> u64 {
        let v: Value = ok_json(
            app.get("/api/v1/offices/buergerbuero/day-tickets"),
            StatusCode::OK,
        );
        v["remaining"].as_u64().unwrap()
    };
    assert_eq!(remaining(), 12);
    let r = send(app, reqwest::Method::POST, "/api/v1/holds", "10.0.0.1")
        .json(&hold_body(datetime!(2026-11-30 10:30 +01:00), "day_ticket"))
        .send()
        .unwrap();
    let h = ok_json(r, StatusCode::CREATED);
    assert_eq!(h["kind"], "day_ticket");
    assert_eq!(remaining(), 11);
    let b = ok_json(
        confirm(app, h["id"].as_str().unwrap(), h["token"].as_str().unwrap()),
        StatusCode::CREATED,
    );
    assert_eq!(b["kind"], "day_ticket");
    assert_eq!(remaining(), 11);
}

/// `n` requests at once, each from its own address; their statuses.
fn at_once(n: usize, request: impl Fn(usize) -> Response + Sync) -> Vec<StatusCode> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (barrier, request) = (&barrier, &request);
                s.spawn(move || {
                    barrier.wait();
                    request(i).status()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn r19_forty_concurrent_holds_for_three_free_counters_get_exactly_three(app: &TestApp) {
    let statuses = at_once(40, |i| hold(app, &format!("10.1.0.{i}"), TUESDAY_9));
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let lost = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, lost), (3, 37), "{statuses:?}");
    problem(
        app.book(&regular(TUESDAY_9)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
}

fn r19_holders_confirm_while_forty_plain_bookings_race_for_their_slot(app: &TestApp) {
    let holds: Vec<(String, String)> = (0..3)
        .map(|i| held(app, &format!("10.2.0.{i}"), TUESDAY_9))
        .collect();
    let statuses = at_once(43, |i| match holds.get(i) {
        Some((id, token)) => confirm(app, id, token),
        None => app.book(&regular(TUESDAY_9)),
    });
    assert_eq!(statuses[..3], [StatusCode::CREATED; 3], "{statuses:?}");
    assert!(
        statuses[3..].iter().all(|s| *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(confirmed_at(app, TUESDAY_9), 3);
}

fn r19_a_hold_needs_its_token_and_confirming_checks_the_citizen(app: &TestApp) {
    let (id, token) = held(app, "10.0.0.1", TUESDAY_9);
    let r = send(
        app,
        reqwest::Method::POST,
        &format!("/api/v1/holds/{id}/extend"),
        "10.0.0.1",
    )
    .send()
    .unwrap();
    problem(r, StatusCode::UNAUTHORIZED, "hold_token_required");
    problem(
        on_hold(app, reqwest::Method::POST, &id, "/extend", "not-the-token"),
        StatusCode::CONFLICT,
        "hold_expired",
    );
    problem(
        on_hold(app, reqwest::Method::GET, "not-a-uuid", "", &token),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let r = send(
        app,
        reqwest::Method::POST,
        &format!("/api/v1/holds/{id}/booking"),
        "10.0.0.1",
    )
    .header("X-Hold-Token", &token)
    .json(&json!({"citizen": {"name": "Erika Mustermann"}}))
    .send()
    .unwrap();
    problem(r, StatusCode::UNPROCESSABLE_ENTITY, "contact_required");
    // The refusal changed nothing: the hold lives on and confirms.
    ok_json(confirm(app, &id, &token), StatusCode::CREATED);
    // A hold for a start not offered is refused like a booking.
    problem(
        hold(app, "10.0.0.1", TUESDAY_9 + Duration::minutes(2)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "off_grid",
    );
}

fn r20_a_move_by_five_minutes_within_a_full_hour_works_and_keeps_id_code_token(app: &TestApp) {
    // 09:00–09:15 taken on all three counters, one of them by this booking;
    // 09:15–09:30 on two.
    booked(app, TUESDAY_9);
    booked(app, TUESDAY_9);
    let quarter_past = TUESDAY_9 + Duration::minutes(15);
    booked(app, quarter_past);
    booked(app, quarter_past);
    let (id, token) = booked(app, TUESDAY_9);
    let path = format!("/api/v1/bookings/{id}");
    let before: Value = ok_json(app.get_with_token(&path, &token), StatusCode::OK);
    let to = TUESDAY_9 + Duration::minutes(5);
    // Full for anyone else …
    problem(app.book(&regular(to)), StatusCode::CONFLICT, "slot_taken");
    // … but the booking's own counter counts as free for its new start.
    let moved = ok_json(
        move_to(app, &id, &token, &json!({"start": rfc3339(to)})),
        StatusCode::OK,
    );
    assert_eq!(moved["start"], rfc3339(to));
    assert_eq!(moved["end"], rfc3339(to + Duration::minutes(15)));
    assert_eq!(moved["previous_start"], rfc3339(TUESDAY_9));
    assert_eq!(
        (&moved["id"], &moved["code"]),
        (&before["id"], &before["code"])
    );
    assert_eq!(moved["citizen"], before["citizen"]);
    // The token stays; the 09:15 quarter now has all three counters taken.
    ok_json(app.get_with_token(&path, &token), StatusCode::OK);
    problem(
        app.book(&regular(quarter_past)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    // Other services in the same step.
    let later = TUESDAY_9 + Duration::hours(2);
    let moved = ok_json(
        move_to(
            app,
            &id,
            &token,
            &json!({"start": rfc3339(later), "services": ["abmeldung", "abmeldung"]}),
        ),
        StatusCode::OK,
    );
    assert_eq!(moved["services"], json!(["abmeldung", "abmeldung"]));
    assert_eq!(moved["end"], rfc3339(later + Duration::minutes(20)));
    assert_eq!(moved["previous_start"], rfc3339(to));
    assert!(offered(app, quarter_past));
    // Repeated (a retry whose answer was lost): the same answer, nothing changed.
    let again = ok_json(
        move_to(
            app,
            &id,
            &token,
            &json!({"start": rfc3339(later), "services": ["abmeldung", "abmeldung"]}),
        ),
        StatusCode::OK,
    );
    assert_eq!(again, moved);
}

fn r20_a_move_into_a_full_slot_changes_nothing(app: &TestApp) {
    let full = TUESDAY_9 + Duration::hours(1);
    for _ in 0..3 {
        booked(app, full);
    }
    let (id, token) = booked(app, TUESDAY_9);
    let before: Value = ok_json(
        app.get_with_token(&format!("/api/v1/bookings/{id}"), &token),
        StatusCode::OK,
    );
    problem(
        move_to(app, &id, &token, &json!({"start": rfc3339(full)})),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    problem(
        move_to(
            app,
            &id,
            &token,
            &json!({"start": rfc3339(full), "services": ["nope"]}),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_service",
    );
    problem(
        move_to(
            app,
            &id,
            &token,
            &json!({"start": "2026-12-06T09:00:00+01:00"}),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "outside_opening_hours",
    );
    problem(
        move_to(app, &id, "wrong", &json!({"start": rfc3339(full)})),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let after: Value = ok_json(
        app.get_with_token(&format!("/api/v1/bookings/{id}"), &token),
        StatusCode::OK,
    );
    assert_eq!(before, after);
    assert_eq!(confirmed_at(app, full), 3);
    assert_eq!(confirmed_at(app, TUESDAY_9), 1);
}

fn r20_a_move_swaps_capacity_atomically_under_a_race(app: &TestApp) {
    // 09:00 is full (this booking and two others); 10:00 has one counter free.
    let ten = TUESDAY_9 + Duration::hours(1);
    booked(app, TUESDAY_9);
    booked(app, TUESDAY_9);
    booked(app, ten);
    booked(app, ten);
    let (id, token) = booked(app, TUESDAY_9);
    // The move races 20 bookings for 10:00 and 20 for 09:00.
    let statuses = at_once(41, |i| match i {
        0 => move_to(app, &id, &token, &json!({"start": rfc3339(ten)})),
        i if i % 2 == 0 => app.book(&regular(ten)),
        _ => app.book(&regular(TUESDAY_9)),
    });
    let moved = statuses[0] == StatusCode::OK;
    let won = statuses[1..]
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::OK, StatusCode::CREATED, StatusCode::CONFLICT].contains(s)),
        "{statuses:?}"
    );
    // Never more than three at a time, and every counter freed is reused
    // only once: if the move won, 09:00 freed one; else 10:00 went to a booking.
    assert_eq!(confirmed_at(app, ten), 3);
    assert!(confirmed_at(app, TUESDAY_9) <= 3);
    let b: Value = ok_json(
        app.get_with_token(&format!("/api/v1/bookings/{id}"), &token),
        StatusCode::OK,
    );
    if moved {
        assert_eq!(b["start"], rfc3339(ten));
        assert!(won <= 1, "{statuses:?}");
    } else {
        assert_eq!(b["start"], rfc3339(TUESDAY_9));
        assert_eq!(won, 1, "{statuses:?}");
    }
}

fn r20_a_day_ticket_moves_only_within_its_day_and_begun_or_cancelled_ones_not_at_all(
    app: &TestApp,
) {
    let ticket = ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:30 +01:00))),
        StatusCode::CREATED,
    );
    let (id, token) = (
        ticket["id"].as_str().unwrap(),
        ticket["token"].as_str().unwrap(),
    );
    let moved = ok_json(
        move_to(
            app,
            id,
            token,
            &json!({"start": "2026-11-30T11:00:00+01:00"}),
        ),
        StatusCode::OK,
    );
    assert_eq!(moved["kind"], "day_ticket");
    problem(
        move_to(app, id, token, &json!({"start": rfc3339(TUESDAY_9)})),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day_ticket_other_day",
    );
    // Begun: no more moves.
    app.at(datetime!(2026-11-30 11:00 +01:00));
    problem(
        move_to(
            app,
            id,
            token,
            &json!({"start": "2026-11-30T11:30:00+01:00"}),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "appointment_passed",
    );
    // Cancelled: neither.
    let (id, token) = booked(app, TUESDAY_9);
    let r = app.delete_with_token(&format!("/api/v1/bookings/{id}"), &token);
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    problem(
        move_to(
            app,
            &id,
            &token,
            &json!({"start": rfc3339(TUESDAY_9 + Duration::hours(1))}),
        ),
        StatusCode::CONFLICT,
        "already_cancelled",
    );
}

fn r20_staff_move_a_booking_and_the_audit_log_says_from_where(app: &TestApp) {
    let phone = app.staff("phone1", "phone");
    let (id, _) = booked(app, TUESDAY_9);
    let to = TUESDAY_9 + Duration::hours(1);
    let moved = ok_json(
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/staff/bookings/{id}"),
            Some(&phone),
            Some(&json!({"start": rfc3339(to)})),
        ),
        StatusCode::OK,
    );
    assert_eq!(moved["start"], rfc3339(to));
    assert_eq!(
        moved["channel"], "online",
        "the channel is how it was booked"
    );
    let clerk = app.staff("clerk1", "clerk");
    problem(
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/staff/bookings/{id}"),
            Some(&clerk),
            Some(&json!({"start": rfc3339(TUESDAY_9)})),
        ),
        StatusCode::FORBIDDEN,
        "forbidden_role",
    );
    let log: Value = ok_json(
        app.request(
            reqwest::Method::GET,
            "/api/v1/admin/audit",
            Some(&app.admin_token()),
            None,
        ),
        StatusCode::OK,
    );
    let entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "booking.move")
        .expect("the move is audited");
    assert_eq!(entry["actor"], "phone1");
    assert_eq!(entry["booking"], id.as_str());
    assert_eq!(entry["detail"]["from"], rfc3339(TUESDAY_9));
    assert_eq!(entry["detail"]["start"], rfc3339(to));
}

fn r19_a_retried_confirmation_with_its_idempotency_key_gets_the_booking(app: &TestApp) {
    let (id, token) = held(app, "10.0.0.1", TUESDAY_9);
    let confirm_with = |key: Option<&str>, email: &str| {
        let mut r = app
            .client
            .post(format!("{}/api/v1/holds/{id}/booking", app.base))
            .header("X-Hold-Token", &token)
            .json(&json!({"citizen": {"name": "Erika Mustermann", "email": email}}));
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        r.send().unwrap()
    };
    let key = "5f0c7c1e-2f4b-4c1a-9d7e-3b1f2a6c9e01";
    let first = ok_json(
        confirm_with(Some(key), "erika@example.org"),
        StatusCode::CREATED,
    );
    // The answer was lost; the retry gets the same booking with a new token.
    let retry = ok_json(
        confirm_with(Some(key), "erika@example.org"),
        StatusCode::CREATED,
    );
    assert_eq!(
        (&retry["id"], &retry["code"]),
        (&first["id"], &first["code"])
    );
    assert_ne!(retry["token"], first["token"]);
    let path = format!("/api/v1/bookings/{}", first["id"].as_str().unwrap());
    problem(
        app.get_with_token(&path, first["token"].as_str().unwrap()),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    ok_json(
        app.get_with_token(&path, retry["token"].as_str().unwrap()),
        StatusCode::OK,
    );
    problem(
        confirm_with(Some(key), "someone@example.org"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    problem(
        confirm_with(None, "erika@example.org"),
        StatusCode::CONFLICT,
        "hold_expired",
    );
    assert_eq!(confirmed_at(app, TUESDAY_9), 1);
}

fn r19_r20_a_retried_hold_or_move_with_its_idempotency_key_makes_nothing_twice(app: &TestApp) {
    let hold_with = |key: &str, start: OffsetDateTime| {
        send(app, reqwest::Method::POST, "/api/v1/holds", "10.0.0.1")
            .header("Idempotency-Key", key)
            .json(&hold_body(start, "regular"))
            .send()
            .unwrap()
    };
    let first = ok_json(hold_with("hold-key-1", TUESDAY_9), StatusCode::CREATED);
    let retry = ok_json(hold_with("hold-key-1", TUESDAY_9), StatusCode::CREATED);
    assert_eq!(retry["id"], first["id"]);
    assert_ne!(retry["token"], first["token"]);
    // One hold, not two: the address may still hold one more.
    held(app, "10.0.0.1", TUESDAY_9 + Duration::minutes(15));
    problem(
        hold_with("hold-key-1", TUESDAY_9 + Duration::minutes(30)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    // Only the retry's token works now.
    let id = first["id"].as_str().unwrap();
    problem(
        on_hold(
            app,
            reqwest::Method::GET,
            id,
            "",
            first["token"].as_str().unwrap(),
        ),
        StatusCode::CONFLICT,
        "hold_expired",
    );
    ok_json(
        on_hold(
            app,
            reqwest::Method::GET,
            id,
            "",
            retry["token"].as_str().unwrap(),
        ),
        StatusCode::OK,
    );

    let (booking, token) = booked(app, TUESDAY_9 + Duration::hours(1));
    let move_with = |key: &str, start: OffsetDateTime| {
        app.client
            .patch(format!("{}/api/v1/bookings/{booking}", app.base))
            .header("X-Booking-Token", &token)
            .header("Idempotency-Key", key)
            .json(&json!({"start": rfc3339(start)}))
            .send()
            .unwrap()
    };
    let to = TUESDAY_9 + Duration::hours(2);
    let moved = ok_json(move_with("move-key-1", to), StatusCode::OK);
    assert_eq!(ok_json(move_with("move-key-1", to), StatusCode::OK), moved);
    problem(
        move_with("move-key-1", to + Duration::minutes(15)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    let now: Value = ok_json(
        app.get_with_token(&format!("/api/v1/bookings/{booking}"), &token),
        StatusCode::OK,
    );
    assert_eq!(now["start"], rfc3339(to));
}

/// A Tagesticket hold of today (Monday) at 10:30 + `minute` for `client`.
fn day_ticket_hold(app: &TestApp, client: &str, minute: i64) -> Response {
    send(app, reqwest::Method::POST, "/api/v1/holds", client)
        .json(&hold_body(
            datetime!(2026-11-30 10:30 +01:00) + Duration::minutes(minute),
            "day_ticket",
        ))
        .send()
        .unwrap()
}

fn r19_a_second_live_day_ticket_hold_from_one_address_is_refused(app: &TestApp) {
    let first = ok_json(day_ticket_hold(app, "10.0.0.1", 0), StatusCode::CREATED);
    problem(
        day_ticket_hold(app, "10.0.0.1", 5),
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold_limit",
    );
    // A regular hold from the same address is still taken (2 holds in all) …
    held(app, "10.0.0.1", TUESDAY_9);
    // … and another address gets its Tagesticket hold.
    ok_json(day_ticket_hold(app, "10.0.0.2", 5), StatusCode::CREATED);
    // IPv6: one hold per /64, whichever address of it asks.
    ok_json(
        day_ticket_hold(app, "2001:db8:1:2::1", 10),
        StatusCode::CREATED,
    );
    problem(
        day_ticket_hold(app, "2001:db8:1:2:ffff::9", 15),
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold_limit",
    );
    ok_json(
        day_ticket_hold(app, "2001:db8:1:3::1", 15),
        StatusCode::CREATED,
    );
    // Released, the address may hold a Tagesticket again; confirmed too.
    let (id, token) = (
        first["id"].as_str().unwrap(),
        first["token"].as_str().unwrap(),
    );
    let r = on_hold(app, reqwest::Method::DELETE, id, "", token);
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let again = ok_json(day_ticket_hold(app, "10.0.0.1", 20), StatusCode::CREATED);
    ok_json(
        confirm(
            app,
            again["id"].as_str().unwrap(),
            again["token"].as_str().unwrap(),
        ),
        StatusCode::CREATED,
    );
    ok_json(day_ticket_hold(app, "10.0.0.1", 25), StatusCode::CREATED);
    // An expired one no longer counts.
    problem(
        day_ticket_hold(app, "10.0.0.2", 30),
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold_limit",
    );
    app.at(MONDAY_10 + Duration::minutes(10));
    ok_json(day_ticket_hold(app, "10.0.0.2", 30), StatusCode::CREATED);
}

fn r19_day_ticket_holds_from_one_address_at_once_get_one(app: &TestApp) {
    let statuses = at_once(6, |i| {
        day_ticket_hold(app, "2001:db8:7:7::1", 15 * i64::try_from(i).unwrap())
    });
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((won, refused), (1, 5), "{statuses:?}");
    let v: Value = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(v["remaining"], 11);
}

fn r19_a_day_ticket_hold_is_extended_once_a_regular_one_three_times(app: &TestApp) {
    let h = ok_json(day_ticket_hold(app, "10.0.0.1", 0), StatusCode::CREATED);
    assert_eq!(h["extensions_left"], 1);
    let (id, token) = (h["id"].as_str().unwrap(), h["token"].as_str().unwrap());
    let e = ok_json(
        on_hold(app, reqwest::Method::POST, id, "/extend", token),
        StatusCode::OK,
    );
    assert_eq!(e["expires_at"], rfc3339(MONDAY_10 + Duration::minutes(20)));
    assert_eq!(e["extensions_left"], 0);
    problem(
        on_hold(app, reqwest::Method::POST, id, "/extend", token),
        StatusCode::CONFLICT,
        "hold_extensions_used",
    );
    let looked = ok_json(
        on_hold(app, reqwest::Method::GET, id, "", token),
        StatusCode::OK,
    );
    assert_eq!(
        looked["expires_at"],
        rfc3339(MONDAY_10 + Duration::minutes(20))
    );
    // Twenty minutes in all: then the Tagesticket is free again.
    app.at(MONDAY_10 + Duration::minutes(20));
    problem(
        on_hold(app, reqwest::Method::GET, id, "", token),
        StatusCode::CONFLICT,
        "hold_expired",
    );
    // A regular hold as before: three extensions.
    let r = ok_json(hold(app, "10.0.0.1", TUESDAY_9), StatusCode::CREATED);
    assert_eq!(r["extensions_left"], 3);
}

fn r19_a_day_ticket_hold_needs_the_proof_of_work_where_the_office_asks(app: &TestApp) {
    app.at(datetime!(2026-11-30 07:30 +01:00));
    let altcha = || -> String {
        let v: Value = ok_json(app.get("/api/v1/challenge"), StatusCode::OK);
        let c = api::challenge::Challenge {
            algorithm: "SHA-256",
            challenge: v["challenge"].as_str().unwrap().into(),
            maxnumber: v["maxnumber"].as_u64().unwrap(),
            salt: v["salt"].as_str().unwrap().into(),
            signature: v["signature"].as_str().unwrap().into(),
        };
        api::challenge::solve(&c).unwrap()
    };
    let with = |client: &str, minute: i64, altcha: Option<&str>| {
        let mut r = send(app, reqwest::Method::POST, "/api/v1/holds", client).json(&hold_body(
            datetime!(2026-11-30 08:30 +01:00) + Duration::minutes(minute),
            "day_ticket",
        ));
        if let Some(a) = altcha {
            r = r.header("X-Altcha", a);
        }
        r.send().unwrap()
    };
    problem(
        with("10.0.0.1", 0, None),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_required",
    );
    let h = ok_json(with("10.0.0.1", 0, Some(&altcha())), StatusCode::CREATED);
    // With a solution of its own, the address still holds one Tagesticket.
    problem(
        with("10.0.0.1", 15, Some(&altcha())),
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold_limit",
    );
    // A regular hold needs none (Kaarst asks only with Tagestickets).
    let r = send(app, reqwest::Method::POST, "/api/v1/holds", "10.0.0.3")
        .json(&hold_body(TUESDAY_9, "regular"))
        .send()
        .unwrap();
    ok_json(r, StatusCode::CREATED);
    // The confirmation needs no second solution: the hold has used one.
    let b = ok_json(
        send(
            app,
            reqwest::Method::POST,
            &format!("/api/v1/holds/{}/booking", h["id"].as_str().unwrap()),
            "10.0.0.1",
        )
        .header("X-Hold-Token", h["token"].as_str().unwrap())
        .json(&json!({"citizen": {"name": "Max Mustermann", "email": "max@example.org", "postcode": "41564"}}))
        .send()
        .unwrap(),
        StatusCode::CREATED,
    );
    assert_eq!(b["kind"], "day_ticket");
}
