//! The citizens' booking page (issue #15): served per municipality at
//! `/{municipality}/` (R39; `/` leads to the only one or the page lists
//! them) and at the manage link's path with a strict
//! Content-Security-Policy, its assets with their types, outside the
//! citizens' rate limits (R25) and outside the spec. The page itself does
//! not depend on the backend; which municipalities there are does
//! (`on_both_backends` for those).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(unused_imports)]
use crate::common;

use api::http::limits::RateLimit;
use api::http::protocol::Routes;
use api::http::routes::web::{CONTENT_SECURITY_POLICY, PATHS};
use common::*;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::{Method, redirect};
use serde_json::json;

on_both_backends!(
    TestApp::spawn;
    r39_the_page_of_a_municipality_is_at_its_path,
    r39_an_address_that_names_no_municipality_is_a_404_page,
    r39_the_root_leads_to_the_only_municipality_or_lists_them,
);

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
fn the_page_is_served_with_a_strict_csp() {
    let app = app();
    let r = app.get("/kaarst/");
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
        ("errors.js", "text/javascript; charset=utf-8"),
        ("altcha.js", "text/javascript; charset=utf-8"),
        ("dom.js", "text/javascript; charset=utf-8"),
        ("draw.js", "text/javascript; charset=utf-8"),
        ("contact.js", "text/javascript; charset=utf-8"),
        ("mine.js", "text/javascript; charset=utf-8"),
        ("lang.js", "text/javascript; charset=utf-8"),
        ("page.js", "text/javascript; charset=utf-8"),
        ("place.js", "text/javascript; charset=utf-8"),
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
    // (The client sends this as `/Cargo.toml`, which names no municipality:
    // the 404 page, nothing of the file.)
    let r = app.get("/web/../Cargo.toml");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(!r.text().unwrap().contains("[workspace]"));
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
    for path in PATHS {
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

/// A client that shows a redirect instead of following it.
fn not_following() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .no_gzip()
        .build()
        .unwrap()
}

/// Where a redirect of `path` leads, with its status.
fn redirected(app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = not_following()
        .get(format!("{}{path}", app.base))
        .send()
        .unwrap();
    assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
    (r.status(), header(&r, "location"))
}

/// As the operator: the municipality `testdorf` (an imprint and an
/// accessibility statement, no privacy notice) with one office,
/// `rathaus-testdorf` (the Infobüro Bauen's configuration under another id).
fn testdorf(app: &TestApp) {
    let operator = app.admin_token();
    let r = app.request(
        Method::POST,
        "/api/v1/admin/municipalities",
        Some(&operator),
        Some(&json!({
            "id": "testdorf", "name": "Gemeinde Testdorf", "ags": "05162099",
            "imprint_url": "https://testdorf.example/impressum",
            "accessibility_url": "https://testdorf.example/barrierefreiheit"
        })),
    );
    ok_json(r, StatusCode::CREATED);
    let mut config = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/offices/infobuero-bauen",
            Some(&operator),
            None,
        ),
        StatusCode::OK,
    );
    config["id"] = json!("rathaus-testdorf");
    config["name"] = json!("Rathaus Testdorf");
    let r = app.request(
        Method::POST,
        "/api/v1/admin/municipalities/testdorf/offices",
        Some(&operator),
        Some(&config),
    );
    ok_json(r, StatusCode::CREATED);
}

/// The booking page as any of its paths serves it.
fn the_page(app: &TestApp) -> String {
    let r = app.get("/termine/0193a4b2-8a7e-7c3e-9f00-000000000000");
    assert_eq!(r.status(), StatusCode::OK);
    r.text().unwrap()
}

fn r39_the_page_of_a_municipality_is_at_its_path(app: &TestApp) {
    let page = the_page(app);
    assert!(
        page.contains(r#"<nav class="legal" id="legal""#),
        "the footer's links"
    );
    let r = app.get("/kaarst/");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    assert_eq!(
        header(&r, "content-security-policy"),
        CONTENT_SECURITY_POLICY
    );
    assert_eq!(r.text().unwrap(), page);
    // A second municipality has its page as soon as it exists.
    assert_eq!(app.get("/testdorf/").status(), StatusCode::NOT_FOUND);
    testdorf(app);
    let r = app.get("/testdorf/");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().unwrap(), page);
    let head = app.request(Method::HEAD, "/testdorf/", None, None);
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.bytes().unwrap().is_empty());
    // The page finds its offices by the municipality (the page's start
    // screen asks exactly this).
    let offices = ok_json(
        app.get("/api/v1/offices?municipality=testdorf"),
        StatusCode::OK,
    );
    assert_eq!(offices.as_array().unwrap().len(), 1, "{offices}");
    assert_eq!(offices[0]["id"], "rathaus-testdorf");
    // Without the slash, or spelt with capitals: to the page, the query kept.
    for (path, to) in [
        ("/kaarst", "/kaarst/"),
        ("/testdorf?lang=en", "/testdorf/?lang=en"),
        ("/Kaarst/", "/kaarst/"),
        ("/KAARST", "/kaarst/"),
        ("/TestDorf/?lang=de", "/testdorf/?lang=de"),
    ] {
        assert_eq!(
            redirected(app, path),
            (StatusCode::MOVED_PERMANENTLY, to.to_owned()),
            "{path}"
        );
    }
    // The old links keep working: a booking's, the display's.
    assert_eq!(the_page(app), page);
    assert_eq!(
        app.get("/display/rathaus-testdorf").status(),
        StatusCode::OK
    );
}

fn r39_an_address_that_names_no_municipality_is_a_404_page(app: &TestApp) {
    // A person who mistyped sees a page that says so, with the way on.
    for path in [
        "/gibtsnicht/",
        "/gibtsnicht",
        "/Gibtsnicht/",
        "/x/",
        "/favicon.ico",
        "/%C3%BCberall/",
    ] {
        let r = app.get(path);
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header(&r, "content-type"),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(
            header(&r, "content-security-policy"),
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        let body = r.text().unwrap();
        assert!(body.starts_with("<!doctype html>"), "{path}");
        assert!(body.contains(r#"<html lang="de">"#));
        assert!(
            body.contains("<h1 id=\"title\">Seite nicht gefunden</h1>"),
            "{body}"
        );
        assert!(body.contains(r#"<a id="home" href="/">"#), "{body}");
        assert!(!body.contains("<script") && !body.contains(" style="));
    }
    // The server's own first segments answer as before: no such path.
    for path in [
        "/api/",
        "/web/",
        "/display/",
        "/termine/",
        "/metrics/",
        "/admin/",
        "/API/",
    ] {
        let r = app.get(path);
        if path == "/API/" {
            // Not a municipality's spelling either (`api` is reserved).
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            continue;
        }
        problem(r, StatusCode::NOT_FOUND, "no_route");
    }
    // And what they serve is still theirs.
    for path in ["/healthz", "/readyz", "/metrics", "/swagger-ui/"] {
        assert_ne!(app.get(path).status(), StatusCode::NOT_FOUND, "{path}");
    }
    problem(
        app.get("/api/v1/nothing"),
        StatusCode::NOT_FOUND,
        "no_route",
    );
}

fn r39_the_root_leads_to_the_only_municipality_or_lists_them(app: &TestApp) {
    // One municipality (the shipped Kaarst): `/` is its page.
    assert_eq!(
        redirected(app, "/"),
        (StatusCode::SEE_OTHER, "/kaarst/".to_owned())
    );
    assert_eq!(
        redirected(app, "/?lang=en"),
        (StatusCode::SEE_OTHER, "/kaarst/?lang=en".to_owned())
    );
    let head = not_following()
        .head(format!("{}/", app.base))
        .send()
        .unwrap();
    assert_eq!(head.status(), StatusCode::SEE_OTHER);
    // Two: `/` is the page, which lists them from the API (app.js, the
    // screen `places`), one link each.
    testdorf(app);
    let r = not_following()
        .get(format!("{}/", app.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, "content-security-policy"),
        CONTENT_SECURITY_POLICY
    );
    assert_eq!(r.text().unwrap(), the_page(app));
    let list = ok_json(app.get("/api/v1/municipalities"), StatusCode::OK);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Stadt Kaarst", "Gemeinde Testdorf"]);
    let search = app.get("/web/search.js").text().unwrap();
    assert!(search.contains("async function places()"));
}

/// Every first path segment the server routes (the spec's paths, the
/// documentation's, the pages') is one no municipality may take: a
/// municipality named so would hide the route, or the route it. The list
/// is the one the server itself answers `Allow` from (`Routes`), so a new
/// top-level route fails here until `domain::RESERVED_SLUGS` names it.
#[test]
fn r39_every_first_segment_the_server_routes_is_reserved() {
    let routes = Routes::from_spec(&api::openapi(), &PATHS);
    let mut segments: Vec<&str> = routes
        .patterns()
        .filter_map(|p| p.trim_start_matches('/').split('/').next())
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    segments.sort_unstable();
    segments.dedup();
    for known in [
        "api",
        "api-docs",
        "display",
        "healthz",
        "metrics",
        "readyz",
        "swagger-ui",
        "termine",
        "web",
    ] {
        assert!(
            segments.contains(&known),
            "{known} not found in {segments:?}"
        );
    }
    for segment in &segments {
        assert!(
            domain::RESERVED_SLUGS.contains(segment),
            "`{segment}` is routed but not in domain::RESERVED_SLUGS"
        );
        assert!(domain::MunicipalityId::parse(segment).is_err(), "{segment}");
    }
    // The municipality's own paths are the only ones with a dynamic first
    // segment.
    let dynamic: Vec<&str> = routes.patterns().filter(|p| p.starts_with("/{")).collect();
    assert_eq!(dynamic, ["/{municipality}/", "/{municipality}"]);
}
