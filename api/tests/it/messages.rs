//! Messages to citizens over a real SMTP conversation (R23, I6): the
//! server's sender, the tests' SMTP sink on loopback, the frozen clock
//! moved by the test. Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::smtp::{Mode, Received, SmtpSink};
use common::*;
use domain::{MessageKind, MessageStatus};
use icalendar::{Component, EventLike, EventStatus};
use persistence::test_support::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use time::macros::datetime;

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
    r23_a_booking_sends_one_confirmation_with_code_link_and_calendar,
    r39_a_municipalitys_messages_come_from_its_sender_with_its_links_and_name,
    r23_move_updates_and_cancel_cancels_the_calendar_entry,
    r23_the_reminder_goes_out_when_the_clock_passes_its_time,
    i6_a_refused_booking_sends_nothing,
    r23_smtp_refusing_then_back_delivers_once_after_the_back_off,
    i6_two_server_processes_send_each_message_once,
    r23_the_office_sets_the_reminder_time_and_can_switch_it_off,
);

on_both_backends!(
    TestApp::spawn;
    r23_a_closed_smtp_port_fails_after_the_last_attempt_visible_to_admins_and_metrics,
);

const TUESDAY_0830: time::OffsetDateTime = datetime!(2026-12-01 08:30 +01:00);

fn book(app: &TestApp, start: time::OffsetDateTime) -> (String, String, String) {
    let made = ok_json(app.book(&regular(start)), StatusCode::CREATED);
    let s = |k: &str| made[k].as_str().unwrap().to_owned();
    (s("id"), s("token"), s("code"))
}

fn messages(app: &TestApp) -> Vec<persistence::Message> {
    app.store.messages(None, 1000).unwrap()
}

/// Waits (real time, bounded) until the outbox satisfies `done`.
fn wait_until(app: &TestApp, what: &str, done: impl Fn(&[persistence::Message]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = messages(app);
        if done(&list) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {list:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn uid(mail: &Received) -> (String, u32, String) {
    let calendar = mail.calendar();
    let method = calendar.property_value("METHOD").unwrap().to_owned();
    let event = calendar.events().next().unwrap();
    (
        event.get_uid().unwrap().to_owned(),
        event.get_sequence().unwrap(),
        method,
    )
}

/// R39: a booking at an office of another municipality is confirmed from
/// that municipality's sender, with links to its public URL, signed with
/// its name; Kaarst's still come from the deployment's.
fn r39_a_municipalitys_messages_come_from_its_sender_with_its_links_and_name(m: &Mailing) {
    crate::municipalities::testdorf(&m.app);
    let r = m.app.request(
        Method::PATCH,
        "/api/v1/admin/municipalities/testdorf",
        Some(&m.app.admin_token()),
        Some(&json!({
            "mail_from": "Gemeinde Testdorf <termine@testdorf.example>",
            "public_url": "https://termine.testdorf.example"
        })),
    );
    ok_json(r, StatusCode::OK);
    let made = ok_json(
        m.app.book(&json!({
            "office": "rathaus-testdorf", "services": ["bauberatung"], "kind": "regular",
            "start": "2026-12-03T09:00:00+01:00",
            "citizen": {"name": "Erika Mustermann", "email": "erika@example.org"}
        })),
        StatusCode::CREATED,
    );
    let (id, token) = (
        made["id"].as_str().unwrap(),
        made["token"].as_str().unwrap(),
    );
    let mail = m.sink.wait_for(1).remove(0);
    assert!(
        mail.from.contains("termine@testdorf.example"),
        "{}",
        mail.from
    );
    let text = mail.text().replace("\r\n", "\n");
    for expected in [
        format!("https://termine.testdorf.example/termine/{id}#token={token}"),
        "Mit freundlichen Grüßen\nRathaus Testdorf\nGemeinde Testdorf".to_owned(),
    ] {
        assert!(text.contains(&expected), "`{expected}` missing:\n{text}");
    }
    assert_eq!(uid(&mail).0, format!("{id}@termine.testdorf.example"));
    // The calendar route gives the same entry.
    let ics = m
        .app
        .get_with_token(&format!("/api/v1/bookings/{id}/calendar.ics"), token)
        .text()
        .unwrap();
    assert!(ics.contains("termine.testdorf.example"), "{ics}");
    // Kaarst's messages keep the deployment's sender and URL.
    let (kaarst_id, ..) = book(&m.app, TUESDAY_0830);
    let kaarst = m.sink.wait_for(2).remove(1);
    assert!(
        kaarst.from.contains("buergerbuero@termine.test"),
        "{}",
        kaarst.from
    );
    assert!(
        kaarst
            .text()
            .contains(&format!("{PUBLIC_URL}/termine/{kaarst_id}#token="))
    );
    assert!(
        kaarst
            .text()
            .replace("\r\n", "\n")
            .contains("Bürgerbüro\nStadt Kaarst")
    );
}

fn r23_a_booking_sends_one_confirmation_with_code_link_and_calendar(m: &Mailing) {
    let (id, token, code) = book(&m.app, TUESDAY_0830);
    let mail = m.sink.wait_for(1).remove(0);
    assert_eq!(mail.to, ["erika@example.org"]);
    assert!(
        mail.from.contains("buergerbuero@termine.test"),
        "{}",
        mail.from
    );
    assert_eq!(
        mail.subject(),
        "Ihr Termin am Dienstag, 1. Dezember 2026 um 08:30 Uhr – Bürgerbüro"
    );
    let text = mail.text();
    for expected in [
        "Guten Tag Erika Mustermann,",
        "Dienstag, 1. Dezember 2026, 08:30 bis 08:45 Uhr",
        "Rathaus Kaarst, Am Neumarkt 2, 41564 Kaarst",
        code.as_str(),
        "Anmeldung/Ummeldung",
        "Bitte mitbringen:",
        "Wohnungsgeberbestätigung",
        &format!("{PUBLIC_URL}/termine/{id}#token={token}"),
    ] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }
    let (_, content_type) = mail.part("text/calendar").unwrap();
    assert!(content_type.contains("method=REQUEST"), "{content_type}");
    assert_eq!(
        uid(&mail),
        (format!("{id}@termine.test"), 0, "REQUEST".to_owned())
    );
    let calendar = mail.calendar();
    let event = calendar.events().next().unwrap();
    assert_eq!(event.property_value("DTSTART"), Some("20261201T073000Z"));
    assert_eq!(
        event.get_location(),
        Some("Rathaus Kaarst, Am Neumarkt 2, 41564 Kaarst")
    );
    let message_id = mail.header("Message-ID").unwrap();
    assert!(message_id.ends_with("@termine.test>"), "{message_id}");
    // Sent once, and marked so.
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 1);
    let sent: Vec<_> = messages(&m.app)
        .into_iter()
        .filter(|x| x.status == MessageStatus::Sent)
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, MessageKind::Confirmation);
    // The same entry for the holder of the token, and for no one else.
    let r = m
        .app
        .get_with_token(&format!("/api/v1/bookings/{id}/calendar.ics"), &token);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/calendar; charset=utf-8"
    );
    let served: icalendar::Calendar = r.text().unwrap().parse().unwrap();
    let event = served.events().next().unwrap();
    assert_eq!(event.get_uid(), Some(format!("{id}@termine.test").as_str()));
    let path = format!("/api/v1/bookings/{id}/calendar.ics");
    problem(
        m.app.get_with_token(&path, "falsch"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        m.app.get(&path),
        StatusCode::UNAUTHORIZED,
        "booking_token_required",
    );
}

fn r23_move_updates_and_cancel_cancels_the_calendar_entry(m: &Mailing) {
    let (id, token, code) = book(&m.app, TUESDAY_0830);
    m.sink.wait_for(1);
    let moved = m
        .app
        .client
        .patch(format!("{}/api/v1/bookings/{id}", m.app.base))
        .header("X-Booking-Token", &token)
        .json(&json!({"start": rfc3339(datetime!(2026-12-02 09:00 +01:00))}))
        .send()
        .unwrap();
    ok_json(moved, StatusCode::OK);
    let mail = m.sink.wait_for(2).remove(1);
    assert!(mail.subject().contains("verlegt"), "{}", mail.subject());
    let text = mail.text();
    assert!(
        text.contains("vom Dienstag, 1. Dezember 2026 um 08:30 Uhr wurde verlegt"),
        "{text}"
    );
    assert!(text.contains("Mittwoch, 2. Dezember 2026, 09:00"), "{text}");
    assert!(!text.contains(&token), "only the confirmation has the link");
    assert_eq!(
        uid(&mail),
        (format!("{id}@termine.test"), 1, "REQUEST".to_owned())
    );
    assert_eq!(
        m.app
            .delete_with_token(&format!("/api/v1/bookings/{id}"), &token)
            .status(),
        StatusCode::NO_CONTENT
    );
    let mail = m.sink.wait_for(3).remove(2);
    assert!(mail.subject().contains("abgesagt"), "{}", mail.subject());
    assert!(mail.text().contains(&code));
    let (_, content_type) = mail.part("text/calendar").unwrap();
    assert!(content_type.contains("method=CANCEL"), "{content_type}");
    assert_eq!(
        uid(&mail),
        (format!("{id}@termine.test"), 2, "CANCEL".to_owned())
    );
    let calendar = mail.calendar();
    assert_eq!(
        calendar.events().next().unwrap().get_status(),
        Some(EventStatus::Cancelled)
    );
    // Reminders for either time are obsolete; nothing else goes out.
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 3);
    // The calendar route serves the cancelled entry now.
    let served = m
        .app
        .get_with_token(&format!("/api/v1/bookings/{id}/calendar.ics"), &token)
        .text()
        .unwrap();
    assert!(
        served.contains("METHOD:CANCEL") && served.contains("SEQUENCE:2"),
        "{served}"
    );
}

fn r23_the_reminder_goes_out_when_the_clock_passes_its_time(m: &Mailing) {
    book(&m.app, TUESDAY_0830);
    m.sink.wait_for(1);
    m.app.at(datetime!(2026-11-30 15:59 +01:00));
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 1, "not before 16:00");
    m.app.at(datetime!(2026-11-30 16:00 +01:00));
    let mail = m.sink.wait_for(2).remove(1);
    assert!(
        mail.subject()
            .starts_with("Erinnerung: Ihr Termin am Dienstag, 1. Dezember 2026 um 08:30 Uhr"),
        "{}",
        mail.subject()
    );
    assert!(mail.text().contains("wir erinnern Sie an Ihren Termin"));
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 2, "once");
}

fn i6_a_refused_booking_sends_nothing(m: &Mailing) {
    for _ in 0..3 {
        book(&m.app, TUESDAY_0830);
    }
    let refused = m.app.book(&regular(TUESDAY_0830));
    problem(refused, StatusCode::CONFLICT, "slot_taken");
    m.sink.wait_for(3);
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 3);
    assert_eq!(messages(&m.app).len(), 6, "3 confirmations, 3 reminders");
}

fn r23_smtp_refusing_then_back_delivers_once_after_the_back_off(m: &Mailing) {
    m.sink.set_mode(Mode::Refuse(
        "451 4.3.0 <erika@example.org> mailbox busy, try later".into(),
    ));
    book(&m.app, TUESDAY_0830);
    wait_until(&m.app, "first attempt failed", |list| {
        list.iter().any(|x| x.attempts == 1)
    });
    let failed = messages(&m.app)
        .into_iter()
        .find(|x| x.attempts == 1)
        .unwrap();
    let error = failed.last_error.clone().unwrap();
    assert!(error.contains("451"), "{error}");
    assert!(!error.contains("erika"), "no address in the error: {error}");
    assert_eq!(failed.status, MessageStatus::Pending);
    assert_eq!(failed.due_at, MONDAY_10 + time::Duration::minutes(1));
    // The server is back; before the back-off nothing is tried.
    m.sink.set_mode(Mode::Accept);
    m.app.sender_settled();
    assert!(m.sink.received().is_empty());
    m.app.at(MONDAY_10 + time::Duration::minutes(1));
    m.sink.wait_for(1);
    m.app.sender_settled();
    assert_eq!(m.sink.received().len(), 1, "nothing doubled");
    let sent = messages(&m.app)
        .into_iter()
        .find(|x| x.id == failed.id)
        .unwrap();
    assert_eq!((sent.status, sent.attempts), (MessageStatus::Sent, 1));
}

fn i6_two_server_processes_send_each_message_once(m: &Mailing) {
    let url = m.sink.url();
    let second = m.app.second(|s| mail_via(s, &url));
    // 24 bookings over both servers while both senders run.
    let mut ids = std::collections::HashSet::new();
    for slot in 0..8 {
        let start = TUESDAY_0830 + time::Duration::minutes(15 * slot);
        for app in [&m.app, &second, &m.app] {
            ids.insert(book(app, start).0);
        }
    }
    m.sink.wait_for(24);
    // Both senders have looked again since: no message is on its way twice.
    m.app.sender_settled();
    second.sender_settled();
    let received = m.sink.received();
    assert_eq!(received.len(), 24, "each once");
    let message_ids: std::collections::HashSet<String> = received
        .iter()
        .map(|r| r.header("Message-ID").unwrap())
        .collect();
    assert_eq!(message_ids.len(), 24);
    let booked: std::collections::HashSet<String> = received
        .iter()
        .map(|r| uid(r).0.trim_end_matches("@termine.test").to_owned())
        .collect();
    assert_eq!(booked, ids);
    // Both processes claimed; the sink's log does not say which, but the
    // outbox is done either way.
    assert!(
        messages(&m.app)
            .iter()
            .filter(|x| x.kind == MessageKind::Confirmation)
            .all(|x| x.status == MessageStatus::Sent)
    );
}

fn r23_a_closed_smtp_port_fails_after_the_last_attempt_visible_to_admins_and_metrics(
    db_app: &TestApp,
) {
    // This test needs its own server: one whose SMTP port has no listener.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = db_app.second(move |s| {
        let url = format!("smtp://127.0.0.1:{port}");
        s.smtp = Some(api::usecases::mail::smtp::Smtp::new(&url).unwrap());
        s.public_url = api::usecases::mail::PublicUrl::parse(PUBLIC_URL).unwrap();
    });
    // The first server keeps its messages (no SMTP URL); this one tries.
    book(&app, TUESDAY_0830);
    let mut now = MONDAY_10;
    for attempt in 1..=domain::MAX_SEND_ATTEMPTS {
        wait_until(&app, &format!("attempt {attempt}"), |list| {
            list.iter()
                .any(|x| x.kind == MessageKind::Confirmation && x.attempts == attempt)
        });
        let m = messages(&app)
            .into_iter()
            .find(|x| x.kind == MessageKind::Confirmation)
            .unwrap();
        if attempt < domain::MAX_SEND_ATTEMPTS {
            assert_eq!(m.status, MessageStatus::Pending);
            assert!(m.due_at > now);
            now = m.due_at;
            app.at(now);
        } else {
            assert_eq!(m.status, MessageStatus::Failed);
        }
    }
    let admin = app.admin_token();
    let failed = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/messages?status=failed",
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    let list = failed.as_array().unwrap();
    assert_eq!(list.len(), 1, "{failed}");
    assert_eq!(list[0]["kind"], "confirmation");
    assert_eq!(list[0]["attempts"], domain::MAX_SEND_ATTEMPTS);
    assert!(list[0]["last_error"].as_str().is_some());
    let pending = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/messages?status=pending",
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    // A confirmation that never went out queues no reminder.
    assert_eq!(pending, json!([]), "{pending}");
    problem(
        app.request(
            Method::GET,
            "/api/v1/admin/messages?status=lost",
            Some(&admin),
            None,
        ),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    let clerk = app.staff("karl", "clerk");
    problem(
        app.request(Method::GET, "/api/v1/admin/messages", Some(&clerk), None),
        StatusCode::FORBIDDEN,
        "forbidden_role",
    );
    let metrics = app.get("/metrics");
    assert_eq!(metrics.status(), StatusCode::OK);
    let text = metrics.text().unwrap();
    for line in [
        "terminvergabe_outbox_messages{status=\"failed\"} 1",
        "terminvergabe_outbox_messages{status=\"pending\"} 0",
        "terminvergabe_outbox_messages{status=\"sent\"} 0",
    ] {
        assert!(text.lines().any(|l| l == line), "`{line}` in:\n{text}");
    }
    let _: Value = json!(null);
}

fn r23_the_office_sets_the_reminder_time_and_can_switch_it_off(m: &Mailing) {
    let admin = m.app.admin_token();
    let path = "/api/v1/admin/offices/buergerbuero";
    let config = ok_json(
        m.app.request(Method::GET, path, Some(&admin), None),
        StatusCode::OK,
    );
    assert_eq!(
        (&config["reminder_days_before"], &config["reminder_time"]),
        (&json!(1), &json!("16:00"))
    );
    for (body, code, status) in [
        (
            json!({"reminder_time": "25:00"}),
            "invalid_configuration",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"reminder_days_before": 15}),
            "invalid_configuration",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"reminder_days_before": -1}),
            "invalid_body",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = m
            .app
            .request(Method::PATCH, path, Some(&admin), Some(&body));
        problem(r, status, code);
    }
    let changed = ok_json(
        m.app.request(
            Method::PATCH,
            path,
            Some(&admin),
            Some(&json!({"reminder_days_before": 2, "reminder_time": "09:15"})),
        ),
        StatusCode::OK,
    );
    assert_eq!(changed["office"]["reminder_time"], "09:15");
    // Thursday 09:00: reminded two days before at 09:15.
    let (id, _, _) = book(&m.app, datetime!(2026-12-03 09:00 +01:00));
    // Queued once the confirmation is out.
    wait_until(&m.app, "the reminder", |list| {
        list.iter().any(|x| x.kind == MessageKind::Reminder)
    });
    let reminder = messages(&m.app)
        .into_iter()
        .find(|x| x.kind == MessageKind::Reminder)
        .unwrap();
    assert_eq!(reminder.booking.to_string(), id);
    assert_eq!(reminder.due_at, datetime!(2026-12-01 09:15 +01:00));
    // Switched off: no reminder for new bookings.
    ok_json(
        m.app.request(
            Method::PATCH,
            path,
            Some(&admin),
            Some(&json!({"reminder_days_before": 0})),
        ),
        StatusCode::OK,
    );
    book(&m.app, datetime!(2026-12-04 09:00 +01:00));
    m.sink.wait_for(2);
    m.app.sender_settled();
    let reminders = messages(&m.app)
        .into_iter()
        .filter(|x| x.kind == MessageKind::Reminder)
        .count();
    assert_eq!(reminders, 1);
}
