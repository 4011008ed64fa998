//! Slot search and the Tagesticket status answer `If-None-Match` with 304
//! while nothing changed, and with the new answer once a booking changed
//! it (the 07:00 refreshers, issue #13), on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    slot_search_and_tagesticket_status_are_304_until_a_booking_changes_them,
);

fn conditional(app: &TestApp, path: &str, tag: &str) -> reqwest::blocking::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("If-None-Match", tag)
        .send()
        .unwrap()
}

fn slot_search_and_tagesticket_status_are_304_until_a_booking_changes_them(app: &TestApp) {
    let paths = [
        "/api/v1/offices/buergerbuero/slots?service=personalausweis&from=2026-12-01&to=2026-12-01",
        "/api/v1/offices/buergerbuero/day-tickets?service=ausweis-abholung",
    ];
    let mut tags = Vec::new();
    for path in paths {
        let first = app.get(path);
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()["cache-control"], "no-cache");
        let tag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        let same = conditional(app, path, &tag);
        assert_eq!(same.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(same.headers()["etag"].to_str().unwrap(), tag);
        assert!(same.text().unwrap().is_empty());
        // Another tag, or a weak form of this one.
        assert_eq!(conditional(app, path, "\"other\"").status(), StatusCode::OK);
        assert_eq!(
            conditional(app, path, &format!("\"x\", W/{tag}")).status(),
            StatusCode::NOT_MODIFIED
        );
        tags.push(tag);
    }
    // Three bookings fill the earliest start of that Tuesday (three
    // counters), and a
    // Tagesticket today: both answers change.
    let slots = ok_json(app.get(paths[0]), StatusCode::OK);
    let earliest = slots["earliest"]["start"].as_str().unwrap();
    let start =
        time::OffsetDateTime::parse(earliest, &time::format_description::well_known::Rfc3339)
            .unwrap();
    for _ in 0..3 {
        ok_json(
            app.book(&booking(&["personalausweis"], start, "regular")),
            StatusCode::CREATED,
        );
    }
    ok_json(
        app.book(&day_ticket(datetime!(2026-11-30 10:30 +01:00))),
        StatusCode::CREATED,
    );
    for (path, tag) in paths.iter().zip(&tags) {
        let changed = conditional(app, path, tag);
        assert_eq!(changed.status(), StatusCode::OK, "{path}");
        assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);
    }
}
