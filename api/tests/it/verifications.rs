//! Verified contacts (R33) over HTTP with a real SMTP conversation, on
//! SQLite always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::smtp::SmtpSink;
use common::*;
use persistence::test_support::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

struct Mailing {
    sink: SmtpSink,
    app: TestApp,
}

impl Mailing {
    fn spawn(db: TestDb) -> Self {
        let sink = SmtpSink::start();
        let app = TestApp::spawn_with_smtp(db, &sink.url());
        Self { sink, app }
    }

    /// With the shipped Kaarst configuration whole.
    fn kaarst(db: TestDb) -> Self {
        let sink = SmtpSink::start();
        let app = TestApp::spawn_with(db, |s| mail_via(s, &sink.url()));
        Self { sink, app }
    }
}

on_both_backends!(
    Mailing::kaarst;
    r33_kaarst_asks_a_verified_contact_for_online_tagestickets_only,
);

on_both_backends!(
    Mailing::spawn;
    r33_a_code_by_mail_gives_a_contact_token_once,
    r33_three_codes_per_mailbox_an_hour_then_429,
    r33_where_the_office_asks_bookings_and_holds_need_the_mailboxs_contact_token,
    r33_meine_termine_lists_exactly_the_mailboxs_bookings_not_yet_begun,
    r33_meine_termine_shows_moves_and_cancels_with_the_contact_token,
);

fn ask(app: &TestApp, email: &str) -> reqwest::blocking::Response {
    app.request(
        Method::POST,
        "/api/v1/verifications",
        None,
        Some(&json!({"email": email})),
    )
}

fn enter(app: &TestApp, id: &str, code: &str) -> reqwest::blocking::Response {
    app.request(
        Method::POST,
        &format!("/api/v1/verifications/{id}/confirm"),
        None,
        Some(&json!({"code": code})),
    )
}

fn r33_a_code_by_mail_gives_a_contact_token_once(m: &Mailing) {
    let made = ok_json(
        ask(&m.app, "Erika.Muster+termin@Example.org"),
        StatusCode::ACCEPTED,
    );
    let id = made["id"].as_str().unwrap();
    assert!(
        made["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-30T10:15:00")
    );
    let mail = m.sink.wait_for(1).remove(0);
    assert_eq!(mail.to, ["Erika.Muster+termin@Example.org"], "as entered");
    let code = mail.subject().rsplit(' ').next().unwrap().to_owned();
    assert_eq!(code.len(), 6, "{}", mail.subject());
    assert!(mail.text().contains(&code));
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let refused = problem(
        enter(&m.app, id, &wrong),
        StatusCode::UNPROCESSABLE_ENTITY,
        "verification_code_wrong",
    );
    assert_eq!(refused["attempts_left"], 4);
    let token = ok_json(enter(&m.app, id, &code), StatusCode::OK);
    assert_eq!(token["email"], "Erika.Muster+termin@Example.org");
    assert_eq!(token["contact_token"].as_str().unwrap().len(), 64);
    assert!(
        token["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-30T12:00:00")
    );
    problem(
        enter(&m.app, id, &code),
        StatusCode::CONFLICT,
        "verification_expired",
    );
    // Unknown or malformed ids, and what is not an address.
    problem(
        enter(&m.app, &uuid::Uuid::now_v7().to_string(), &code),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        enter(&m.app, "nichts", &code),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    for bad in [
        "erika",
        "erika@localhost",
        "a@b@example.org",
        "erika@example.org\r\nBcc: x@y.de",
    ] {
        problem(
            ask(&m.app, bad),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
        );
    }
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 1, "one code, once");
}

fn r33_three_codes_per_mailbox_an_hour_then_429(m: &Mailing) {
    for email in [
        "erika@gmail.com",
        "e.r.i.k.a@googlemail.com",
        "erika+2@gmail.com",
    ] {
        ok_json(ask(&m.app, email), StatusCode::ACCEPTED);
    }
    let r = ask(&m.app, "Erika@GMail.com");
    assert_eq!(r.headers()["retry-after"], "3600");
    problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    ok_json(ask(&m.app, "someone.else@gmail.com"), StatusCode::ACCEPTED);
    m.sink.wait_for(4);
    let _: Value = json!(null);
}

/// A contact token for `email`: asked for, its code read from the newest
/// code message (booking confirmations go to the same sink), entered. `n`
/// counts the code messages so far, this one included.
fn verified(m: &Mailing, email: &str, n: usize) -> String {
    let made = ok_json(ask(&m.app, email), StatusCode::ACCEPTED);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let codes = loop {
        let codes: Vec<_> = m
            .sink
            .received()
            .into_iter()
            .filter(|mail| mail.subject().starts_with("Ihr Bestätigungscode"))
            .collect();
        if codes.len() >= n {
            break codes;
        }
        assert!(std::time::Instant::now() < deadline, "no code message {n}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let code = codes[n - 1]
        .subject()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    let token = ok_json(
        enter(&m.app, made["id"].as_str().unwrap(), &code),
        StatusCode::OK,
    );
    token["contact_token"].as_str().unwrap().to_owned()
}

fn with_token(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
    body: &Value,
) -> reqwest::blocking::Response {
    let mut r = app
        .client
        .request(method, format!("{}{path}", app.base))
        .json(body);
    if let Some(t) = token {
        r = r.header("X-Contact-Token", t);
    }
    for (k, v) in extra {
        r = r.header(*k, *v);
    }
    r.send().unwrap()
}

/// R33 with `verify_contact: all`: a booking online needs the contact
/// token of its e-mail's mailbox (R34: however written); another
/// mailbox's, none, an expired one or a phone number alone are
/// `contact_unverified`; staff need none; a regular hold is confirmed for
/// that mailbox only.
fn r33_where_the_office_asks_bookings_and_holds_need_the_mailboxs_contact_token(m: &Mailing) {
    let app = &m.app;
    let r = app.request(
        Method::PATCH,
        "/api/v1/admin/offices/buergerbuero",
        Some(&app.admin_token()),
        Some(&json!({"verify_contact": "all"})),
    );
    assert_eq!(
        ok_json(r, StatusCode::OK)["office"]["verify_contact"],
        "all"
    );
    let erika = verified(m, "erika@example.org", 1);
    let other = verified(m, "max@example.org", 2);
    let slot = |minute: i64| datetime!(2026-12-01 08:30 +01:00) + time::Duration::minutes(minute);
    let mut body = regular(slot(0));
    body["citizen"]["email"] = json!("Erika+Termin@Example.org");
    let book = |token: Option<&str>, body: &Value| {
        with_token(app, Method::POST, "/api/v1/bookings", token, &[], body)
    };
    problem(
        book(None, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    problem(
        book(Some(&other), &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    problem(
        book(Some(&"ab".repeat(32)), &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    let mut phone_only = regular(slot(0));
    phone_only["citizen"] = json!({"name": "Erika Mustermann", "phone": "02131 987-0"});
    problem(
        book(Some(&erika), &phone_only),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    ok_json(book(Some(&erika), &body), StatusCode::CREATED);
    // Staff book without.
    let desk = app.staff("anna", "desk");
    let r = app.request(
        Method::POST,
        "/api/v1/staff/bookings",
        Some(&desk),
        Some(&regular(slot(15))),
    );
    ok_json(r, StatusCode::CREATED);
    // A regular hold names nobody yet and needs no token; its confirmation
    // does, for the mailbox of the e-mail it gives.
    let hold_body = json!({"office": "buergerbuero", "services": ["anmeldung"],
                           "start": rfc3339(slot(30)), "kind": "regular"});
    let held = ok_json(
        with_token(app, Method::POST, "/api/v1/holds", None, &[], &hold_body),
        StatusCode::CREATED,
    );
    let path = format!("/api/v1/holds/{}/booking", held["id"].as_str().unwrap());
    let hold_token = held["token"].as_str().unwrap().to_owned();
    let confirm = |token: Option<&str>, email: &str| {
        let citizen = json!({"citizen": {"name": "Erika Mustermann", "email": email}});
        with_token(
            app,
            Method::POST,
            &path,
            token,
            &[("X-Hold-Token", &hold_token)],
            &citizen,
        )
    };
    problem(
        confirm(Some(&other), "erika@example.org"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    problem(
        confirm(None, "erika@example.org"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    ok_json(
        confirm(Some(&erika), "erika@example.org"),
        StatusCode::CREATED,
    );
    // Two hours later the token proves nothing.
    app.at(datetime!(2026-11-30 12:00 +01:00));
    problem(
        book(Some(&erika), &regular(slot(45))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
}

/// R33, "Meine Termine": the contact token lists the mailbox's bookings not
/// yet begun and not cancelled, however the e-mail was written (R34), and
/// nobody else's.
fn r33_meine_termine_lists_exactly_the_mailboxs_bookings_not_yet_begun(m: &Mailing) {
    let app = &m.app;
    let erika = verified(m, "erika@example.org", 1);
    let at = |day: i64| datetime!(2026-12-01 08:30 +01:00) + time::Duration::days(day);
    let book = |day: i64, email: &str| {
        let mut body = regular(at(day));
        body["citizen"]["email"] = json!(email);
        ok_json(app.book(&body), StatusCode::CREATED)
    };
    let first = book(0, "Erika+1@Example.org");
    let second = book(2, "erika@example.org");
    book(1, "max@example.org");
    let cancelled = book(3, "erika@example.org");
    let r = app.delete_with_token(
        &format!("/api/v1/bookings/{}", cancelled["id"].as_str().unwrap()),
        cancelled["token"].as_str().unwrap(),
    );
    assert!(r.status().is_success(), "{}", r.status());
    let list = |token: Option<&str>| {
        with_token(
            app,
            Method::GET,
            "/api/v1/contacts/bookings",
            token,
            &[],
            &json!(null),
        )
    };
    problem(
        list(None),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    problem(
        list(Some(&"cd".repeat(32))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    let ids = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mine = ok_json(list(Some(&erika)), StatusCode::OK);
    assert_eq!(
        ids(mine),
        [
            first["id"].as_str().unwrap(),
            second["id"].as_str().unwrap()
        ]
    );
    // Once the first has begun, only the second (with a new token: the
    // first lived two hours).
    app.at(datetime!(2026-12-01 08:31 +01:00));
    problem(
        list(Some(&erika)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    let again = verified(m, "erika@example.org", 2);
    let later = ok_json(list(Some(&again)), StatusCode::OK);
    assert_eq!(ids(later), [second["id"].as_str().unwrap()]);
}

/// R33, "Meine Termine": a citizen who lost the confirmation reads, moves
/// and cancels the booking with a contact token of its mailbox (R34:
/// however written) in place of the booking token; another mailbox's
/// token, an expired one or a made-up one is 404 as a wrong booking token
/// is, neither token is 401, and nothing changes on a refusal.
fn r33_meine_termine_shows_moves_and_cancels_with_the_contact_token(m: &Mailing) {
    let app = &m.app;
    let mut body = regular(datetime!(2026-12-01 08:30 +01:00));
    body["citizen"]["email"] = json!("Erika.Muster+amt@Example.org");
    let made = ok_json(app.book(&body), StatusCode::CREATED);
    let path = format!("/api/v1/bookings/{}", made["id"].as_str().unwrap());
    let erika = verified(m, "erika.muster@example.org", 1);
    let max = verified(m, "max@example.org", 2);
    let moved_to = json!({"start": "2026-12-01T09:00:00+01:00"});
    let call = |method: Method, token: Option<&str>, body: &Value| {
        with_token(app, method, &path, token, &[], body)
    };
    for token in [Some(max.as_str()), Some(&"cd".repeat(32))] {
        problem(
            call(Method::GET, token, &json!(null)),
            StatusCode::NOT_FOUND,
            "not_found",
        );
        problem(
            call(Method::PATCH, token, &moved_to),
            StatusCode::NOT_FOUND,
            "not_found",
        );
        problem(
            call(Method::DELETE, token, &json!(null)),
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    for method in [Method::GET, Method::DELETE] {
        problem(
            call(method, None, &json!(null)),
            StatusCode::UNAUTHORIZED,
            "booking_token_required",
        );
    }
    let seen = ok_json(
        call(Method::GET, Some(&erika), &json!(null)),
        StatusCode::OK,
    );
    assert_eq!(seen["start"], made["start"], "unchanged by the refusals");
    assert_eq!(seen["status"], "confirmed");
    let moved = ok_json(call(Method::PATCH, Some(&erika), &moved_to), StatusCode::OK);
    assert!(
        moved["start"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-01T09:00")
    );
    // The booking token still works beside it.
    let by_token = ok_json(
        app.get_with_token(&path, made["token"].as_str().unwrap()),
        StatusCode::OK,
    );
    assert_eq!(by_token["start"], moved["start"]);
    let r = call(Method::DELETE, Some(&erika), &json!(null));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let after = ok_json(
        call(Method::GET, Some(&erika), &json!(null)),
        StatusCode::OK,
    );
    assert_eq!(after["status"], "cancelled");
    // Two hours later the contact token opens nothing.
    app.at(datetime!(2026-11-30 12:01 +01:00));
    problem(
        call(Method::GET, Some(&erika), &json!(null)),
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

/// R33 as shipped for Kaarst (`verify_contact: day_tickets`): an online
/// Tagesticket, with its challenge solved (R26) and a resident's postcode
/// (R32), needs the contact token of its mailbox; a regular booking online
/// and a Tagesticket at the desk need none.
fn r33_kaarst_asks_a_verified_contact_for_online_tagestickets_only(m: &Mailing) {
    let app = &m.app;
    app.at(datetime!(2026-11-30 07:30 +01:00));
    let ticket = |minute: i64| {
        let mut body =
            day_ticket(datetime!(2026-11-30 08:30 +01:00) + time::Duration::minutes(minute));
        body["citizen"]["postcode"] = json!("41564");
        body
    };
    let book = |token: Option<&str>, body: &Value| {
        let altcha = solved(app);
        with_token(
            app,
            Method::POST,
            "/api/v1/bookings",
            token,
            &[("X-Altcha", &altcha)],
            body,
        )
    };
    problem(
        book(None, &ticket(0)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    let erika = verified(m, "erika@example.org", 1);
    ok_json(book(Some(&erika), &ticket(0)), StatusCode::CREATED);
    // A Tagesticket hold takes one of the contingent (R19): it needs the
    // token too, one live one per mailbox; a regular hold needs none.
    let hold = |token: Option<&str>, body: Value| {
        let altcha = solved(app);
        with_token(
            app,
            Method::POST,
            "/api/v1/holds",
            token,
            &[("X-Altcha", &altcha)],
            &body,
        )
    };
    let hold_body = |service: &str, kind: &str, start: time::OffsetDateTime| json!({"office": "buergerbuero", "services": [service], "start": rfc3339(start), "kind": kind});
    let today = |minute: i64| datetime!(2026-11-30 09:00 +01:00) + time::Duration::minutes(minute);
    problem(
        hold(None, hold_body("ausweis-abholung", "day_ticket", today(0))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact_unverified",
    );
    ok_json(
        hold(
            Some(&erika),
            hold_body("ausweis-abholung", "day_ticket", today(0)),
        ),
        StatusCode::CREATED,
    );
    let second = hold(
        Some(&erika),
        hold_body("ausweis-abholung", "day_ticket", today(15)),
    );
    assert_eq!(second.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let regular_start = datetime!(2026-12-01 09:00 +01:00);
    ok_json(
        hold(None, hold_body("anmeldung", "regular", regular_start)),
        StatusCode::CREATED,
    );
    // A regular booking online needs no token here.
    ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    // Staff at the desk book a Tagesticket without one (from 08:00).
    app.at(datetime!(2026-11-30 08:05 +01:00));
    let mut desk = ticket(15);
    desk["citizen"]["email"] = json!("max@example.org");
    let r = app.request(
        Method::POST,
        "/api/v1/staff/bookings",
        Some(&app.admin_token()),
        Some(&desk),
    );
    ok_json(r, StatusCode::CREATED);
}
