//! Several municipalities in one deployment (R39) end to end, on SQLite
//! always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r39_municipalities_are_listed_and_offices_filtered_by_them,
    r39_operators_create_municipalities_and_their_offices,
    r39_an_admin_acts_only_within_its_municipality,
    r30_r39_a_municipalitys_statistics_are_its_offices_together,
    r39_every_staff_and_admin_operation_of_the_spec_is_404_or_refused_to_another_municipalitys_admin,
);

const PASSWORD: &str = "a-password-of-2026";

/// Creates the municipality `testdorf` with one office, `rathaus-testdorf`
/// (the Infobüro Bauen's configuration under another id), and its admin;
/// returns the admin's token.
pub(crate) fn testdorf(app: &TestApp) -> String {
    let operator = app.admin_token();
    let r = app.request(
        Method::POST,
        "/api/v1/admin/municipalities",
        Some(&operator),
        Some(&json!({
            "id": "testdorf", "name": "Gemeinde Testdorf", "ags": "05162099",
            "imprint_url": "https://testdorf.example/impressum",
            "privacy_url": "https://testdorf.example/datenschutz",
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
    let made = ok_json(r, StatusCode::CREATED);
    assert_eq!(made["id"], "rathaus-testdorf");
    let r = app.request(
        Method::POST,
        "/api/v1/admin/users",
        Some(&operator),
        Some(&json!({
            "username": "testdorf-admin", "password": PASSWORD, "role": "admin",
            "municipality": "testdorf"
        })),
    );
    let user = ok_json(r, StatusCode::CREATED);
    assert_eq!(user["municipality"], "testdorf");
    app.login("testdorf-admin", PASSWORD)
}

fn r39_municipalities_are_listed_and_offices_filtered_by_them(app: &TestApp) {
    let list = ok_json(app.get("/api/v1/municipalities"), StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], "kaarst");
    assert_eq!(list[0]["ags"], "05162016");
    assert_eq!(list[0]["name"], "Stadt Kaarst");
    let offices = ok_json(app.get("/api/v1/offices"), StatusCode::OK);
    assert!(
        offices
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["municipality"] == "kaarst"),
        "{offices}"
    );
    testdorf(app);
    let list = ok_json(app.get("/api/v1/municipalities"), StatusCode::OK);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["kaarst", "testdorf"]);
    let ids_of = |m: &str| -> Vec<String> {
        let offices = ok_json(
            app.get(&format!("/api/v1/offices?municipality={m}")),
            StatusCode::OK,
        );
        offices
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids_of("kaarst"), ["buergerbuero", "infobuero-bauen"]);
    assert_eq!(ids_of("testdorf"), ["rathaus-testdorf"]);
    for unknown in ["gibtsnicht", "API", "a%2Fb"] {
        problem(
            app.get(&format!("/api/v1/offices?municipality={unknown}")),
            StatusCode::NOT_FOUND,
            "unknown_municipality",
        );
    }
    // The new office takes appointments like any other.
    let slots = ok_json(
        app.get("/api/v1/offices/rathaus-testdorf/slots?service=bauberatung&from=2026-12-01&to=2026-12-07"),
        StatusCode::OK,
    );
    assert!(slots.to_string().contains("2026-12"), "{slots}");
}

fn r39_operators_create_municipalities_and_their_offices(app: &TestApp) {
    let operator = app.admin_token();
    let create = |body: Value| {
        app.request(
            Method::POST,
            "/api/v1/admin/municipalities",
            Some(&operator),
            Some(&body),
        )
    };
    // Slugs that would hide the server's own paths, and values that are
    // not what they claim.
    for (body, code) in [
        (
            json!({"id": "api", "name": "Api", "ags": "05162099"}),
            "invalid_municipality",
        ),
        (
            json!({"id": "termine", "name": "T", "ags": "05162099"}),
            "invalid_municipality",
        ),
        (
            json!({"id": "neu", "name": "Neu", "ags": "5162099"}),
            "invalid_municipality",
        ),
        (
            json!({"id": "neu", "name": "Neu", "ags": "05162099", "imprint_url": "javascript:alert(1)"}),
            "invalid_municipality",
        ),
        (
            json!({"id": "neu", "name": "Neu", "ags": "05162099", "mail_from": "x@y.de\r\nBcc: z@q.de"}),
            "invalid_municipality",
        ),
        (
            json!({"id": "neu", "name": "\u{0}", "ags": "05162099"}),
            "invalid_municipality",
        ),
    ] {
        problem(create(body), StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    let admin = testdorf(app);
    problem(
        create(json!({"id": "testdorf", "name": "Noch eins", "ags": "05162099"})),
        StatusCode::CONFLICT,
        "municipality_exists",
    );
    // An office id is unique across municipalities.
    let mut config = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/offices/rathaus-testdorf",
            Some(&operator),
            None,
        ),
        StatusCode::OK,
    );
    let r = app.request(
        Method::POST,
        "/api/v1/admin/municipalities/kaarst/offices",
        Some(&operator),
        Some(&config),
    );
    problem(r, StatusCode::CONFLICT, "office_exists");
    config["id"] = json!("zweites-rathaus");
    config["services"][0]["name"] = json!("\u{202e}");
    let r = app.request(
        Method::POST,
        "/api/v1/admin/municipalities/testdorf/offices",
        Some(&operator),
        Some(&config),
    );
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a text edits refuse"
    );
    let r = app.request(
        Method::POST,
        "/api/v1/admin/municipalities/gibtsnicht/offices",
        Some(&operator),
        Some(&config),
    );
    problem(r, StatusCode::NOT_FOUND, "unknown_municipality");
    // Admins, even of the municipality, do not manage municipalities.
    problem(
        app.request(
            Method::PATCH,
            "/api/v1/admin/municipalities/testdorf",
            Some(&admin),
            Some(&json!({"name": "Stadt Testdorf"})),
        ),
        StatusCode::FORBIDDEN,
        "forbidden_role",
    );
    let changed = ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/municipalities/testdorf",
            Some(&operator),
            Some(&json!({"name": "Stadt Testdorf", "imprint_url": null})),
        ),
        StatusCode::OK,
    );
    assert_eq!(changed["name"], "Stadt Testdorf");
    assert_eq!(changed["imprint_url"], Value::Null);
    assert_eq!(
        changed["privacy_url"],
        "https://testdorf.example/datenschutz"
    );
    // Audited, in the municipality's log.
    let log = ok_json(
        app.request(Method::GET, "/api/v1/admin/audit", Some(&admin), None),
        StatusCode::OK,
    );
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "municipality.create",
        "office.create",
        "municipality.change",
        "user.create",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

fn r39_an_admin_acts_only_within_its_municipality(app: &TestApp) {
    let admin = testdorf(app);
    let users = |token: &str| -> Vec<String> {
        let list = ok_json(
            app.request(Method::GET, "/api/v1/admin/users", Some(token), None),
            StatusCode::OK,
        );
        list.as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(users(&admin), ["testdorf-admin"]);
    // A user made without a municipality is the admin's own.
    let made = ok_json(
        app.request(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(&json!({"username": "td-desk", "password": PASSWORD, "role": "desk"})),
        ),
        StatusCode::CREATED,
    );
    assert_eq!(made["municipality"], "testdorf");
    for (body, status, code) in [
        (
            json!({"username": "td-2", "password": PASSWORD, "role": "desk", "municipality": "kaarst"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_municipality",
        ),
        (
            json!({"username": "td-3", "password": PASSWORD, "role": "operator"}),
            StatusCode::FORBIDDEN,
            "forbidden_role",
        ),
        (
            json!({"username": "td-4", "password": PASSWORD, "role": "desk", "offices": ["buergerbuero"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_office",
        ),
    ] {
        let r = app.request(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(&body),
        );
        problem(r, status, code);
    }
    // Its desk user books at its office, not at Kaarst's.
    let desk = app.login("td-desk", PASSWORD);
    let book = |office: &str| {
        app.request(
            Method::POST,
            "/api/v1/staff/bookings",
            Some(&desk),
            Some(&json!({
                "office": office, "services": ["bauberatung"], "kind": "regular",
                "start": "2026-12-03T09:00:00+01:00",
                "citizen": {"name": "Erika Mustermann", "phone": "02131 987-0"}
            })),
        )
    };
    ok_json(book("rathaus-testdorf"), StatusCode::CREATED);
    let r = book("infobuero-bauen");
    assert!(
        matches!(
            r.status(),
            StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
        ),
        "{}",
        r.status()
    );
    // Its admin changes its own office, not Kaarst's.
    let own = app.request(
        Method::PATCH,
        "/api/v1/admin/offices/rathaus-testdorf",
        Some(&admin),
        Some(&json!({"hold_minutes": 15})),
    );
    ok_json(own, StatusCode::OK);
    let kaarst = app.request(
        Method::PATCH,
        "/api/v1/admin/offices/buergerbuero",
        Some(&admin),
        Some(&json!({"hold_minutes": 15})),
    );
    problem(kaarst, StatusCode::NOT_FOUND, "unknown_office");
    // The operator sees every account.
    let all = users(&app.admin_token());
    for name in ["chefin", "testdorf-admin", "td-desk"] {
        assert!(all.iter().any(|u| u == name), "{name} in {all:?}");
    }
}

fn r30_r39_a_municipalitys_statistics_are_its_offices_together(app: &TestApp) {
    ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    ok_json(
        app.book(&regular(datetime!(2026-12-01 09:00 +01:00))),
        StatusCode::CREATED,
    );
    let mut bauen = regular(datetime!(2026-12-01 09:00 +01:00));
    bauen["office"] = json!("infobuero-bauen");
    bauen["services"] = json!(["bauberatung"]);
    ok_json(app.book(&bauen), StatusCode::CREATED);
    let operator = app.admin_token();
    let days = |path: &str| {
        let r = app.request(
            Method::GET,
            &format!("{path}/statistics?from=2026-12-01&to=2026-12-02"),
            Some(&operator),
            None,
        );
        ok_json(r, StatusCode::OK)
    };
    let kaarst = days("/api/v1/admin/municipalities/kaarst");
    let buergerbuero = days("/api/v1/admin/offices/buergerbuero");
    let infobuero = days("/api/v1/admin/offices/infobuero-bauen");
    assert_eq!(kaarst.as_array().unwrap().len(), 2);
    assert_eq!(kaarst[0]["date"], "2026-12-01");
    assert_eq!(kaarst[0]["booked"]["online"], 3, "{kaarst}");
    for pool in ["regular"] {
        for minutes in ["booked_minutes", "capacity_minutes"] {
            let sum = buergerbuero[0][pool][minutes].as_u64().unwrap()
                + infobuero[0][pool][minutes].as_u64().unwrap();
            assert_eq!(
                kaarst[0][pool][minutes].as_u64().unwrap(),
                sum,
                "{pool}.{minutes}"
            );
        }
    }
    assert_eq!(
        kaarst[0]["day_ticket_contingent"],
        buergerbuero[0]["day_ticket_contingent"]
    );
    problem(
        app.request(
            Method::GET,
            "/api/v1/admin/municipalities/gibtsnicht/statistics?from=2026-12-01&to=2026-12-02",
            Some(&operator),
            None,
        ),
        StatusCode::NOT_FOUND,
        "unknown_municipality",
    );
}

/// What identifies Kaarst's data in an answer.
struct Kaarst {
    booking: String,
    code: String,
}

impl Kaarst {
    fn markers(&self) -> [&str; 5] {
        [
            "buergerbuero",
            "infobuero-bauen",
            "kaarst-desk",
            &self.booking,
            &self.code,
        ]
    }

    /// The value of a path parameter naming Kaarst's resource of its kind.
    fn value(&self, name: &str) -> String {
        match name {
            "office" => "buergerbuero".into(),
            "municipality" => "kaarst".into(),
            "username" => "kaarst-desk".into(),
            "id" => self.booking.clone(),
            "code" => self.code.clone(),
            "service" => "anmeldung".into(),
            "date" => "2026-12-24".into(),
            other => panic!(
                "path parameter `{other}`: give it the value of one of Kaarst's resources here"
            ),
        }
    }
}

/// The values of a query parameter (an array repeats it): its example in
/// the spec, or for a required one without, one of its format.
fn query_values(param: &Value) -> Vec<String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(example) = param
        .get("example")
        .or_else(|| param["schema"].get("example"))
    {
        return match example {
            Value::Array(list) => list.iter().map(text).collect(),
            one => vec![text(one)],
        };
    }
    if param["required"] != true {
        return Vec::new();
    }
    match param["schema"]["format"].as_str() {
        Some("date") => vec!["2026-12-01".into()],
        _ => panic!("required query parameter {param} has no example in the spec"),
    }
}

/// The body of an operation: its schema's example in the spec.
fn body_of(spec: &Value, operation: &Value) -> Option<Value> {
    let schema = operation.pointer("/requestBody/content/application~1json/schema")?;
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.pointer(r.trim_start_matches('#'))?,
        None => schema,
    };
    Some(schema.get("example").cloned().unwrap_or_else(|| json!({})))
}

/// What Kaarst looks like to its operator: its offices' configuration, its
/// accounts and its booking.
fn snapshot(app: &TestApp, kaarst: &Kaarst) -> Vec<String> {
    let operator = app.admin_token();
    [
        "/api/v1/admin/offices/buergerbuero".to_owned(),
        "/api/v1/admin/offices/infobuero-bauen".to_owned(),
        format!("/api/v1/staff/bookings/{}", kaarst.booking),
        "/api/v1/admin/municipalities/kaarst".to_owned(),
    ]
    .iter()
    .map(|path| {
        let r = app.request(Method::GET, path, Some(&operator), None);
        ok_json(r, StatusCode::OK).to_string()
    })
    .chain(std::iter::once({
        let users = ok_json(
            app.request(Method::GET, "/api/v1/admin/users", Some(&operator), None),
            StatusCode::OK,
        );
        users
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["municipality"] != "testdorf")
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }))
    .collect()
}

/// Every staff and admin operation of the spec (read from it, so a new
/// path is walked without editing this test), called by the admin of
/// another municipality on Kaarst's resources: each answers 404, or the
/// path's own refusal (403 for an operator's path; 422 for a body naming
/// an office or municipality it does not know), never Kaarst's data, and
/// changes nothing of Kaarst. The same reads by Kaarst's operator succeed,
/// so the walk does name Kaarst's resources.
fn r39_every_staff_and_admin_operation_of_the_spec_is_404_or_refused_to_another_municipalitys_admin(
    app: &TestApp,
) {
    let operator = app.admin_token();
    let r = app.request(
        Method::POST,
        "/api/v1/admin/users",
        Some(&operator),
        Some(&json!({
            "username": "kaarst-desk", "password": PASSWORD, "role": "desk",
            "municipality": "kaarst", "offices": ["buergerbuero"]
        })),
    );
    ok_json(r, StatusCode::CREATED);
    let mut body = regular(datetime!(2026-12-01 08:30 +01:00));
    body["citizen"]["email"] = json!("erika@example.org");
    let made = ok_json(app.book(&body), StatusCode::CREATED);
    let kaarst = Kaarst {
        booking: made["id"].as_str().unwrap().to_owned(),
        code: made["code"].as_str().unwrap().to_owned(),
    };
    let other = testdorf(app);
    let before = snapshot(app, &kaarst);

    let spec = serde_json::to_value(api::openapi()).unwrap();
    let mut walked = 0;
    let mut read_by_operator = 0;
    for (template, item) in spec["paths"].as_object().unwrap() {
        if !(template.starts_with("/api/v1/staff/") || template.starts_with("/api/v1/admin/")) {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let params = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut path = template.clone();
            let mut query = Vec::new();
            for p in &params {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" => path = path.replace(&format!("{{{name}}}"), &kaarst.value(name)),
                    "query" => {
                        for v in query_values(p) {
                            query.push(format!("{name}={v}"));
                        }
                    }
                    _ => {}
                }
            }
            if !query.is_empty() {
                path = format!("{path}?{}", query.join("&"));
            }
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = body_of(&spec, operation);
            let r = app.request(method.clone(), &path, Some(&other), body.as_ref());
            let status = r.status();
            let text = r.text().unwrap();
            let case = format!("{method} {path} → {status} {text}");
            walked += 1;
            if status.is_success() {
                for marker in kaarst.markers() {
                    assert!(!text.contains(marker), "Kaarst's `{marker}` shown: {case}");
                }
            } else {
                let code = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v["code"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                let refused = match status {
                    StatusCode::NOT_FOUND => true,
                    StatusCode::FORBIDDEN => code == "forbidden_role",
                    StatusCode::UNPROCESSABLE_ENTITY => {
                        matches!(code.as_str(), "unknown_office" | "unknown_municipality")
                    }
                    _ => false,
                };
                assert!(refused, "neither 404 nor the path's refusal: {case}");
            }
            if method == Method::GET {
                let control = app.request(Method::GET, &path, Some(&operator), None);
                assert!(
                    control.status().is_success(),
                    "Kaarst's operator reads {path}: {}",
                    control.status()
                );
                read_by_operator += 1;
            }
        }
    }
    assert!(walked >= 30, "walked {walked} operations");
    assert!(read_by_operator >= 10, "{read_by_operator} reads checked");
    assert_eq!(snapshot(app, &kaarst), before, "Kaarst unchanged");
}
