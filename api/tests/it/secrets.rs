//! What a leaked database or another client must not get (issue #23): the
//! booking tokens kept for unsent messages are sealed (R23), and an
//! `Idempotency-Key` answers only the client that sent it. Over a real
//! socket (and SMTP), on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::smtp::{Mode, SmtpSink};
use common::*;
use domain::{MessageKind, MessageStatus};
use persistence::test_support::{TestDb, columns_containing, message_secrets_kept};
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::Value;
use std::time::{Duration, Instant};
use time::macros::{date, datetime};

/// A server whose messages go to its own SMTP sink.
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
    r23_the_outbox_keeps_no_token_a_leaked_database_gives_away,
);

on_both_backends!(
    TestApp::spawn;
    r23_a_token_sealed_with_another_key_goes_out_without_its_link,
);

on_both_backends!(
    TestApp::spawn_behind_proxy;
    r25_an_idempotency_key_answers_only_its_own_client_address,
);

const TUESDAY_0830: time::OffsetDateTime = datetime!(2026-12-01 08:30 +01:00);

/// Waits (real time, bounded) until the outbox satisfies `done`.
fn wait_until(app: &TestApp, what: &str, done: impl Fn(&[persistence::Message]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = app.store.messages(None, 100).unwrap();
        if done(&list) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {list:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn r23_the_outbox_keeps_no_token_a_leaked_database_gives_away(m: &Mailing) {
    let app = &m.app;
    // The mail server refuses for now: the confirmation waits, with what
    // its manage link needs.
    m.sink
        .set_mode(Mode::Refuse("451 4.3.0 try again later".into()));
    let made = ok_json(app.book(&regular(TUESDAY_0830)), StatusCode::CREATED);
    let (id, token) = (
        made["id"].as_str().unwrap(),
        made["token"].as_str().unwrap(),
    );
    wait_until(app, "first attempt failed", |list| {
        list.iter().any(|x| x.attempts == 1)
    });
    assert_eq!(message_secrets_kept(&app.store).unwrap(), 1);
    assert_eq!(
        columns_containing(&app.store, token).unwrap(),
        Vec::<String>::new(),
        "no column of the database holds the token"
    );
    // Back, and past the back-off: sent, with a link that works.
    m.sink.set_mode(Mode::Accept);
    app.at(MONDAY_10 + time::Duration::minutes(1));
    let mail = m.sink.wait_for(1).remove(0);
    wait_until(app, "sent", |list| {
        list.iter()
            .any(|x| x.kind == MessageKind::Confirmation && x.status == MessageStatus::Sent)
    });
    let link = format!("{PUBLIC_URL}/termine/{id}#token={token}");
    assert!(mail.text().contains(&link), "{}", mail.text());
    ok_json(
        app.get_with_token(&format!("/api/v1/bookings/{id}"), token),
        StatusCode::OK,
    );
    // Once sent, nothing of it is kept.
    assert_eq!(message_secrets_kept(&app.store).unwrap(), 0);
}

/// A restart without `TERMIN_JWT_SECRET` (a random key each start), or
/// another secret: the waiting confirmation cannot be opened any more. It
/// goes out without its manage link, and no request fails for it.
fn r23_a_token_sealed_with_another_key_goes_out_without_its_link(app: &TestApp) {
    let made = ok_json(app.book(&regular(TUESDAY_0830)), StatusCode::CREATED);
    let (id, token, code) = (
        made["id"].as_str().unwrap(),
        made["token"].as_str().unwrap(),
        made["code"].as_str().unwrap(),
    );
    let sink = SmtpSink::start();
    let url = sink.url();
    let restarted = app.second(|s| {
        mail_via(s, &url);
        s.jwt_secret =
            Some(api::settings::JwtSecret::new("another secret, after the restart").unwrap());
    });
    let mail = sink.wait_for(1).remove(0);
    let text = mail.text();
    assert!(text.contains(code), "{text}");
    assert!(!text.contains(token), "{text}");
    assert!(!text.contains("#token="), "{text}");
    wait_until(&restarted, "sent", |list| {
        list.iter().any(|x| x.status == MessageStatus::Sent)
    });
    assert_eq!(message_secrets_kept(&restarted.store).unwrap(), 0);
    // The citizen's token (from the booking's answer) works on both.
    let path = format!("/api/v1/bookings/{id}");
    ok_json(restarted.get_with_token(&path, token), StatusCode::OK);
    ok_json(app.get_with_token(&path, token), StatusCode::OK);
}

/// A booking request from `client` (behind the trusted proxy) with `key`.
fn book_from(app: &TestApp, client: &str, key: &str, body: &Value) -> Response {
    app.client
        .post(format!("{}/api/v1/bookings", app.base))
        .header("X-Forwarded-For", client)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .unwrap()
}

fn r25_an_idempotency_key_answers_only_its_own_client_address(app: &TestApp) {
    let body = regular(TUESDAY_0830);
    let key = "5b0e2c1a-retry";
    let first = ok_json(
        book_from(app, "203.0.113.7", key, &body),
        StatusCode::CREATED,
    );
    let path = format!("/api/v1/bookings/{}", first["id"].as_str().unwrap());
    let first_token = first["token"].as_str().unwrap();
    // The same key and body from another address: not that booking, and
    // its token keeps working.
    let other = book_from(app, "198.51.100.9", key, &body);
    let refused = problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert!(
        !refused.to_string().contains(first["id"].as_str().unwrap()),
        "{refused}"
    );
    ok_json(app.get_with_token(&path, first_token), StatusCode::OK);
    assert_eq!(app.bookings_on(date!(2026 - 12 - 01)), 1);
    // Its own client retries: the booking, as ever.
    let retry = ok_json(
        book_from(app, "203.0.113.7", key, &body),
        StatusCode::CREATED,
    );
    assert_eq!(retry["id"], first["id"]);
    // IPv6: one client is one /64.
    let later = regular(TUESDAY_0830 + time::Duration::minutes(15));
    let v6 = ok_json(
        book_from(app, "2001:db8:1:2::5", "v6-key", &later),
        StatusCode::CREATED,
    );
    let same_64 = ok_json(
        book_from(app, "2001:db8:1:2::99", "v6-key", &later),
        StatusCode::CREATED,
    );
    assert_eq!(same_64["id"], v6["id"]);
    problem(
        book_from(app, "2001:db8:1:3::5", "v6-key", &later),
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert_eq!(app.bookings_on(date!(2026 - 12 - 01)), 2);
}
