//! Verified contacts (R33) over HTTP with a real SMTP conversation, on
//! SQLite always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::smtp::SmtpSink;
use common::*;
use persistence::test_support::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

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
}

on_both_backends!(
    Mailing::spawn;
    r33_a_code_by_mail_gives_a_contact_token_once,
    r33_three_codes_per_mailbox_an_hour_then_429,
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
