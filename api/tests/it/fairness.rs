//! Fair to citizens, closed to bots (R24, R26, R32), and safe retries, over
//! a real socket, on both backends, mostly with the shipped Kaarst
//! configuration.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    a_retry_with_the_same_idempotency_key_gets_the_first_booking,
);

on_both_backends!(
    TestApp::spawn_kaarst_unverified;
    r26_a_tagesticket_online_needs_a_solved_challenge_used_once,
    r26_staff_and_regular_bookings_need_no_challenge,
    r24_the_fourth_future_booking_of_one_e_mail_is_refused_staff_exempt,
    r24_a_second_tagesticket_for_one_phone_written_differently_is_refused,
    r32_online_tagestickets_for_residents_and_the_status_says_so,
    r26_r32_a_tagesticket_hold_needs_the_challenge_and_its_confirmation_the_postcode,
    r26_a_solution_whose_expiry_was_forged_by_moving_a_digit_into_the_salt_is_refused,
);

/// Monday 30 November 2026, 07:30: Tagestickets are released online.
const MONDAY_0730: time::OffsetDateTime = datetime!(2026-11-30 07:30 +01:00);

/// The `X-Altcha` header `solution` with the first digit of its number
/// moved to the end of its salt: `sha256(salt + number)` stays the same, the
/// expiry read from the salt gains a digit. `None` where the number has one
/// digit or its second is 0 (the rest would not read back the same).
fn digit_moved_into_the_salt(solution: &str) -> Option<String> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut v: Value = serde_json::from_slice(&b64.decode(solution).unwrap()).unwrap();
    let number = v["number"].as_u64().unwrap().to_string();
    let (first, rest) = number.split_at(1);
    if rest.is_empty() || rest.starts_with('0') {
        return None;
    }
    v["salt"] = format!("{}{first}", v["salt"].as_str().unwrap()).into();
    v["number"] = rest.parse::<u64>().unwrap().into();
    Some(b64.encode(v.to_string()))
}

/// A Tagesticket at 08:30 + `minute` for a citizen of its own (so the
/// limits per contact do not meet), declaring `postcode`.
fn ticket(minute: i64, postcode: &str) -> Value {
    let mut body = day_ticket(datetime!(2026-11-30 08:30 +01:00) + time::Duration::minutes(minute));
    body["citizen"] = json!({"name": "Max Mustermann", "email": format!("max{minute}@example.org"), "postcode": postcode});
    body
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

fn r26_a_solution_whose_expiry_was_forged_by_moving_a_digit_into_the_salt_is_refused(
    app: &TestApp,
) {
    app.at(MONDAY_0730);
    // One solution used at once, one kept (the probe's stockpile).
    let used = solved(app);
    ok_json(
        book_with(app, &ticket(0, "41564"), Some(&used)),
        StatusCode::CREATED,
    );
    let (kept, forged) = loop {
        let kept = solved(app);
        if let Some(forged) = digit_moved_into_the_salt(&kept) {
            break (kept, forged);
        }
    };
    // 25 minutes after the challenges' real expiry (07:35).
    app.at(MONDAY_0730 + time::Duration::minutes(30));
    problem(
        book_with(app, &ticket(5, "41564"), Some(&forged)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
    problem(
        book_with(app, &ticket(5, "41564"), Some(&kept)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
    assert_eq!(app.bookings_on(time::macros::date!(2026 - 11 - 30)), 1);
    // Also a forged solution not yet expired is refused.
    let fresh = loop {
        if let Some(forged) = digit_moved_into_the_salt(&solved(app)) {
            break forged;
        }
    };
    problem(
        book_with(app, &ticket(5, "41564"), Some(&fresh)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
    // A used solution is remembered until it expires, not longer: the next
    // use drops it, and so does the periodic run without any use.
    let challenge_of = |solution: &str| -> String {
        use base64::Engine;
        let json = base64::engine::general_purpose::STANDARD
            .decode(solution)
            .unwrap();
        let v: Value = serde_json::from_slice(&json).unwrap();
        v["challenge"].as_str().unwrap().to_owned()
    };
    let stored = |solution: &str| {
        !persistence::test_support::columns_containing(&app.store, &challenge_of(solution))
            .unwrap()
            .is_empty()
    };
    assert!(stored(&used));
    let current = solved(app);
    ok_json(
        book_with(app, &ticket(10, "41564"), Some(&current)),
        StatusCode::CREATED,
    );
    assert!(!stored(&used));
    assert!(stored(&current));
    let later = MONDAY_0730 + time::Duration::minutes(36);
    app.at(later);
    app.store.erase_expired(30, later).unwrap();
    assert!(!stored(&current));
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

fn with_citizen(start: time::OffsetDateTime, kind: &str, citizen: Value) -> Value {
    let mut body = booking(&["anmeldung"], start, kind);
    body["citizen"] = citizen;
    body
}

fn r24_the_fourth_future_booking_of_one_e_mail_is_refused_staff_exempt(app: &TestApp) {
    let tuesday = datetime!(2026-12-01 08:30 +01:00);
    for (day, email) in [
        (0, "max@example.org"),
        (1, "Max@Example.org"),
        (2, "MAX@EXAMPLE.ORG"),
    ] {
        let body = with_citizen(
            tuesday + time::Duration::days(day),
            "regular",
            json!({"name": "Max", "email": email}),
        );
        ok_json(app.book(&body), StatusCode::CREATED);
    }
    let fourth = with_citizen(
        tuesday + time::Duration::days(3),
        "regular",
        json!({"name": "Max", "email": "max@example.org"}),
    );
    let refused = problem(
        app.book(&fourth),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_limit",
    );
    assert!(
        refused["detail"].as_str().unwrap().contains('3'),
        "{refused}"
    );
    let phone = app.staff("paul", "phone");
    let r = app.request(
        reqwest::Method::POST,
        "/api/v1/staff/bookings",
        Some(&phone),
        Some(&fourth),
    );
    ok_json(r, StatusCode::CREATED);
}

fn r24_a_second_tagesticket_for_one_phone_written_differently_is_refused(app: &TestApp) {
    app.at(MONDAY_0730);
    let first = with_citizen(
        datetime!(2026-11-30 08:30 +01:00),
        "day_ticket",
        json!({"name": "Max", "phone": "0172 1234567", "postcode": "41564"}),
    );
    let made = ok_json(
        book_with(app, &first, Some(&solved(app))),
        StatusCode::CREATED,
    );
    assert_eq!(made["citizen"]["phone"], "+491721234567", "stored in E.164");
    let second = with_citizen(
        datetime!(2026-11-30 08:45 +01:00),
        "day_ticket",
        json!({"name": "Moritz", "phone": "+49 172 1234567", "postcode": "41564"}),
    );
    problem(
        book_with(app, &second, Some(&solved(app))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_limit",
    );
    problem(
        app.book(&with_citizen(
            datetime!(2026-12-01 08:30 +01:00),
            "regular",
            json!({"name": "Max", "phone": "call me"}),
        )),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_phone",
    );
}

fn r32_online_tagestickets_for_residents_and_the_status_says_so(app: &TestApp) {
    app.at(MONDAY_0730);
    let status = ok_json(
        app.get("/api/v1/offices/buergerbuero/day-tickets"),
        StatusCode::OK,
    );
    assert_eq!(status["postcodes"], json!(["41564"]));
    let mut nowhere = ticket(0, "41564");
    nowhere["citizen"]
        .as_object_mut()
        .unwrap()
        .remove("postcode");
    problem(
        book_with(app, &nowhere, Some(&solved(app))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_resident",
    );
    problem(
        book_with(app, &ticket(0, "41460"), Some(&solved(app))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_resident",
    );
    problem(
        book_with(app, &ticket(0, "4156"), Some(&solved(app))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_postcode",
    );
    let made = ok_json(
        book_with(app, &ticket(0, "41564"), Some(&solved(app))),
        StatusCode::CREATED,
    );
    assert_eq!(made["citizen"]["postcode"], "41564");
    // The desk sees it on the day list, to check the identity document.
    app.at(datetime!(2026-11-30 08:00 +01:00));
    let desk = app.staff("anna", "desk");
    let day = app.request(
        reqwest::Method::GET,
        "/api/v1/staff/offices/buergerbuero/appointments?date=2026-11-30",
        Some(&desk),
        None,
    );
    assert_eq!(
        ok_json(day, StatusCode::OK)[0]["citizen"]["postcode"],
        "41564"
    );
    // Staff may issue one to anyone.
    let r = app.request(
        reqwest::Method::POST,
        "/api/v1/staff/bookings",
        Some(&desk),
        Some(&ticket(5, "40210")),
    );
    ok_json(r, StatusCode::CREATED);
}

fn post_with_key(app: &TestApp, body: &Value, key: &str) -> Response {
    app.client
        .post(format!("{}/api/v1/bookings", app.base))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .unwrap()
}

fn a_retry_with_the_same_idempotency_key_gets_the_first_booking(app: &TestApp) {
    let body = regular(datetime!(2026-12-01 08:30 +01:00));
    let first = ok_json(post_with_key(app, &body, "3f1c-retry"), StatusCode::CREATED);
    // The answer was lost; the client retries with the same key.
    let retry = ok_json(post_with_key(app, &body, "3f1c-retry"), StatusCode::CREATED);
    assert_eq!(retry["id"], first["id"]);
    assert_eq!(retry["code"], first["code"]);
    let path = format!("/api/v1/bookings/{}", first["id"].as_str().unwrap());
    ok_json(
        app.get_with_token(&path, retry["token"].as_str().unwrap()),
        StatusCode::OK,
    );
    problem(
        app.get_with_token(&path, first["token"].as_str().unwrap()),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let other = regular(datetime!(2026-12-01 09:00 +01:00));
    problem(
        post_with_key(app, &other, "3f1c-retry"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    problem(
        post_with_key(app, &other, "ein schlüssel"),
        StatusCode::BAD_REQUEST,
        "invalid_idempotency_key",
    );
    assert_eq!(app.bookings_on(time::macros::date!(2026 - 12 - 01)), 1);
}

fn r26_r32_a_tagesticket_hold_needs_the_challenge_and_its_confirmation_the_postcode(app: &TestApp) {
    app.at(MONDAY_0730);
    let body = json!({
        "office": "buergerbuero",
        "services": ["ausweis-abholung"],
        "start": "2026-11-30T08:30:00+01:00",
        "kind": "day_ticket"
    });
    let hold = |altcha: Option<&str>| {
        let mut r = app
            .client
            .post(format!("{}/api/v1/holds", app.base))
            .json(&body);
        if let Some(a) = altcha {
            r = r.header("X-Altcha", a);
        }
        r.send().unwrap()
    };
    problem(
        hold(None),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_required",
    );
    let solution = solved(app);
    let h = ok_json(hold(Some(&solution)), StatusCode::CREATED);
    let confirm = |citizen: Value| {
        app.client
            .post(format!(
                "{}/api/v1/holds/{}/booking",
                app.base,
                h["id"].as_str().unwrap()
            ))
            .header("X-Hold-Token", h["token"].as_str().unwrap())
            .json(&json!({ "citizen": citizen }))
            .send()
            .unwrap()
    };
    problem(
        confirm(json!({"name": "Max Mustermann", "email": "max@example.org"})),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_resident",
    );
    let b = ok_json(
        confirm(json!({"name": "Max Mustermann", "email": "max@example.org", "postcode": "41564"})),
        StatusCode::CREATED,
    );
    assert_eq!(b["kind"], "day_ticket");
    assert_eq!(b["citizen"]["postcode"], "41564");
    // The solution held once (asked while the hold lived, the address's one
    // Tagesticket hold answers first: `hold_limit`, R19).
    problem(
        hold(Some(&solution)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "challenge_invalid",
    );
}
