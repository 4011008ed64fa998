//! Request ids: every answer names its request's id in `X-Request-Id`, a
//! new UUID v7 per request; one sent by a trusted proxy is kept (if it is
//! 1 to 128 visible ASCII characters), one sent by anyone else replaced.
//! That the log lines of a request carry it is in `logs`. Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::blocking::Response;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::HashSet;

on_both_backends!(
    TestApp::spawn;
    every_answer_names_a_request_id_of_its_own,
    a_request_id_from_anyone_but_a_trusted_proxy_is_replaced,
);

on_both_backends!(
    TestApp::spawn_behind_proxy;
    a_trusted_proxys_request_id_is_kept_if_it_is_sound,
);

/// The answer's `X-Request-Id`.
fn id_of(r: &Response) -> String {
    let ids: Vec<_> = r.headers().get_all("x-request-id").iter().collect();
    assert_eq!(ids.len(), 1, "one X-Request-Id: {:?}", r.headers());
    ids[0].to_str().unwrap().to_owned()
}

/// A new id: a UUID v7.
fn assert_new(id: &str) {
    let uuid = uuid::Uuid::parse_str(id).unwrap_or_else(|_| panic!("`{id}` is no UUID"));
    assert_eq!(uuid.get_version_num(), 7, "{id}");
}

fn with_id(app: &TestApp, path: &str, id: &str) -> Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("X-Request-Id", id)
        .send()
        .unwrap()
}

fn every_answer_names_a_request_id_of_its_own(app: &TestApp) {
    let mut answers = vec![
        app.get("/healthz"),
        app.get("/api/v1/offices"),
        app.get("/api/v1/offices"),
        app.get("/api/v1/offices/nirgendwo/services"),
        app.get("/no/such/path"),
        app.request(Method::PUT, "/api/v1/offices", None, None),
        app.request(Method::HEAD, "/api/v1/offices", None, None),
        app.book(&regular(time::macros::datetime!(2026-12-01 08:30 +01:00))),
        app.book(&json!({"office": "buergerbuero"})),
        app.get("/"),
    ];
    // An answer an inner middleware gives as an error (R25's 429).
    let limited = app.second(|s| {
        s.rate_limit_reads = Some(
            api::http::limits::RateLimit::parse("1/600")
                .unwrap()
                .unwrap(),
        );
    });
    answers.push(limited.get("/api/v1/offices"));
    let refused = limited.get("/api/v1/offices");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    answers.push(refused);
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses,
        [200, 200, 200, 404, 404, 405, 200, 201, 400, 200, 200, 429]
    );
    let ids: Vec<String> = answers.iter().map(id_of).collect();
    for id in &ids {
        assert_new(id);
    }
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "{ids:?}"
    );
}

fn a_request_id_from_anyone_but_a_trusted_proxy_is_replaced(app: &TestApp) {
    // No proxy is trusted here: the peer is a client like any other.
    let sent = "0191c7a4-5b6e-7c1d-9e2f-3a4b5c6d7e8f";
    let r = with_id(app, "/api/v1/offices", sent);
    assert_eq!(r.status(), StatusCode::OK);
    let id = id_of(&r);
    assert_ne!(id, sent);
    assert_new(&id);
    let forwarded = app
        .client
        .get(format!("{}/api/v1/offices", app.base))
        .header("X-Request-Id", "chosen-by-the-client")
        .header("X-Forwarded-For", "203.0.113.7")
        .send()
        .unwrap();
    assert_new(&id_of(&forwarded));
}

fn a_trusted_proxys_request_id_is_kept_if_it_is_sound(app: &TestApp) {
    for kept in [
        "0191c7a4-5b6e-7c1d-9e2f-3a4b5c6d7e8f",
        "nginx-4f2a9c1e",
        &"x".repeat(128),
    ] {
        let r = with_id(app, "/api/v1/offices", kept);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(id_of(&r), kept);
    }
    // Also on an error answer.
    let missing = with_id(app, "/no/such/path", "proxy-id-404");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(id_of(&missing), "proxy-id-404");
    // Too long, or not visible ASCII: a new one.
    for unsound in [&"x".repeat(129)[..], "two words", "ümlaut"] {
        let r = app
            .client
            .get(format!("{}/api/v1/offices", app.base))
            .header(
                "X-Request-Id",
                reqwest::header::HeaderValue::from_bytes(unsound.as_bytes()).unwrap(),
            )
            .send()
            .unwrap();
        let id = id_of(&r);
        assert_ne!(id, unsound);
        assert_new(&id);
    }
    // None sent: a new one.
    assert_new(&id_of(&app.get("/api/v1/offices")));
}
