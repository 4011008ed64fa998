//! The staff side end to end (R10, R11, R13, R15, R18 and administration),
//! on SQLite always and on PostgreSQL with `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn;
    r11_each_role_may_do_its_work_and_no_more,
    r11_forged_expired_foreign_and_unsigned_tokens_are_refused,
    r11_logins_reveal_nothing_and_are_slowed_down,
    r10_online_phone_and_desk_share_one_slot,
    r13_desk_day_ticket_refused_at_0759_issued_at_0800,
    r15_contingent_gone_for_desk_as_online,
    r18_staff_find_by_code_and_cancel_and_it_is_audited,
    admin_hours_counters_and_closures_take_effect_at_once,
    admin_change_that_would_orphan_is_refused_or_forced,
    admin_services_added_changed_and_retired,
    admin_disables_users_and_resets_passwords,
    r11_tokens_end_with_a_new_password_a_disable_and_a_role_change,
);

fn appointments(app: &TestApp, token: &str, date: &str) -> Vec<Value> {
    let r = app.request(
        Method::GET,
        &format!("/api/v1/staff/offices/buergerbuero/appointments?date={date}"),
        Some(token),
        None,
    );
    ok_json(r, StatusCode::OK).as_array().unwrap().clone()
}

fn staff_book(app: &TestApp, token: &str, body: &Value) -> reqwest::blocking::Response {
    app.request(
        Method::POST,
        "/api/v1/staff/bookings",
        Some(token),
        Some(body),
    )
}

fn r11_each_role_may_do_its_work_and_no_more(app: &TestApp) {
    let admin = app.admin_token();
    let desk = app.staff("dora", "desk");
    let phone = app.staff("paul", "phone");
    let clerk = app.staff("klara", "clerk");
    let slot = regular(datetime!(2026-12-01 08:30 +01:00));
    for token in [&admin, &desk, &phone] {
        ok_json(staff_book(app, token, &slot), StatusCode::CREATED);
    }
    problem(
        staff_book(app, &clerk, &slot),
        StatusCode::FORBIDDEN,
        "forbidden_role",
    );
    for token in [&admin, &desk, &phone, &clerk] {
        assert_eq!(appointments(app, token, "2026-12-01").len(), 3);
    }
    for token in [&desk, &phone, &clerk] {
        problem(
            app.request(Method::GET, "/api/v1/admin/users", Some(token), None),
            StatusCode::FORBIDDEN,
            "forbidden_role",
        );
        problem(
            app.request(
                Method::PATCH,
                "/api/v1/admin/offices/buergerbuero",
                Some(token),
                Some(&json!({"counters": 9})),
            ),
            StatusCode::FORBIDDEN,
            "forbidden_role",
        );
    }
    let users = ok_json(
        app.request(Method::GET, "/api/v1/admin/users", Some(&admin), None),
        StatusCode::OK,
    );
    assert_eq!(users.as_array().unwrap().len(), 4);
    // Personal data only for staff: the day list carries it.
    let day = appointments(app, &clerk, "2026-12-01");
    assert_eq!(day[0]["citizen"]["email"], "erika@example.org");
    let channels: Vec<&str> = day.iter().map(|b| b["channel"].as_str().unwrap()).collect();
    assert_eq!(
        channels,
        ["desk", "desk", "phone"]
            .map(str::to_owned)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
}

fn r11_forged_expired_foreign_and_unsigned_tokens_are_refused(app: &TestApp) {
    let path = "/api/v1/staff/offices/buergerbuero/appointments?date=2026-12-01";
    let valid = app.admin_token();
    ok_json(
        app.request(Method::GET, path, Some(&valid), None),
        StatusCode::OK,
    );

    let missing = app.request(Method::GET, path, None, None);
    assert_eq!(
        missing
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    problem(missing, StatusCode::UNAUTHORIZED, "missing_token");

    // The signature of another token under a changed payload.
    let parts: Vec<&str> = valid.split('.').collect();
    let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJjaGVmaW4iLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3OTYyODAwMDAsImV4cCI6MTk5NjI4MDAwMH0.";
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        unsigned.split('.').nth(1).unwrap(),
        parts[2]
    );
    let claims =
        json!({"sub": "chefin", "role": "admin", "iat": 1_796_000_000, "exp": 1_996_000_000});
    let foreign = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"not the server's secret"),
    )
    .unwrap();
    let other_alg = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    for bad in [
        forged.as_str(),
        unsigned,
        &foreign,
        &other_alg,
        "not.a.token",
        "x",
    ] {
        problem(
            app.request(Method::GET, path, Some(bad), None),
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        );
    }
    // Expiry is checked against the injected clock: ten hours later.
    app.at(MONDAY_10 + time::Duration::hours(10));
    problem(
        app.request(Method::GET, path, Some(&valid), None),
        StatusCode::UNAUTHORIZED,
        "token_expired",
    );
}

fn r11_logins_reveal_nothing_and_are_slowed_down(app: &TestApp) {
    let attempt = |user: &str, password: &str| {
        app.request(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"username": user, "password": password})),
        )
    };
    let wrong = problem(
        attempt("chefin", "falsch-falsch"),
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    let unknown = problem(
        attempt("niemand", "falsch-falsch"),
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    assert_eq!(
        wrong["detail"], unknown["detail"],
        "the same answer either way"
    );
    // Five attempts per username, then a pause: even the right password waits.
    for _ in 0..4 {
        attempt("chefin", "falsch-falsch");
    }
    let throttled = attempt("chefin", ADMIN.1);
    assert!(throttled.headers().contains_key("retry-after"));
    problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    );
    // Another name is not affected; case does not dodge the limit.
    problem(
        attempt("CHEFIN", ADMIN.1),
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"username": "x"})),
        ),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
}

fn r10_online_phone_and_desk_share_one_slot(app: &TestApp) {
    let desk = app.staff("dora", "desk");
    let phone = app.staff("paul", "phone");
    let start = datetime!(2026-12-01 08:30 +01:00);
    let online = ok_json(app.book(&regular(start)), StatusCode::CREATED);
    let by_phone = ok_json(
        staff_book(app, &phone, &regular(start)),
        StatusCode::CREATED,
    );
    let at_desk = ok_json(staff_book(app, &desk, &regular(start)), StatusCode::CREATED);
    assert_eq!(
        [&online, &by_phone, &at_desk].map(|b| b["channel"].as_str().unwrap().to_owned()),
        ["online", "phone", "desk"].map(str::to_owned)
    );
    // The three regular counters are gone for every channel.
    problem(
        app.book(&regular(start)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    problem(
        staff_book(app, &phone, &regular(start)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    problem(
        staff_book(app, &desk, &regular(start)),
        StatusCode::CONFLICT,
        "slot_taken",
    );
    let day = appointments(app, &desk, "2026-12-01");
    assert_eq!(day.len(), 3);
}

fn r13_desk_day_ticket_refused_at_0759_issued_at_0800(app: &TestApp) {
    let desk = app.staff("dora", "desk");
    let phone = app.staff("paul", "phone");
    app.at(datetime!(2026-11-30 07:59 +01:00));
    let ticket = day_ticket(datetime!(2026-11-30 08:30 +01:00));
    let refused = problem(
        staff_book(app, &desk, &ticket),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day_ticket_not_released",
    );
    assert!(
        refused["detail"].as_str().unwrap().contains("08:00"),
        "{refused}"
    );
    problem(
        staff_book(app, &phone, &ticket),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day_ticket_not_released",
    );
    let status = ok_json(
        app.request(
            Method::GET,
            "/api/v1/staff/offices/buergerbuero/day-tickets",
            Some(&desk),
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(status["available"], false);
    // Online has been open since 07:00.
    ok_json(app.book(&ticket), StatusCode::CREATED);
    app.at(datetime!(2026-11-30 08:00 +01:00));
    let made = ok_json(
        staff_book(app, &desk, &day_ticket(datetime!(2026-11-30 08:35 +01:00))),
        StatusCode::CREATED,
    );
    assert_eq!(
        (made["kind"].as_str(), made["channel"].as_str()),
        (Some("day_ticket"), Some("desk"))
    );
}

fn r15_contingent_gone_for_desk_as_online(app: &TestApp) {
    let desk = app.staff("dora", "desk");
    app.at(datetime!(2026-11-30 08:00 +01:00));
    let first = datetime!(2026-11-30 08:30 +01:00);
    for i in 0..12 {
        let start = first + time::Duration::minutes(5 * i);
        let r = if i % 2 == 0 {
            app.book(&day_ticket(start))
        } else {
            staff_book(app, &desk, &day_ticket(start))
        };
        ok_json(r, StatusCode::CREATED);
    }
    let later = day_ticket(datetime!(2026-11-30 11:00 +01:00));
    problem(
        staff_book(app, &desk, &later),
        StatusCode::CONFLICT,
        "day_tickets_exhausted",
    );
    problem(
        app.book(&later),
        StatusCode::CONFLICT,
        "day_tickets_exhausted",
    );
    let status = ok_json(
        app.request(
            Method::GET,
            "/api/v1/staff/offices/buergerbuero/day-tickets",
            Some(&desk),
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(
        (status["available"].as_bool(), status["remaining"].as_u64()),
        (Some(false), Some(0))
    );
}

fn r18_staff_find_by_code_and_cancel_and_it_is_audited(app: &TestApp) {
    let clerk = app.staff("klara", "clerk");
    let made = ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    let code = made["code"].as_str().unwrap();
    let typed = format!(" {}-{} ", &code[..4].to_lowercase(), &code[4..]);
    let found = ok_json(
        app.request(
            Method::GET,
            &format!("/api/v1/staff/bookings/by-code/{typed}"),
            Some(&clerk),
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(found["id"], made["id"]);
    let path = format!("/api/v1/staff/bookings/{}", made["id"].as_str().unwrap());
    ok_json(
        app.request(Method::GET, &path, Some(&clerk), None),
        StatusCode::OK,
    );
    assert_eq!(
        app.request(Method::DELETE, &path, Some(&clerk), None)
            .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        app.request(Method::DELETE, &path, Some(&clerk), None),
        StatusCode::CONFLICT,
        "already_cancelled",
    );
    problem(
        app.request(
            Method::GET,
            "/api/v1/staff/bookings/by-code/ZZZZZZZZ",
            Some(&clerk),
            None,
        ),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // The slot is free again at once.
    ok_json(
        app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
        StatusCode::CREATED,
    );
    let log = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/audit",
            Some(&app.admin_token()),
            None,
        ),
        StatusCode::OK,
    );
    let first = &log[0];
    assert_eq!(
        (first["actor"].as_str(), first["action"].as_str()),
        (Some("klara"), Some("booking.cancel"))
    );
    assert_eq!(first["booking"], made["id"]);
}

fn slot_starts(app: &TestApp, service: &str, from: &str, to: &str) -> Vec<String> {
    let offer = ok_json(
        app.get(&format!(
            "/api/v1/offices/buergerbuero/slots?service={service}&from={from}&to={to}"
        )),
        StatusCode::OK,
    );
    offer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

fn kaarst_hours_without_thursday_afternoon() -> Value {
    let morning = json!([{"start": "08:30", "end": "12:00"}]);
    json!({
        "monday": morning, "tuesday": morning, "wednesday": morning, "thursday": morning,
        "friday": morning, "saturday": morning
    })
}

fn admin_hours_counters_and_closures_take_effect_at_once(app: &TestApp) {
    let admin = app.admin_token();
    let thursday = "2026-12-03T14:00:00+01:00".to_owned();
    assert!(slot_starts(app, "anmeldung", "2026-12-03", "2026-12-03").contains(&thursday));
    let changed = ok_json(
        app.request(
            Method::PUT,
            "/api/v1/admin/offices/buergerbuero/hours",
            Some(&admin),
            Some(&kaarst_hours_without_thursday_afternoon()),
        ),
        StatusCode::OK,
    );
    assert_eq!(
        changed["office"]["hours"]["thursday"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(!slot_starts(app, "anmeldung", "2026-12-03", "2026-12-03").contains(&thursday));

    // Three regular counters full at 08:30: search no longer offers it; five
    // counters (one held back) offer it again at once, for one more booking.
    let start = datetime!(2026-12-01 08:30 +01:00);
    let first = "2026-12-01T08:30:00+01:00".to_owned();
    for _ in 0..3 {
        ok_json(app.book(&regular(start)), StatusCode::CREATED);
    }
    assert!(!slot_starts(app, "anmeldung", "2026-12-01", "2026-12-01").contains(&first));
    ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/offices/buergerbuero",
            Some(&admin),
            Some(&json!({"counters": 5})),
        ),
        StatusCode::OK,
    );
    assert!(slot_starts(app, "anmeldung", "2026-12-01", "2026-12-01").contains(&first));
    ok_json(app.book(&regular(start)), StatusCode::CREATED);
    problem(
        app.book(&regular(start)),
        StatusCode::CONFLICT,
        "slot_taken",
    );

    let closure = "/api/v1/admin/offices/buergerbuero/closures/2026-12-24";
    ok_json(
        app.request(
            Method::PUT,
            closure,
            Some(&admin),
            Some(&json!({"reason": "Heiligabend"})),
        ),
        StatusCode::OK,
    );
    assert!(slot_starts(app, "anmeldung", "2026-12-24", "2026-12-24").is_empty());
    problem(
        app.book(&regular(datetime!(2026-12-24 08:30 +01:00))),
        StatusCode::UNPROCESSABLE_ENTITY,
        "closure_day",
    );
    ok_json(
        app.request(Method::DELETE, closure, Some(&admin), None),
        StatusCode::OK,
    );
    assert!(!slot_starts(app, "anmeldung", "2026-12-24", "2026-12-24").is_empty());
    problem(
        app.request(Method::DELETE, closure, Some(&admin), None),
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Invalid configurations and input are refused and change nothing.
    problem(
        app.request(
            Method::PUT,
            "/api/v1/admin/offices/buergerbuero/day-ticket",
            Some(&admin),
            Some(
                &json!({"held_back_counters": 6, "per_day": 12, "online_from": "07:00",
                         "staff_from": "08:00", "weekdays": ["monday"]}),
            ),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_configuration",
    );
    problem(
        app.request(
            Method::PUT,
            "/api/v1/admin/offices/buergerbuero/hours",
            Some(&admin),
            Some(&json!({"monday": [{"start": "8 Uhr", "end": "12:00"}]})),
        ),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    for absurd in [
        json!({"horizon_days": 3_000_000}),
        json!({"grid_minutes": 4_294_967_295_u64}),
        json!({"counters": 2_147_483_648_u64}),
    ] {
        problem(
            app.request(
                Method::PATCH,
                "/api/v1/admin/offices/buergerbuero",
                Some(&admin),
                Some(&absurd),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_configuration",
        );
    }
    problem(
        app.request(
            Method::GET,
            "/api/v1/admin/audit?limit=0",
            Some(&admin),
            None,
        ),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    // The bearer scheme is case-insensitive.
    let lower = app
        .client
        .get(format!("{}/api/v1/admin/offices/buergerbuero", app.base))
        .header("Authorization", format!("bearer {admin}"))
        .send()
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK);
    let config = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/offices/buergerbuero",
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(config["counters"], 5);
    assert_eq!(config["day_ticket"]["held_back_counters"], 1);
    assert_eq!(config["hours"]["monday"][0]["start"], "08:30");
}

fn admin_change_that_would_orphan_is_refused_or_forced(app: &TestApp) {
    let admin = app.admin_token();
    let made = ok_json(
        app.book(&regular(datetime!(2026-12-03 14:00 +01:00))),
        StatusCode::CREATED,
    );
    let path = "/api/v1/admin/offices/buergerbuero/hours";
    let body = problem(
        app.request(
            Method::PUT,
            path,
            Some(&admin),
            Some(&kaarst_hours_without_thursday_afternoon()),
        ),
        StatusCode::CONFLICT,
        "would_orphan_bookings",
    );
    let affected = body["affected_bookings"].as_array().unwrap();
    assert_eq!(affected.len(), 1);
    assert_eq!(affected[0]["booking"]["id"], made["id"]);
    assert_eq!(affected[0]["reason"], "outside_opening_hours");
    // Refused: nothing changed.
    assert!(
        slot_starts(app, "anmeldung", "2026-12-03", "2026-12-03")
            .contains(&"2026-12-03T14:30:00+01:00".to_owned())
    );
    let forced = ok_json(
        app.request(
            Method::PUT,
            &format!("{path}?force=true"),
            Some(&admin),
            Some(&kaarst_hours_without_thursday_afternoon()),
        ),
        StatusCode::OK,
    );
    assert_eq!(forced["orphaned_bookings"][0]["booking"]["id"], made["id"]);
    let log = ok_json(
        app.request(
            Method::GET,
            "/api/v1/admin/audit?limit=1",
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    assert_eq!(log[0]["action"], "office.hours");
    assert_eq!(log[0]["detail"]["forced"], true);
    // Fewer counters than bookings on a slot, and a closure on a booked day.
    for _ in 0..2 {
        ok_json(
            app.book(&regular(datetime!(2026-12-01 08:30 +01:00))),
            StatusCode::CREATED,
        );
    }
    let fewer = problem(
        app.request(
            Method::PATCH,
            "/api/v1/admin/offices/buergerbuero",
            Some(&admin),
            Some(&json!({"counters": 2})),
        ),
        StatusCode::CONFLICT,
        "would_orphan_bookings",
    );
    let reasons: Vec<&str> = fewer["affected_bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"over_capacity"), "{reasons:?}");
    problem(
        app.request(
            Method::PUT,
            "/api/v1/admin/offices/buergerbuero/closures/2026-12-01",
            Some(&admin),
            Some(&json!({"reason": "Betriebsversammlung"})),
        ),
        StatusCode::CONFLICT,
        "would_orphan_bookings",
    );
}

fn admin_services_added_changed_and_retired(app: &TestApp) {
    let admin = app.admin_token();
    let services = "/api/v1/admin/offices/buergerbuero/services";
    ok_json(
        app.request(
            Method::POST,
            services,
            Some(&admin),
            Some(
                &json!({"id": "wohnsitz", "name": "Wohnsitzbescheinigung", "duration_minutes": 10}),
            ),
        ),
        StatusCode::OK,
    );
    problem(
        app.request(
            Method::POST,
            services,
            Some(&admin),
            Some(&json!({"id": "wohnsitz", "name": "Doppelt", "duration_minutes": 10})),
        ),
        StatusCode::CONFLICT,
        "service_exists",
    );
    problem(
        app.request(
            Method::POST,
            services,
            Some(&admin),
            Some(&json!({"id": "krumm", "name": "Krumm", "duration_minutes": 7})),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_configuration",
    );
    let listed = ok_json(
        app.get("/api/v1/offices/buergerbuero/services"),
        StatusCode::OK,
    );
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "wohnsitz")
    );
    ok_json(
        app.request(
            Method::PATCH,
            &format!("{services}/personalausweis"),
            Some(&admin),
            Some(&json!({"duration_minutes": 25})),
        ),
        StatusCode::OK,
    );
    let offer = ok_json(
        app.get("/api/v1/offices/buergerbuero/slots?service=personalausweis&to=2026-12-01"),
        StatusCode::OK,
    );
    assert_eq!(offer["duration_minutes"], 25);
    ok_json(
        app.request(
            Method::DELETE,
            &format!("{services}/wohnsitz"),
            Some(&admin),
            None,
        ),
        StatusCode::OK,
    );
    let listed = ok_json(
        app.get("/api/v1/offices/buergerbuero/services"),
        StatusCode::OK,
    );
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "wohnsitz")
    );
    problem(
        app.book(&booking(
            &["wohnsitz"],
            datetime!(2026-12-01 08:30 +01:00),
            "regular",
        )),
        StatusCode::UNPROCESSABLE_ENTITY,
        "service_retired",
    );
    problem(
        app.request(
            Method::DELETE,
            &format!("{services}/gibtsnicht"),
            Some(&admin),
            None,
        ),
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

fn admin_disables_users_and_resets_passwords(app: &TestApp) {
    let admin = app.admin_token();
    let desk = app.staff("dora", "desk");
    problem(
        app.request(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(&json!({"username": "DORA", "password": "long enough password", "role": "phone"})),
        ),
        StatusCode::CONFLICT,
        "username_taken",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(&json!({"username": "ede", "password": "kurz", "role": "phone"})),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "weak_password",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(&json!({"username": "ede", "password": "long enough password", "role": "king"})),
        ),
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    let disabled = ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/users/dora",
            Some(&admin),
            Some(&json!({"active": false})),
        ),
        StatusCode::OK,
    );
    assert_eq!(disabled["active"], false);
    // Her token stops working at once, and she can no longer log in.
    problem(
        app.request(
            Method::GET,
            "/api/v1/staff/offices/buergerbuero/appointments",
            Some(&desk),
            None,
        ),
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
    problem(
        app.request(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"username": "dora", "password": "dora-password-2026"})),
        ),
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    ok_json(
        app.request(
            Method::PATCH,
            "/api/v1/admin/users/dora",
            Some(&admin),
            Some(&json!({"active": true})),
        ),
        StatusCode::OK,
    );
    assert_eq!(
        app.request(
            Method::PUT,
            "/api/v1/admin/users/dora/password",
            Some(&admin),
            Some(&json!({"password": "a brand new password"})),
        )
        .status(),
        StatusCode::NO_CONTENT
    );
    app.login("dora", "a brand new password");
    problem(
        app.request(
            Method::PATCH,
            "/api/v1/admin/users/chefin",
            Some(&admin),
            Some(&json!({"active": false})),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot_change_self",
    );
    problem(
        app.request(
            Method::PATCH,
            "/api/v1/admin/users/nobody",
            Some(&admin),
            Some(&json!({"active": false})),
        ),
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

fn r11_tokens_end_with_a_new_password_a_disable_and_a_role_change(app: &TestApp) {
    let admin = app.admin_token();
    let day_list = "/api/v1/staff/offices/buergerbuero/appointments?date=2026-12-01";
    let works = |token: &str| {
        ok_json(
            app.request(Method::GET, day_list, Some(token), None),
            StatusCode::OK,
        );
    };
    let ended = |token: &str| {
        let body = problem(
            app.request(Method::GET, day_list, Some(token), None),
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        );
        assert!(body["detail"].as_str().unwrap().contains("log in again"));
    };
    let change = |body: Value| {
        ok_json(
            app.request(
                Method::PATCH,
                "/api/v1/admin/users/dora",
                Some(&admin),
                Some(&body),
            ),
            StatusCode::OK,
        );
    };

    // A password reset ends the token issued under the old password.
    let before_reset = app.staff("dora", "desk");
    works(&before_reset);
    let reset = app.request(
        Method::PUT,
        "/api/v1/admin/users/dora/password",
        Some(&admin),
        Some(&json!({"password": "a brand new password"})),
    );
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    ended(&before_reset);
    let after_reset = app.login("dora", "a brand new password");
    works(&after_reset);

    // Disabled and enabled again: the old token does not come back.
    change(json!({"active": false}));
    change(json!({"active": true}));
    ended(&after_reset);
    let after_enable = app.login("dora", "a brand new password");
    works(&after_enable);

    // A role changed and changed back: the token of before is ended.
    change(json!({"role": "phone"}));
    change(json!({"role": "desk"}));
    ended(&after_enable);
    let after_roles = app.login("dora", "a brand new password");
    works(&after_roles);

    // A change to what the account already is ends nothing; nor does a
    // change of another account end the admin's own token.
    change(json!({"role": "desk", "active": true}));
    works(&after_roles);
    works(&admin);
}

/// Every staff and admin operation of the generated spec refuses an
/// anonymous request (401), and every admin one refuses a clerk (403).
#[test]
fn every_staff_and_admin_path_of_the_spec_refuses_anonymous_requests() {
    let app = TestApp::spawn(persistence::test_support::sqlite());
    let clerk = app.staff("klara", "clerk");
    let spec = serde_json::to_value(api::openapi()).unwrap();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let staff = path.starts_with("/api/v1/staff/");
        let admin = path.starts_with("/api/v1/admin/");
        if !staff && !admin {
            continue;
        }
        let concrete = path
            .replace("{office}", "buergerbuero")
            .replace("{id}", "0192b5a4-8a7e-7c3e-9f00-000000000000")
            .replace("{code}", "ABCD2345")
            .replace("{username}", "klara")
            .replace("{service}", "anmeldung")
            .replace("{date}", "2026-12-24");
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            assert!(
                operation["security"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty()),
                "{method} {path} does not name the bearer scheme"
            );
            let body = json!({});
            let r = app.request(method.clone(), &concrete, None, Some(&body));
            problem(r, StatusCode::UNAUTHORIZED, "missing_token");
            if admin {
                let r = app.request(method.clone(), &concrete, Some(&clerk), Some(&body));
                problem(r, StatusCode::FORBIDDEN, "forbidden_role");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations found");
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}
