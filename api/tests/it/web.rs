//! The citizens' booking page (issue #15): served at `/` and at the manage
//! link's path with a strict Content-Security-Policy, its assets with their
//! types, outside the citizens' rate limits (R25) and outside the spec.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// (The page does not depend on the backend: no `on_both_backends` here.)
#[allow(unused_imports)]
use crate::common;

use api::http::limits::RateLimit;
use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Response;

fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn app() -> TestApp {
    TestApp::spawn(persistence::test_support::sqlite())
}

#[test]
fn the_page_is_served_at_the_root_with_a_strict_csp() {
    let app = app();
    let r = app.get("/");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(header(&r, "referrer-policy"), "no-referrer");
    let csp = header(&r, "content-security-policy");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert!(!csp.contains("http"), "no other origin: {csp}");
    let body = r.text().unwrap();
    assert!(body.starts_with("<!doctype html>"));
    assert!(body.contains(r#"<html lang="de">"#));
    assert!(body.contains(r#"<script type="module" src="/web/app.js"></script>"#));
    // Nothing inline that the CSP would block, nothing from elsewhere.
    assert!(!body.contains("<style"));
    assert!(!body.contains(" style="));
    assert!(!body.contains("<script>"));
    assert!(!body.contains("//cdn") && !body.contains("https://"));
}

#[test]
fn the_manage_link_of_a_confirmation_opens_the_page() {
    let app = app();
    let root = app.get("/").text().unwrap();
    // The link of the e-mail: TERMIN_PUBLIC_URL/termine/{id}#token=… (the
    // fragment is never sent).
    let r = app.get("/termine/0193a4b2-8a7e-7c3e-9f00-000000000000");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
    assert_eq!(r.text().unwrap(), root);
}

#[test]
fn every_asset_the_page_names_is_served_with_its_type() {
    let app = app();
    let expected = [
        ("app.js", "text/javascript; charset=utf-8"),
        ("api.js", "text/javascript; charset=utf-8"),
        ("i18n.js", "text/javascript; charset=utf-8"),
        ("altcha.js", "text/javascript; charset=utf-8"),
        ("dom.js", "text/javascript; charset=utf-8"),
        ("draw.js", "text/javascript; charset=utf-8"),
        ("lang.js", "text/javascript; charset=utf-8"),
        ("page.js", "text/javascript; charset=utf-8"),
        ("choice.js", "text/javascript; charset=utf-8"),
        ("form.js", "text/javascript; charset=utf-8"),
        ("parts.js", "text/javascript; charset=utf-8"),
        ("offer.js", "text/javascript; charset=utf-8"),
        ("search.js", "text/javascript; charset=utf-8"),
        ("hold.js", "text/javascript; charset=utf-8"),
        ("manage.js", "text/javascript; charset=utf-8"),
        ("display.js", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("display.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ];
    for (name, kind) in expected {
        let r = app.get(&format!("/web/{name}"));
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        assert_eq!(header(&r, "content-type"), kind, "{name}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{name}");
        assert!(!r.bytes().unwrap().is_empty(), "{name}");
    }
    // Every module the scripts import and every file the page links exists.
    let scripts = expected
        .iter()
        .filter(|(name, _)| name.ends_with(".js"))
        .map(|(name, _)| format!("/web/{name}"));
    let mut named = vec![];
    for file in ["/".to_owned(), "/display/buergerbuero".to_owned()]
        .into_iter()
        .chain(scripts)
    {
        let text = app.get(&file).text().unwrap();
        for piece in text.split(['"', '\'']) {
            if let Some(name) = piece.strip_prefix("/web/").or(piece.strip_prefix("./")) {
                named.push(name.to_owned());
            }
        }
    }
    assert!(named.len() >= 40, "{named:?}");
    for name in named {
        assert!(
            expected.iter().any(|(n, _)| *n == name),
            "{name} is named but not served"
        );
    }
}

#[test]
fn r28_the_waiting_room_display_is_served_with_the_same_csp() {
    let app = app();
    let r = app.get("/display/buergerbuero");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&r, "content-security-policy"),
        api::http::routes::web::CONTENT_SECURITY_POLICY
    );
    let body = r.text().unwrap();
    assert!(body.starts_with("<!doctype html>"));
    assert!(body.contains(r#"<html lang="de">"#));
    assert!(body.contains(r#"<script type="module" src="/web/display.js"></script>"#));
    assert!(body.contains(r#"aria-live="polite""#));
    assert!(!body.contains("<style") && !body.contains(" style=") && !body.contains("<script>"));
    // Any office gets the page, which asks the API and says when there is
    // none; only the one path segment is a display.
    assert_eq!(app.get("/display/rathaus").status(), StatusCode::OK);
    problem(
        app.get("/display/buergerbuero/x"),
        StatusCode::NOT_FOUND,
        "no_route",
    );
    problem(app.get("/display/"), StatusCode::NOT_FOUND, "no_route");
    problem(
        app.get("/web/display.htm"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[test]
fn an_unknown_asset_is_a_404_problem() {
    let app = app();
    problem(
        app.get("/web/nothing.js"),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(app.get("/web/"), StatusCode::NOT_FOUND, "no_route");
    problem(
        app.get("/web/../Cargo.toml"),
        StatusCode::NOT_FOUND,
        "no_route",
    );
}

#[test]
fn head_revalidation_and_other_methods() {
    let app = app();
    let r = app
        .client
        .head(format!("{}/web/app.js", app.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let etag = header(&r, "etag");
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let r = app
        .client
        .get(format!("{}/web/app.js", app.base))
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&r, "etag"), etag);
    let r = app
        .client
        .post(format!("{}/", app.base))
        .body("x")
        .send()
        .unwrap();
    assert_eq!(header(&r, "allow"), "GET, HEAD");
    problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[test]
fn r25_the_citizens_read_limit_does_not_count_the_page() {
    let app = TestApp::spawn_with(persistence::test_support::sqlite(), |s| {
        s.rate_limit_reads = RateLimit::parse("3/600").unwrap();
    });
    for _ in 0..10 {
        for path in [
            "/",
            "/web/app.js",
            "/web/style.css",
            "/termine/x",
            "/display/buergerbuero",
        ] {
            assert_eq!(app.get(path).status(), StatusCode::OK, "{path}");
        }
    }
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/offices").status(), StatusCode::OK);
    }
    problem(
        app.get("/api/v1/offices"),
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
}

#[test]
fn the_page_is_not_in_the_spec() {
    let spec = serde_json::to_value(api::openapi()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    for path in ["/", "/termine/{id}", "/display/{office}", "/web/{file}"] {
        assert!(!paths.contains_key(path), "{path} is in the spec");
    }
    assert!(paths.keys().all(|p| !p.starts_with("/web")));
}

#[test]
fn a_frozen_clock_is_the_date_of_every_answer() {
    // MONDAY_10 = 2026-11-30 10:00 +01:00; the page's hold countdown reads it.
    let app = app();
    for path in ["/", "/api/v1/offices", "/api/v1/nothing"] {
        assert_eq!(
            header(&app.get(path), "date"),
            "Mon, 30 Nov 2026 09:00:00 GMT",
            "{path}"
        );
    }
    app.at(MONDAY_10 + time::Duration::minutes(7));
    assert_eq!(
        header(&app.get("/healthz"), "date"),
        "Mon, 30 Nov 2026 09:07:00 GMT"
    );
}
