//! R24: one contact however its address is written, over a real socket, on
//! both backends, with the shipped Kaarst limits per contact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

on_both_backends!(
    TestApp::spawn_kaarst;
    r24_a_quoted_local_part_is_the_same_contact,
);

fn with_email(start: time::OffsetDateTime, email: &str) -> Value {
    let mut body = regular(start);
    body["citizen"] = json!({"name": "Erika M.", "email": email});
    body
}

/// `"erika.m"@example.org` is a second spelling of `erika.m@example.org`
/// (RFC 5322 §3.4.1): the limit of 3 future bookings holds across both.
fn r24_a_quoted_local_part_is_the_same_contact(app: &TestApp) {
    let tuesday = datetime!(2026-12-01 08:30 +01:00);
    for (day, email) in [
        (0, "erika.m@example.org"),
        (1, "\"erika.m\"@example.org"),
        (2, "\"Erika\\.M\"@Example.org"),
    ] {
        let made = ok_json(
            app.book(&with_email(tuesday + time::Duration::days(day), email)),
            StatusCode::CREATED,
        );
        assert_eq!(made["citizen"]["email"], email, "stored as written");
    }
    for email in ["\"erika.m\"@example.org", "erika.m@example.org"] {
        problem(
            app.book(&with_email(tuesday + time::Duration::days(3), email)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contact_limit",
        );
    }
    // Quotes a local part needs keep it another mailbox.
    ok_json(
        app.book(&with_email(
            tuesday + time::Duration::days(3),
            "\"erika m\"@example.org",
        )),
        StatusCode::CREATED,
    );
}
