//! The simulated clients. Each request's answer feeds the next: the ETag of
//! the last Tagesticket status goes back as `If-None-Match`, a start offered
//! by slot search or the status is the one booked, a hold's token confirms it,
//! a booking's token cancels it, a staff login's token lists the day.

use crate::record;
use goose::prelude::*;
use parking_lot::RwLock;
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Where the clients go, set once before the first run.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URLs of the API processes; client `i` uses `apis[i % len]`.
    pub apis: Vec<String>,
    /// Today at the frozen clock, `YYYY-MM-DD`, and the next 13 days.
    pub days: Vec<String>,
    /// The last day the booking baseline books (the Infobüro's horizon:
    /// 56 days after today), `YYYY-MM-DD`.
    pub booking_to: String,
    pub staff_user: String,
    pub staff_password: String,
}

static TARGET: LazyLock<RwLock<Target>> = LazyLock::new(|| {
    RwLock::new(Target {
        apis: vec!["http://127.0.0.1:8080".into()],
        days: vec!["2026-11-30".into()],
        booking_to: "2027-01-25".into(),
        staff_user: String::new(),
        staff_password: String::new(),
    })
});

pub fn set_target(t: Target) {
    *TARGET.write() = t;
}

/// Points the clients of the next run at other processes.
pub fn set_apis(apis: Vec<String>) {
    TARGET.write().apis = apis;
}

fn target() -> Target {
    TARGET.read().clone()
}

/// Unique e-mail addresses, so no contact limit (R24) decides anything.
static CONTACTS: AtomicU64 = AtomicU64::new(0);

fn citizen_body() -> Value {
    let n = CONTACTS.fetch_add(1, Ordering::Relaxed);
    json!({"name": "Last Test", "email": format!("load{n}@example.org")})
}

/// One simulated person's state between requests.
#[derive(Debug, Default)]
struct Session {
    api: String,
    /// The address the server takes as the client's (`X-Forwarded-For` from a
    /// trusted proxy, R25): one per user, as real citizens have, so the limit
    /// of 2 live holds per address (R19) applies per person, not to the
    /// whole load generator.
    address: String,
    etag: Option<String>,
    available: bool,
    starts: Vec<String>,
    /// Has taken its Tagesticket: a person stops refreshing then.
    done: bool,
    staff_token: Option<String>,
}

fn session(user: &mut GooseUser) -> &mut Session {
    if user.get_session_data::<Session>().is_none() {
        let i = user.weighted_users_index;
        let t = target();
        let api = t.apis[i % t.apis.len()].clone();
        let address = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        user.set_session_data(Session {
            api,
            address,
            ..Session::default()
        });
    }
    user.get_session_data_unchecked_mut::<Session>()
}

struct Answer {
    status: u16,
    etag: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends one request through goose (so goose's users, timing and connection
/// handling apply) and records its latency, body read included, under `name`.
/// `None`: no answer (recorded as failed).
async fn send(
    user: &mut GooseUser,
    name: &'static str,
    method: GooseMethod,
    url: &str,
    headers: &[(&'static str, &str)],
    body: Option<&Value>,
) -> Result<Option<Answer>, Box<TransactionError>> {
    if record::past_deadline() {
        // Idle until goose stops this client (a client without a pause
        // would otherwise spin through empty transactions).
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        return Ok(None);
    }
    let mut builder = user.get_request_builder(&method, url)?;
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    if let Some(b) = body {
        builder = builder.json(b);
    }
    let request = GooseRequest::builder()
        .method(method)
        .path(url)
        .name(name)
        .set_request_builder(builder)
        .build();
    let started = Instant::now();
    let goose = user.request(request).await?;
    match goose.response {
        Ok(r) => {
            let status = r.status().as_u16();
            let etag = r
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = r.text().await.unwrap_or_default();
            record::answered(name, started, status);
            Ok(Some(Answer { status, etag, body }))
        }
        Err(_) => {
            record::failed(name, started);
            Ok(None)
        }
    }
}

fn starts_of(v: &Value) -> Vec<String> {
    v["slots"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["start"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn pick(starts: &[String]) -> Option<String> {
    starts.choose(&mut rand::rng()).cloned()
}

/// A booking answered 201: its id for the audit, its token to cancel it.
fn confirmed(a: &Answer) -> Option<(String, String)> {
    if a.status != 201 {
        return None;
    }
    let v = a.json();
    let id = v["id"].as_str()?.to_owned();
    record::confirmed(id.clone());
    Some((id, v["token"].as_str().unwrap_or_default().to_owned()))
}

/// The 07:00 rush: refresh the Tagesticket status (sending the last ETag);
/// while it offers times, try to take one of them.
pub async fn rush(user: &mut GooseUser) -> TransactionResult {
    let s = session(user);
    if s.done {
        return Ok(());
    }
    let (api, address, etag) = (s.api.clone(), s.address.clone(), s.etag.clone());
    let url = format!("{api}/api/v1/offices/buergerbuero/day-tickets?service=ausweis-abholung");
    let mut headers = vec![("X-Forwarded-For", address.as_str())];
    if let Some(e) = etag.as_deref() {
        headers.push(("If-None-Match", e));
    }
    let Some(a) = send(
        user,
        "day-ticket status",
        GooseMethod::Get,
        &url,
        &headers,
        None,
    )
    .await?
    else {
        return Ok(());
    };
    if a.status == 200 {
        let v = a.json();
        let s = session(user);
        s.etag = a.etag.clone();
        s.available = v["available"].as_bool().unwrap_or(false);
        s.starts = starts_of(&v);
    }
    let s = session(user);
    let start = match (s.available, pick(&s.starts)) {
        (true, Some(start)) => start,
        _ => return Ok(()),
    };
    let body = json!({"office": "buergerbuero", "services": ["ausweis-abholung"],
        "start": start, "kind": "day_ticket", "citizen": citizen_body()});
    let url = format!("{api}/api/v1/bookings");
    let headers = [("X-Forwarded-For", address.as_str())];
    if let Some(a) = send(
        user,
        "day-ticket booking",
        GooseMethod::Post,
        &url,
        &headers,
        Some(&body),
    )
    .await?
        && confirmed(&a).is_some()
    {
        session(user).done = true;
    }
    Ok(())
}

/// What citizens look for on a normal morning (one to two services).
const SEARCHES: &[&[&str]] = &[
    &["personalausweis"],
    &["personalausweis"],
    &["anmeldung"],
    &["anmeldung"],
    &["reisepass"],
    &["ausweis-abholung"],
    &["beglaubigung"],
    &["meldebescheinigung"],
    &["personalausweis", "anmeldung"],
    &["personalausweis", "reisepass"],
];

/// A citizen's visit on a normal morning: a slot search (14 days); 60 %
/// leave after looking; 20 % book at once; 20 % hold a time, then confirm it
/// with their details; a quarter of those who booked cancel again.
pub async fn citizen(user: &mut GooseUser) -> TransactionResult {
    let s = session(user);
    let (api, address) = (s.api.clone(), s.address.clone());
    let services = SEARCHES
        .choose(&mut rand::rng())
        .copied()
        .unwrap_or(&["anmeldung"]);
    let query: Vec<String> = services.iter().map(|s| format!("service={s}")).collect();
    let url = format!(
        "{api}/api/v1/offices/buergerbuero/slots?{}",
        query.join("&")
    );
    let xff = [("X-Forwarded-For", address.as_str())];
    let Some(a) = send(user, "slot search", GooseMethod::Get, &url, &xff, None).await? else {
        return Ok(());
    };
    let Some(start) = pick(&starts_of(&a.json())) else {
        return Ok(());
    };
    let roll = rand::rng().random_range(0..100);
    let booked = if roll < 60 {
        None
    } else if roll < 80 {
        let body = json!({"office": "buergerbuero", "services": services, "start": start,
            "kind": "regular", "citizen": citizen_body()});
        let url = format!("{api}/api/v1/bookings");
        send(user, "booking", GooseMethod::Post, &url, &xff, Some(&body))
            .await?
            .and_then(|a| confirmed(&a))
    } else {
        let body = json!({"office": "buergerbuero", "services": services, "start": start,
            "kind": "regular"});
        let url = format!("{api}/api/v1/holds");
        let hold = send(user, "hold", GooseMethod::Post, &url, &xff, Some(&body)).await?;
        let Some(hold) = hold.filter(|h| h.status == 201).map(|h| h.json()) else {
            return Ok(());
        };
        let (id, token) = (
            hold["id"].as_str().unwrap_or_default(),
            hold["token"].as_str().unwrap_or_default(),
        );
        let url = format!("{api}/api/v1/holds/{id}/booking");
        let headers = [
            ("X-Forwarded-For", address.as_str()),
            ("X-Hold-Token", token),
        ];
        let body = json!({"citizen": citizen_body()});
        send(
            user,
            "hold confirmation",
            GooseMethod::Post,
            &url,
            &headers,
            Some(&body),
        )
        .await?
        .and_then(|a| confirmed(&a))
    };
    if let Some((id, token)) = booked
        && rand::rng().random_range(0..4) == 0
    {
        let url = format!("{api}/api/v1/bookings/{id}");
        let headers = [
            ("X-Forwarded-For", address.as_str()),
            ("X-Booking-Token", token.as_str()),
        ];
        if let Some(a) = send(
            user,
            "cancellation",
            GooseMethod::Delete,
            &url,
            &headers,
            None,
        )
        .await?
            && a.status == 204
        {
            record::cancelled(id);
        }
    }
    Ok(())
}

/// A counter clerk logs in once (argon2 is meant to be slow), from their own
/// address: logins per address are limited (issue #16) …
pub async fn staff_login(user: &mut GooseUser) -> TransactionResult {
    let s = session(user);
    let (api, address) = (s.api.clone(), s.address.clone());
    let t = target();
    let body = json!({"username": t.staff_user, "password": t.staff_password});
    let url = format!("{api}/api/v1/auth/token");
    if let Some(a) = send(
        user,
        "staff login",
        GooseMethod::Post,
        &url,
        &[("X-Forwarded-For", address.as_str())],
        Some(&body),
    )
    .await?
    {
        session(user).staff_token = a.json()["access_token"].as_str().map(str::to_owned);
    }
    Ok(())
}

/// … then looks at a day's list (mostly today's).
pub async fn staff_day_list(user: &mut GooseUser) -> TransactionResult {
    let s = session(user);
    let (api, token) = (s.api.clone(), s.staff_token.clone().unwrap_or_default());
    let t = target();
    let days = &t.days;
    let day = if rand::rng().random_range(0..2) == 0 {
        days.first()
    } else {
        days.choose(&mut rand::rng())
    };
    let url = format!(
        "{api}/api/v1/staff/offices/buergerbuero/appointments?date={}",
        day.map(String::as_str).unwrap_or("2026-11-30")
    );
    let auth = format!("Bearer {token}");
    send(
        user,
        "staff day list",
        GooseMethod::Get,
        &url,
        &[("Authorization", auth.as_str())],
        None,
    )
    .await?;
    Ok(())
}

/// Baseline: bookings as fast as they go (32 clients, no pause), on the
/// second office with its counters raised so nearly every attempt is a
/// booking rather than a 409, and the Bürgerbüro's figures stay the scenario's.
/// They spread over every bookable day (tomorrow to the horizon, 56 days),
/// as pgbench's transaction spreads over 56 day rows: the same number of
/// day locks to queue on.
pub async fn booking_start(user: &mut GooseUser) -> TransactionResult {
    let api = session(user).api.clone();
    let t = target();
    let (from, to) = (
        t.days.get(1).cloned().unwrap_or_default(),
        t.booking_to.clone(),
    );
    let url = format!(
        "{api}/api/v1/offices/infobuero-bauen/slots?service=bauberatung&from={from}&to={to}"
    );
    if let Some(a) = send(user, "booking slots", GooseMethod::Get, &url, &[], None).await? {
        session(user).starts = starts_of(&a.json());
    }
    Ok(())
}

pub async fn booking(user: &mut GooseUser) -> TransactionResult {
    let s = session(user);
    let (api, address) = (s.api.clone(), s.address.clone());
    let Some(start) = pick(&s.starts) else {
        return Ok(());
    };
    let body = json!({"office": "infobuero-bauen", "services": ["bauberatung"], "start": start,
        "kind": "regular", "citizen": citizen_body()});
    let url = format!("{api}/api/v1/bookings");
    if let Some(a) = send(
        user,
        "booking",
        GooseMethod::Post,
        &url,
        &[("X-Forwarded-For", address.as_str())],
        Some(&body),
    )
    .await?
    {
        confirmed(&a);
    }
    Ok(())
}

/// Baselines: slot search for 3 services over 14 days, and 1 service for 1
/// day (the two aims).
pub async fn search_3x14(user: &mut GooseUser) -> TransactionResult {
    let api = session(user).api.clone();
    let url = format!(
        "{api}/api/v1/offices/buergerbuero/slots?service=personalausweis&service=anmeldung&service=beglaubigung"
    );
    send(user, "slot search 3x14", GooseMethod::Get, &url, &[], None).await?;
    Ok(())
}

pub async fn search_1x1(user: &mut GooseUser) -> TransactionResult {
    let api = session(user).api.clone();
    let day = target().days.get(1).cloned().unwrap_or_default();
    let url =
        format!("{api}/api/v1/offices/buergerbuero/slots?service=anmeldung&from={day}&to={day}");
    send(user, "slot search 1x1", GooseMethod::Get, &url, &[], None).await?;
    Ok(())
}

/// Baseline: the plain actix-web JSON server (`plain-json`); its URL is the
/// goose host of that run.
pub async fn plain(user: &mut GooseUser) -> TransactionResult {
    send(user, "plain json", GooseMethod::Get, "/", &[], None).await?;
    Ok(())
}
