//! The statistics (R30) over a change of the configuration: a day gone by
//! keeps the capacity and the contingent it had, whether its figures were
//! read before the change or not; days to come follow the new one. On
//! SQLite always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::counter::book_tuesday;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r30_a_changed_configuration_leaves_the_capacity_of_past_days,
);

/// The statistics of the Bürgerbüro from `from` to `to`, by date.
fn days(app: &TestApp, admin: &str, from: &str, to: &str) -> Vec<Value> {
    let path = format!("/api/v1/admin/offices/buergerbuero/statistics?from={from}&to={to}");
    let days = ok_json(
        app.request(Method::GET, &path, Some(admin), None),
        StatusCode::OK,
    );
    days.as_array().unwrap().clone()
}

/// What a day's figures say of its capacity.
fn capacity(day: &Value) -> Value {
    json!({
        "regular": day["regular"]["capacity_minutes"],
        "held_back": day["held_back"]["capacity_minutes"],
        "contingent": day["day_ticket_contingent"],
    })
}

fn r30_a_changed_configuration_leaves_the_capacity_of_past_days(app: &TestApp) {
    let admin = app.admin_token();
    book_tuesday(app, &admin, 3);
    // Thursday: Tuesday and Wednesday are gone.
    app.at(datetime!(2026-12-03 09:00 +01:00));
    let admin = app.admin_token();
    // Tuesday is read before the change; Wednesday is not (its capacity as
    // configured now is that of next Wednesday, a day still to come).
    let tuesday = capacity(&days(app, &admin, "2026-12-01", "2026-12-01")[0]);
    let wednesday = capacity(&days(app, &admin, "2026-12-09", "2026-12-09")[0]);
    assert_eq!(
        tuesday,
        json!({"regular": 630, "held_back": 210, "contingent": 12})
    );

    // One more counter, one more held back, a bigger contingent.
    ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/offices/buergerbuero",
            Some(&admin),
            Some(&json!({"counters": 6})),
        ),
        StatusCode::OK,
    );
    ok_json(
        app.request(
            Method::PUT,
            "/api/v1/admin/offices/buergerbuero/day-ticket",
            Some(&admin),
            Some(
                &json!({"held_back_counters": 2, "per_day": 20, "online_from": "07:00",
                         "staff_from": "08:00",
                         "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"]}),
            ),
        ),
        StatusCode::OK,
    );

    let after = days(app, &admin, "2026-12-01", "2026-12-09");
    assert_eq!(after.len(), 9);
    assert_eq!(after[0]["date"], "2026-12-01");
    // The days gone by: as they were, the booked minutes counted against it.
    assert_eq!(capacity(&after[0]), tuesday);
    assert_eq!(after[0]["booked"]["total"], 3);
    assert_eq!(capacity(&after[1]), wednesday);
    // Today and the days to come: the new configuration.
    for day in &after[2..] {
        let date = day["date"].as_str().unwrap();
        if matches!(date, "2026-12-05" | "2026-12-06") {
            continue; // closed at the weekend
        }
        let now = capacity(day);
        assert_eq!(now["contingent"], 20, "{date}: {now}");
        assert!(
            now["held_back"].as_u64() > tuesday["held_back"].as_u64(),
            "{date}: {now}"
        );
    }
    let next_tuesday = capacity(&after[7]);
    assert_eq!(after[7]["date"], "2026-12-08");
    assert_eq!(
        next_tuesday,
        json!({"regular": 840, "held_back": 420, "contingent": 20})
    );
}
