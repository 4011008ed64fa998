//! The committed `openapi.yaml` is what the handlers generate.
//! Regenerate with: `cargo run -p api -- openapi > openapi.yaml`
#![allow(clippy::unwrap_used, clippy::expect_used)]

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");

#[test]
fn openapi_yaml_is_what_the_handlers_generate() {
    let generated = api::openapi_yaml().unwrap();
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        generated == committed,
        "openapi.yaml differs from the handlers' spec; regenerate it with \
         `cargo run -p api -- openapi > openapi.yaml` and review the diff"
    );
}

#[test]
fn spec_holds_every_citizen_path_of_api_md() {
    let spec = api::openapi();
    let expected = [
        ("get", "/api/v1/offices"),
        ("get", "/api/v1/offices/{office}/services"),
        ("get", "/api/v1/offices/{office}/slots"),
        ("get", "/api/v1/offices/{office}/day-tickets"),
        ("post", "/api/v1/bookings"),
        ("get", "/api/v1/bookings/{id}"),
        ("delete", "/api/v1/bookings/{id}"),
        ("patch", "/api/v1/bookings/{id}"),
        ("post", "/api/v1/holds"),
        ("get", "/api/v1/holds/{id}"),
        ("post", "/api/v1/holds/{id}/extend"),
        ("delete", "/api/v1/holds/{id}"),
        ("post", "/api/v1/holds/{id}/booking"),
        ("patch", "/api/v1/staff/bookings/{id}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
    ];
    let json = serde_json::to_value(&spec).unwrap();
    for (method, path) in expected {
        let op = &json["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is missing from the spec");
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} documents no responses"
        );
    }
    assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(json["components"]["schemas"]["Problem"].is_object());
}

#[test]
fn every_operation_answers_problem_json_and_the_codes_are_an_enum() {
    let json = serde_json::to_value(api::openapi()).unwrap();
    let mut operations = 0;
    for (path, item) in json["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            operations += 1;
            let problem = responses
                .values()
                .any(|r| r["content"]["application/problem+json"].is_object());
            assert!(problem, "{method} {path} lists no problem+json response");
            assert!(responses.contains_key("default"), "{method} {path}");
        }
    }
    assert!(operations > 30, "{operations}");
    // Problem.code lists every code the code base can answer with.
    let schemas = &json["components"]["schemas"];
    assert_eq!(
        schemas["Problem"]["properties"]["code"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    let listed: Vec<&str> = schemas["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let all: Vec<&str> = api::http::error::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(listed, all);
}

/// Every string of the committed spec is quoted (its YAML is in JSON form),
/// so `12:00` or `2026-12-24` stay strings for any YAML reader; schema names
/// do not collide (the challenge's answer is not the challenge setting).
#[test]
fn the_committed_spec_quotes_every_string_and_names_each_schema_once() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&committed).expect("openapi.yaml is written in the JSON form of YAML");
    let challenge = &json["paths"]["/api/v1/challenge"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["$ref"];
    let name = challenge.as_str().unwrap().rsplit('/').next().unwrap();
    let schema = &json["components"]["schemas"][name];
    assert!(schema["properties"]["salt"].is_object(), "{schema}");
    let closure =
        &json["paths"]["/api/v1/admin/offices/{office}/closures/{date}"]["put"]["parameters"];
    let date = closure
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "date")
        .unwrap();
    assert_eq!(date["example"], "2026-12-24");
    assert_eq!(date["schema"]["format"], "date");
}

/// What every operation of a kind can answer is in the spec, with its
/// headers: 503 `busy` (Retry-After) on every write, 401 with
/// WWW-Authenticate where a token is needed, 429 (Retry-After) on the
/// citizens' rate-limited paths; the token example lasts the real lifetime.
#[test]
fn every_operation_lists_the_answers_of_its_kind_with_their_headers() {
    let json = serde_json::to_value(api::openapi()).unwrap();
    for (path, item) in json["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = &op["responses"];
            let has_header =
                |status: &str, name: &str| responses[status]["headers"][name].is_object();
            if ["post", "put", "patch", "delete"].contains(&method.as_str()) {
                assert!(has_header("503", "Retry-After"), "{method} {path}: 503");
            }
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(
                    has_header("401", "WWW-Authenticate"),
                    "{method} {path}: 401"
                );
            }
            if api::http::protocol::is_citizen_path(path) {
                assert!(has_header("429", "Retry-After"), "{method} {path}: 429");
            }
        }
    }
    let token = &json["components"]["schemas"]["TokenDto"]["example"]["expires_in"];
    assert_eq!(
        token.as_i64(),
        Some(api::startup::TOKEN_LIFETIME.whole_seconds())
    );
    // One convention per field: sent always (maybe null) = required;
    // left out when empty = optional and never null.
    let schemas = &json["components"]["schemas"];
    let required = |schema: &str| schemas[schema]["required"].as_array().unwrap().clone();
    assert!(required("SlotsDto").contains(&"earliest".into()));
    assert!(required("ServiceDto").contains(&"leika".into()));
    assert!(!required("BookingDto").contains(&"previous_start".into()));
    assert_eq!(
        schemas["BookingDto"]["properties"]["previous_start"]["type"],
        "string"
    );
    // R17: e-mail or phone.
    let contact = &schemas["CitizenDto"]["allOf"][1]["anyOf"];
    assert_eq!(contact[0]["required"][0], "email");
    assert_eq!(contact[1]["required"][0], "phone");
    let user = &schemas["NewUserDto"]["properties"]["username"]["pattern"];
    assert!(user.as_str().unwrap().contains("{2,64}"));
    let slug = &schemas["NewServiceDto"]["properties"]["id"]["pattern"];
    assert!(slug.as_str().unwrap().contains("{0,62}"));
    let password = &json["components"]["schemas"]["NewUserDto"]["properties"]["password"];
    assert_eq!(
        (&password["minLength"], &password["maxLength"]),
        (&10.into(), &200.into())
    );
}
