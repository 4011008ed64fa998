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
