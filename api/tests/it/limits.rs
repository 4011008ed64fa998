//! Fair use per client address (R25) over a real socket, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use api::http::client::TrustedProxies;
use api::http::limits::RateLimit;
use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Response;
use time::Duration;

fn limited(db: persistence::test_support::TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.rate_limit_reads = RateLimit::parse("20/60").unwrap();
        s.rate_limit_writes = RateLimit::parse("10/600").unwrap();
    })
}

fn behind_proxy(db: persistence::test_support::TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.rate_limit_writes = RateLimit::parse("10/600").unwrap();
        s.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
}

on_both_backends!(
    limited;
    r25_the_eleventh_write_of_an_address_waits_reads_apart,
    r25_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored,
    r25_encoded_spellings_of_a_path_count_as_the_path,
);

on_both_backends!(
    behind_proxy;
    r25_behind_a_trusted_proxy_each_client_has_its_own_limit,
    r11_a_stranger_cannot_lock_the_owner_out,
    r11_one_address_guessing_many_names_is_slowed_down,
    r11_an_office_behind_one_address_is_not_locked_out_by_its_own_logins,
);

fn login(app: &TestApp, from: &str, username: &str, password: &str) -> Response {
    app.client
        .post(format!("{}/api/v1/auth/token", app.base))
        .header("X-Forwarded-For", from)
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .unwrap()
}

fn r11_a_stranger_cannot_lock_the_owner_out(app: &TestApp) {
    for _ in 0..5 {
        let r = login(app, "6.6.6.6", ADMIN.0, "guess-guess-guess");
        problem(r, StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let r = login(app, "6.6.6.6", ADMIN.0, ADMIN.1);
    assert!(r.headers().contains_key("retry-after"));
    problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    // The owner, at their own desk, logs in as ever.
    assert_eq!(
        login(app, "203.0.113.7", ADMIN.0, ADMIN.1).status(),
        StatusCode::OK
    );
    // The stranger waits out the throttle (12 s a guess), on the injected clock.
    app.at(MONDAY_10 + Duration::seconds(12));
    let r = login(app, "6.6.6.6", ADMIN.0, "guess-guess-guess");
    problem(r, StatusCode::UNAUTHORIZED, "invalid_credentials");
}

fn r11_one_address_guessing_many_names_is_slowed_down(app: &TestApp) {
    for i in 0..30 {
        let r = login(app, "6.6.6.6", &format!("name{i}"), "guess-guess-guess");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{i}");
    }
    let r = login(app, "6.6.6.6", "name30", "guess-guess-guess");
    problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert_eq!(
        login(app, "203.0.113.7", ADMIN.0, ADMIN.1).status(),
        StatusCode::OK
    );
}

/// A write that changes nothing: cancelling a booking that does not exist.
fn write(app: &TestApp, forwarded_for: Option<&str>) -> Response {
    let mut r = app
        .client
        .delete(format!(
            "{}/api/v1/bookings/{}",
            app.base,
            uuid::Uuid::new_v4()
        ))
        .header("X-Booking-Token", "x");
    if let Some(xff) = forwarded_for {
        r = r.header("X-Forwarded-For", xff);
    }
    r.send().unwrap()
}

fn refused(r: Response) -> u64 {
    let wait = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    wait
}

fn r25_the_eleventh_write_of_an_address_waits_reads_apart(app: &TestApp) {
    for _ in 0..10 {
        assert_eq!(write(app, None).status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(refused(write(app, None)), 60, "one more write a minute");
    // Reads have their own limit, and staff paths none.
    for _ in 0..20 {
        assert_eq!(app.get("/api/v1/offices").status(), StatusCode::OK);
    }
    refused(app.get("/api/v1/offices"));
    app.admin_token();
    assert_eq!(app.get("/healthz").status(), StatusCode::OK);
    // Time passes (the injected clock): the bucket refills.
    app.at(MONDAY_10 + Duration::minutes(1));
    assert_eq!(write(app, None).status(), StatusCode::NOT_FOUND);
    refused(write(app, None));
    app.at(MONDAY_10 + Duration::minutes(10));
    assert_eq!(app.get("/api/v1/offices").status(), StatusCode::OK);
}

/// Issue #23: routing decodes percent-escapes, so `/%61pi/v1/bookings` is
/// `/api/v1/bookings` to the router; the limits must see it so too.
fn r25_encoded_spellings_of_a_path_count_as_the_path(app: &TestApp) {
    let spellings = [
        "/%61pi/v1/bookings",
        "/ap%69/v1/bookings",
        "/api/v%31/bookings",
        "/api/v1/b%6Fokings",
        "/%61%70%69/%76%31/bookings",
    ];
    for i in 0..10 {
        let path = spellings[i % spellings.len()];
        let r = app
            .client
            .delete(format!("{}{path}/{}", app.base, uuid::Uuid::new_v4()))
            .header("X-Booking-Token", "x")
            .send()
            .unwrap();
        // Routed as the booking it names (unknown: 404), and counted.
        problem(r, StatusCode::NOT_FOUND, "not_found");
    }
    refused(write(app, None));
    let r = app
        .client
        .post(format!("{}/%61pi/v1/bookings", app.base))
        .json(&regular(MONDAY_10 + Duration::days(1)))
        .send()
        .unwrap();
    refused(r);
    // Reads likewise, the display stream among them.
    for i in 0..20 {
        let path = if i % 2 == 0 {
            "/api/v1/offic%65s"
        } else {
            "/api/v1/offices/buergerbuero/displa%79"
        };
        let r = app
            .client
            .head(format!("{}{path}", app.base))
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    refused(app.get("/%61pi/v1/offices"));
    refused(app.get("/api/v1/offices"));
}

fn r25_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(app: &TestApp) {
    for i in 0..10 {
        let forged = format!("198.51.100.{i}");
        assert_eq!(write(app, Some(&forged)).status(), StatusCode::NOT_FOUND);
    }
    refused(write(app, Some("198.51.100.99")));
}

fn r25_behind_a_trusted_proxy_each_client_has_its_own_limit(app: &TestApp) {
    // The proxy (127.0.0.1) appends the real client; what the client wrote
    // to the left of it proves nothing.
    for _ in 0..10 {
        let status = write(app, Some("6.6.6.6, 203.0.113.7")).status();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    refused(write(app, Some("7.7.7.7, 203.0.113.7")));
    assert_eq!(
        write(app, Some("203.0.113.8")).status(),
        StatusCode::NOT_FOUND,
        "another client behind the same proxy"
    );
}

/// Issue #23: successful logins counted too, so 30 staff behind one NAT
/// locked out the next one; only failures count now.
fn r11_an_office_behind_one_address_is_not_locked_out_by_its_own_logins(app: &TestApp) {
    for i in 0..40 {
        let r = login(app, "203.0.113.7", ADMIN.0, ADMIN.1);
        assert_eq!(r.status(), StatusCode::OK, "login {i}");
    }
    // Failures still count: 5 for one name, then that name waits.
    for _ in 0..5 {
        let r = login(app, "203.0.113.7", "anna", "guess-guess-guess");
        problem(r, StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let r = login(app, "203.0.113.7", "anna", "guess-guess-guess");
    problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert_eq!(
        login(app, "203.0.113.7", ADMIN.0, ADMIN.1).status(),
        StatusCode::OK
    );
}
