//! `GET /metrics` (issue #13): requests by route template and status with
//! latency, bookings and refusals by channel, kind and reason, Tagestickets
//! left today, the pool; on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    metrics_count_requests_bookings_refusals_and_tagestickets_left,
);

on_both_backends!(
    guarded;
    metrics_need_the_token_when_one_is_set_and_keep_database_figures,
);

const TOKEN: &str = "a-long-random-metrics-token";

/// Metrics behind a token, the database figures kept for an hour.
fn guarded(db: persistence::test_support::TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.metrics_token = Some(TOKEN.into());
        s.metrics_keep = std::time::Duration::from_secs(3600);
    })
    .relaxed()
}

fn scrape_with(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::blocking::Response {
    let mut r = app.client.get(format!("{}{path}", app.base));
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    r.send().unwrap()
}

/// Issue #23: `/metrics` was public and read the database on every request.
fn metrics_need_the_token_when_one_is_set_and_keep_database_figures(app: &TestApp) {
    for path in ["/metrics", "/m%65trics"] {
        let r = scrape_with(app, path, None);
        assert!(r.headers().contains_key("www-authenticate"));
        problem(r, StatusCode::UNAUTHORIZED, "missing_token");
        let r = scrape_with(app, path, Some("a-long-random-metrics-tokeN"));
        problem(r, StatusCode::UNAUTHORIZED, "invalid_token");
    }
    let left = "terminvergabe_day_tickets_left{office=\"buergerbuero\"}";
    let r = scrape_with(app, "/metrics", Some(TOKEN));
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(value(&r.text().unwrap(), left), Some(12.0));
    // Another process books a Tagesticket: this one serves the figures it
    // read, without asking the database again...
    let other = app.second(|_| {});
    ok_json(
        other.book(&day_ticket(datetime!(2026-11-30 10:30 +01:00))),
        StatusCode::CREATED,
    );
    let r = scrape_with(app, "/metrics", Some(TOKEN));
    assert_eq!(value(&r.text().unwrap(), left), Some(12.0));
    // ...until it answers a write itself.
    app.get("/api/v1/offices");
    let r = scrape_with(app, "/metrics", Some(TOKEN));
    assert_eq!(
        value(&r.text().unwrap(), left),
        Some(12.0),
        "a read changes nothing"
    );
    problem(
        app.book(&regular(datetime!(2026-11-30 10:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "before_lead_time",
    );
    let r = scrape_with(app, "/metrics", Some(TOKEN));
    assert_eq!(value(&r.text().unwrap(), left), Some(11.0));
}

fn scrape(app: &TestApp) -> String {
    let r = app.get("/metrics");
    assert_eq!(r.status(), StatusCode::OK);
    r.text().unwrap()
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series))
        .and_then(|rest| rest.trim().parse().ok())
}

fn metrics_count_requests_bookings_refusals_and_tagestickets_left(app: &TestApp) {
    let before = scrape(app);
    assert_eq!(
        value(
            &before,
            "terminvergabe_day_tickets_left{office=\"buergerbuero\"}"
        ),
        Some(12.0)
    );
    assert!(value(&before, "terminvergabe_db_pool_connections{state=\"open\"}").unwrap() >= 1.0);

    let booked = ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:30 +01:00))),
        StatusCode::CREATED,
    );
    problem(
        app.book(&regular(datetime!(2026-11-30 10:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "before_lead_time",
    );
    let id = booked["id"].as_str().unwrap();
    app.get(&format!("/api/v1/bookings/{id}"));
    app.get("/no/such/path");

    let after = scrape(app);
    assert_eq!(
        value(
            &after,
            "terminvergabe_bookings_total{channel=\"online\",kind=\"day_ticket\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &after,
            "terminvergabe_booking_refusals_total{channel=\"online\",kind=\"regular\",reason=\"before_lead_time\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &after,
            "terminvergabe_day_tickets_left{office=\"buergerbuero\"}"
        ),
        Some(11.0)
    );
    // Route templates, not paths: no ids in the metrics.
    assert_eq!(
        value(
            &after,
            "terminvergabe_http_requests_total{method=\"POST\",route=\"/api/v1/bookings\",status=\"201\"}"
        ),
        Some(1.0)
    );
    assert!(after.contains("route=\"/api/v1/bookings/{id}\",status=\"401\""));
    assert!(!after.contains(id));
    assert!(after.contains("route=\"unmatched\",status=\"404\""));
    assert!(after.contains(
        "terminvergabe_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/bookings\"} 2"
    ));
}
