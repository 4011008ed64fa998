//! Browser frontends on other origins (CORS, `TERMIN_CORS_ORIGINS`) over a
//! real socket, on both backends: a page on a listed origin can search,
//! hold and book (the preflight and the actual answers carry what the
//! browser checks); a page elsewhere gets nothing it could read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use api::http::cors::CorsOrigins;
use api::http::limits::RateLimit;
use common::*;
use persistence::test_support::TestDb;
use reqwest::blocking::Response;
use reqwest::{Method, StatusCode};
use time::macros::datetime;

/// The city's booking page.
const PAGE: &str = "https://termine.kaarst.de";
/// Somewhere else.
const FOREIGN: &str = "https://termine.example.com";

/// A server that lets the booking page (and a developer's) call it, with
/// the citizens' rate limits on: preflights must not count against them.
fn with_origins(db: TestDb) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.cors_origins = CorsOrigins::parse(&format!("{PAGE}, http://localhost:5173")).unwrap();
        s.rate_limit_reads = RateLimit::parse("3/600").unwrap();
        s.rate_limit_writes = RateLimit::parse("2/600").unwrap();
    })
}

on_both_backends!(
    with_origins;
    cors_a_preflight_from_a_listed_origin_allows_the_citizens_headers,
    cors_a_foreign_origin_gets_no_allow_origin,
    cors_actual_answers_carry_allow_origin_and_exposed_headers,
    cors_staff_and_admin_paths_allow_authorization,
);

on_both_backends!(
    TestApp::spawn;
    cors_without_origins_no_cors_headers_at_all,
);

fn preflight(app: &TestApp, origin: &str, method: &str, path: &str, headers: &str) -> Response {
    let mut r = app
        .client
        .request(Method::OPTIONS, format!("{}{path}", app.base))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method);
    if !headers.is_empty() {
        r = r.header("Access-Control-Request-Headers", headers);
    }
    r.send().unwrap()
}

fn header(r: &Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
}

/// The comma-separated list of header `name`, lower case.
fn list(r: &Response, name: &str) -> Vec<String> {
    header(r, name)
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn allowed(r: Response, origin: &str) -> Response {
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.headers());
    assert_eq!(
        header(&r, "access-control-allow-origin").as_deref(),
        Some(origin)
    );
    assert_eq!(header(&r, "access-control-allow-credentials"), None);
    r
}

fn refused(r: Response) {
    assert_eq!(header(&r, "access-control-allow-origin"), None);
    problem(r, StatusCode::BAD_REQUEST, "cors_refused");
}

fn cors_a_preflight_from_a_listed_origin_allows_the_citizens_headers(app: &TestApp) {
    let citizen_headers = "content-type,x-booking-token,x-hold-token,x-altcha,idempotency-key";
    for (method, path) in [
        ("POST", "/api/v1/bookings"),
        ("POST", "/api/v1/holds"),
        (
            "GET",
            "/api/v1/bookings/0192b5a4-8a7e-7c3e-9f00-000000000000",
        ),
        (
            "PATCH",
            "/api/v1/bookings/0192b5a4-8a7e-7c3e-9f00-000000000000",
        ),
        (
            "DELETE",
            "/api/v1/holds/0192b5a4-8a7e-7c3e-9f00-000000000000",
        ),
    ] {
        let r = allowed(preflight(app, PAGE, method, path, citizen_headers), PAGE);
        let methods = list(&r, "access-control-allow-methods");
        for m in ["get", "post", "patch", "delete"] {
            assert!(methods.contains(&m.to_owned()), "{path}: {methods:?}");
        }
        let headers = list(&r, "access-control-allow-headers");
        for h in citizen_headers.split(',') {
            assert!(headers.contains(&h.to_owned()), "{h}: {headers:?}");
        }
        assert!(
            !headers.contains(&"authorization".to_owned()),
            "{headers:?}"
        );
        assert_eq!(
            header(&r, "access-control-max-age").as_deref(),
            Some("3600")
        );
        assert!(list(&r, "vary").contains(&"origin".to_owned()));
    }
    // The other listed origin is answered with itself, never with the first.
    allowed(
        preflight(
            app,
            "http://localhost:5173",
            "POST",
            "/api/v1/bookings",
            "content-type",
        ),
        "http://localhost:5173",
    );
    // Citizens' paths take no Authorization, and no method they do not have.
    refused(preflight(
        app,
        PAGE,
        "POST",
        "/api/v1/bookings",
        "authorization",
    ));
    refused(preflight(
        app,
        PAGE,
        "PUT",
        "/api/v1/bookings",
        "content-type",
    ));
    refused(preflight(
        app,
        PAGE,
        "POST",
        "/api/v1/bookings",
        "x-unknown",
    ));

    // None of these preflights counted against the 3 reads of this address
    // (R25), nor reached the routes (no 405 on a POST-only path).
    for _ in 0..3 {
        assert_eq!(
            app.get("/api/v1/offices/buergerbuero/services").status(),
            StatusCode::OK
        );
    }
    problem(
        app.get("/api/v1/offices"),
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
}

fn cors_a_foreign_origin_gets_no_allow_origin(app: &TestApp) {
    refused(preflight(
        app,
        FOREIGN,
        "POST",
        "/api/v1/bookings",
        "content-type",
    ));
    refused(preflight(
        app,
        FOREIGN,
        "POST",
        "/api/v1/staff/bookings",
        "authorization,content-type",
    ));
    // Almost the page: another scheme, port or subdomain is another origin.
    for near in [
        "http://termine.kaarst.de",
        "https://termine.kaarst.de:8443",
        "https://kaarst.de",
        "https://termine.kaarst.de.example.com",
    ] {
        refused(preflight(app, near, "GET", "/api/v1/offices", ""));
    }
    // An actual request is served (a browser then keeps the answer from the
    // page), but nothing in it lets a page read it.
    let r = app
        .client
        .get(format!("{}/api/v1/offices", app.base))
        .header("Origin", FOREIGN)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "access-control-allow-origin"), None);
}

fn cors_actual_answers_carry_allow_origin_and_exposed_headers(app: &TestApp) {
    let exposed = |r: &Response| {
        let list = list(r, "access-control-expose-headers");
        for h in ["retry-after", "location", "etag"] {
            assert!(list.contains(&h.to_owned()), "{list:?}");
        }
    };
    // Search …
    let r = app
        .client
        .get(format!(
            "{}/api/v1/offices/buergerbuero/slots?service=personalausweis&to=2026-12-01",
            app.base
        ))
        .header("Origin", PAGE)
        .send()
        .unwrap();
    let r = allowed(r, PAGE);
    exposed(&r);
    assert!(list(&r, "vary").contains(&"origin".to_owned()));
    // … and book: 201 with Location, readable by the page.
    let body = booking(
        &["personalausweis"],
        datetime!(2026-12-01 08:30 +01:00),
        "regular",
    );
    let post = |body: &serde_json::Value| {
        app.client
            .post(format!("{}/api/v1/bookings", app.base))
            .header("Origin", PAGE)
            .json(body)
            .send()
            .unwrap()
    };
    let r = post(&body);
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        header(&r, "access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    exposed(&r);
    assert!(
        header(&r, "location")
            .unwrap()
            .starts_with("/api/v1/bookings/")
    );
    let made: serde_json::Value = r.json().unwrap();
    assert!(made["service_details"].is_array());
    // An error answer carries it too, so the page can read the problem: a
    // rule refused …
    let wrong = booking(
        &["gibtsnicht"],
        datetime!(2026-12-01 08:30 +01:00),
        "regular",
    );
    let r = post(&wrong);
    assert_eq!(
        header(&r, "access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    problem(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_service");
    // … and the rate limit's wait (2 writes of this address are used up).
    let r = post(&body);
    assert_eq!(
        header(&r, "access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    exposed(&r);
    assert!(header(&r, "retry-after").is_some());
    problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

fn cors_staff_and_admin_paths_allow_authorization(app: &TestApp) {
    for (method, path) in [
        ("POST", "/api/v1/auth/token"),
        ("POST", "/api/v1/staff/bookings"),
        ("GET", "/api/v1/staff/offices/buergerbuero/appointments"),
        ("PATCH", "/api/v1/admin/offices/buergerbuero"),
        ("PUT", "/api/v1/admin/offices/buergerbuero/hours"),
        (
            "DELETE",
            "/api/v1/admin/offices/buergerbuero/services/beglaubigung",
        ),
    ] {
        let r = allowed(
            preflight(app, PAGE, method, path, "authorization,content-type"),
            PAGE,
        );
        let headers = list(&r, "access-control-allow-headers");
        assert!(
            headers.contains(&"authorization".to_owned()),
            "{path}: {headers:?}"
        );
        assert!(
            list(&r, "access-control-allow-methods").contains(&method.to_ascii_lowercase()),
            "{path}"
        );
    }
    // The actual staff request answers the page, 401 included.
    let token = app.admin_token();
    let r = app
        .client
        .get(format!(
            "{}/api/v1/staff/offices/buergerbuero/appointments?date=2026-12-01",
            app.base
        ))
        .header("Origin", PAGE)
        .bearer_auth(&token)
        .send()
        .unwrap();
    allowed(r, PAGE);
    let r = app
        .client
        .get(format!("{}/api/v1/admin/users", app.base))
        .header("Origin", PAGE)
        .send()
        .unwrap();
    assert_eq!(
        header(&r, "access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    problem(r, StatusCode::UNAUTHORIZED, "missing_token");
}

fn cors_without_origins_no_cors_headers_at_all(app: &TestApp) {
    let r = preflight(app, PAGE, "POST", "/api/v1/bookings", "content-type");
    assert_eq!(header(&r, "access-control-allow-origin"), None);
    assert_eq!(header(&r, "access-control-allow-methods"), None);
    assert_eq!(header(&r, "allow").as_deref(), Some("post"));
    problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let r = app
        .client
        .get(format!("{}/api/v1/offices", app.base))
        .header("Origin", PAGE)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for name in [
        "access-control-allow-origin",
        "access-control-expose-headers",
        "vary",
    ] {
        assert_eq!(header(&r, name), None, "{name}");
    }
}
