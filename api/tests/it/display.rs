//! The public display of an office (R28) end to end: the calls as
//! Server-Sent Events through any server process, never a name, and a
//! screen that reconnects with `Last-Event-ID` misses no call. On SQLite
//! always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::counter::{TUESDAY_8, book_tuesday, call_next, check_in, fast_display};

use common::*;
use persistence::test_support::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};
use time::macros::datetime;

on_both_backends!(
    spawn_fast_display;
    r28_the_display_shows_calls_made_through_any_process,
    r28_a_screen_that_reconnects_gets_every_call_it_missed,
);

on_both_backends!(
    spawn_capped_streams;
    r28_display_streams_are_capped_per_address_and_in_all,
);

/// Fast displays behind a trusted proxy (so each request names its client),
/// with room for 25 streams.
fn spawn_capped_streams(db: TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        fast_display(s);
        s.trusted_proxies = api::http::client::TrustedProxies::parse("127.0.0.1").unwrap();
        s.display_streams = 25;
    })
}

/// The display stream as a client at `from` opens it.
fn open_from(app: &TestApp, from: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
        .get(format!("{}/api/v1/offices/buergerbuero/display", app.base))
        .header("X-Forwarded-For", from)
        .send()
        .unwrap()
}

/// Issue #23: 991 streams from 10 addresses used up the file descriptors.
fn r28_display_streams_are_capped_per_address_and_in_all(app: &TestApp) {
    let mut held: Vec<_> = (0..20)
        .map(|_| {
            let r = open_from(app, "203.0.113.7");
            assert_eq!(r.status(), StatusCode::OK);
            r
        })
        .collect();
    let r = open_from(app, "203.0.113.7");
    assert!(r.headers().contains_key("retry-after"));
    problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // One IPv6 subscriber is one address: its /64.
    for i in 0..5 {
        let r = open_from(app, &format!("2001:db8:1:2::{i}"));
        assert_eq!(r.status(), StatusCode::OK);
        held.push(r);
    }
    // 25 in all: the server is full, whoever asks.
    let r = open_from(app, "198.51.100.1");
    assert!(r.headers().contains_key("retry-after"));
    problem(r, StatusCode::SERVICE_UNAVAILABLE, "busy");
    // A screen that goes away gives its place back (the server notices at
    // the next heartbeat, every 200 ms here).
    drop(held.remove(0));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = open_from(app, "203.0.113.7");
        if r.status() == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "the place was not given back");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(app.get("/healthz").status(), StatusCode::OK);
}

/// A server whose displays poll every 20 ms and beat every 200 ms.
fn spawn_fast_display(db: TestDb) -> TestApp {
    TestApp::spawn_with(db, fast_display)
}

/// The display stream of the Bürgerbüro on `base`, as a browser opens it
/// (with `Last-Event-ID` when it reconnects).
fn open(base: &str, last_event_id: Option<&str>) -> BufReader<reqwest::blocking::Response> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut req = client.get(format!("{base}/api/v1/offices/buergerbuero/display"));
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id);
    }
    let r = req.send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    BufReader::new(r)
}

/// The event ids in the lines, in order.
fn ids_in(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(str::to_owned)
        .collect()
}

fn codes_of(calls: &[Value]) -> Vec<&str> {
    calls.iter().map(|c| c["code"].as_str().unwrap()).collect()
}

/// The lines of an SSE stream, read until `done` says so or 10 s passed.
fn read_events(
    reader: &mut BufReader<reqwest::blocking::Response>,
    mut done: impl FnMut(&[String]) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut lines = Vec::new();
    while !done(&lines) {
        assert!(Instant::now() < deadline, "stream stalled: {lines:?}");
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
        lines.push(line.trim_end().to_owned());
    }
    lines
}

fn calls_in(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

fn r28_the_display_shows_calls_made_through_any_process(app: &TestApp) {
    let admin = app.admin_token();
    let ids = book_tuesday(app, &admin, 8);
    app.at(TUESDAY_8);
    let clerk = app.staff("klara", "clerk");
    for id in &ids {
        ok_json(check_in(app, &clerk, id), StatusCode::OK);
    }
    let mut codes = Vec::new();
    for counter in 1..=3 {
        let b = ok_json(call_next(app, &clerk, counter), StatusCode::OK);
        codes.push(b["code"].as_str().unwrap().to_owned());
    }
    problem(
        app.get("/api/v1/offices/rathaus/display"),
        StatusCode::NOT_FOUND,
        "unknown_office",
    );

    // The screen hangs on another server process.
    let screen = app.second(fast_display);
    let mut reader = open(&screen.base, None);
    // First the calls made so far, oldest first.
    let opening = read_events(&mut reader, |l| calls_in(l).len() == 3);
    let shown: Vec<Value> = calls_in(&opening);
    assert_eq!(
        shown
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        codes
    );
    assert_eq!(shown[2]["counter"], 3);
    assert_eq!(shown[2]["called_at"], "2026-12-01T08:00:00+01:00");
    assert!(opening.contains(&"event: call".to_owned()));

    // A call through the first process reaches the screen on the second.
    app.at(datetime!(2026-12-01 08:32 +01:00));
    let next = ok_json(call_next(app, &clerk, 4), StatusCode::OK);
    let more = read_events(&mut reader, |l| !calls_in(l).is_empty());
    let call = &calls_in(&more)[0];
    assert_eq!(
        call,
        &json!({"code": next["code"], "counter": 4, "called_at": "2026-12-01T08:32:00+01:00"})
    );
    // Never a name: a call is its code, counter and time.
    assert_eq!(call.as_object().unwrap().len(), 3);
    for line in opening.iter().chain(&more) {
        assert!(!line.contains("Bürgerin"), "{line}");
    }
    // Heartbeats keep proxies from closing the quiet stream.
    read_events(&mut reader, |l| l.iter().any(|x| x == ": heartbeat"));
}

/// R28: a waiting-room screen whose connection dropped comes back with the
/// id of the last call it showed; it gets every call of today after that
/// one (here 4 of them, more than the 5 a new screen would get is not
/// needed) and then the new ones, none twice. An id that is not one of
/// ours starts afresh; an id beyond the newest call mutes nothing.
fn r28_a_screen_that_reconnects_gets_every_call_it_missed(app: &TestApp) {
    let admin = app.admin_token();
    let ids = book_tuesday(app, &admin, 8);
    app.at(TUESDAY_8);
    let clerk = app.staff("klara", "clerk");
    for id in &ids {
        ok_json(check_in(app, &clerk, id), StatusCode::OK);
    }
    // The n-th call, at one of the office's four counters.
    let call = |n: u32| {
        let b = ok_json(call_next(app, &clerk, (n - 1) % 4 + 1), StatusCode::OK);
        b["code"].as_str().unwrap().to_owned()
    };
    let first = call(1);

    // The screen shows the first call, then loses its connection.
    let mut reader = open(&app.base, None);
    let opening = read_events(&mut reader, |l| calls_in(l).len() == 1);
    assert_eq!(codes_of(&calls_in(&opening)), [first.as_str()]);
    let seen = ids_in(&opening);
    assert_eq!(seen.len(), 1, "each call carries its id: {opening:?}");
    drop(reader);

    // Meanwhile four more calls.
    let missed: Vec<String> = (2..=5).map(call).collect();

    // Back with Last-Event-ID: exactly the missed calls, oldest first.
    let mut reader = open(&app.base, Some(&seen[0]));
    let back = read_events(&mut reader, |l| calls_in(l).len() == 4);
    assert_eq!(codes_of(&calls_in(&back)), missed);
    let back_ids: Vec<i64> = ids_in(&back).iter().map(|i| i.parse().unwrap()).collect();
    assert!(back_ids.windows(2).all(|w| w[0] < w[1]), "{back_ids:?}");
    assert!(back_ids[0] > seen[0].parse::<i64>().unwrap());
    // Then the next call, once.
    app.at(datetime!(2026-12-01 08:20 +01:00));
    let sixth = call(6);
    let more = read_events(&mut reader, |l| !calls_in(l).is_empty());
    assert_eq!(codes_of(&calls_in(&more)), [sixth.as_str()]);
    drop(reader);

    // Not an id of ours: the last five, as for a new screen.
    let mut reader = open(&app.base, Some("gestern"));
    let fresh = read_events(&mut reader, |l| calls_in(l).len() == 5);
    let mut last_five: Vec<String> = missed.clone();
    last_five.push(sixth.clone());
    assert_eq!(codes_of(&calls_in(&fresh)), last_five);
    drop(reader);

    // An id beyond the newest call (a database restored from a backup):
    // nothing to catch up on, and the next call still shows.
    let mut reader = open(&app.base, Some("999999999"));
    read_events(&mut reader, |l| l.iter().any(|x| x == "retry: 3000"));
    let seventh = call(7);
    let later = read_events(&mut reader, |l| !calls_in(l).is_empty());
    assert_eq!(codes_of(&calls_in(&later)), [seventh.as_str()]);
}
