//! How many messages per second the outbox's sender hands to a local SMTP
//! server (R23): N bookings with an e-mail address are made first (their
//! confirmations wait in the outbox), then the server starts and its sender
//! works them off into the tests' SMTP sink on loopback; the time from the
//! start until the sink holds all N is measured.
//!
//! ```sh
//! cargo bench -p api --bench outbox_throughput            # SQLite
//! OUTBOX_BACKEND=postgres TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench -p api --bench outbox_throughput
//! ```
//! `OUTBOX_MESSAGES` (default 1000).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/it/common/smtp.rs"]
mod smtp;

use api::Application;
use api::settings::Settings;
use domain::{BookingKind, Channel, Citizen, OfficeId, ServiceId};
use persistence::NewBooking;
use persistence::test_support::fixtures::{MONDAY_10, without_fair_use};
use std::time::{Duration, Instant};
use time::macros::datetime;

fn main() {
    let n: usize = std::env::var("OUTBOX_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let db = match std::env::var("OUTBOX_BACKEND").as_deref() {
        Ok("postgres") => persistence::test_support::postgres().unwrap(),
        _ => persistence::test_support::sqlite(),
    };
    let sink = smtp::SmtpSink::start();
    let mut settings = Settings::new(db.url());
    settings.bind = "127.0.0.1:0".into();
    settings.now = Some(MONDAY_10);
    settings.smtp = Some(api::usecases::mail::smtp::Smtp::new(&sink.url()).unwrap());
    settings.public_url = api::usecases::mail::PublicUrl::parse("https://termine.test").unwrap();
    settings.mail_poll = Duration::from_millis(10);
    settings.rate_limit_reads = None;
    settings.rate_limit_writes = None;
    let (tx, rx) = std::sync::mpsc::channel();
    let (start_tx, start_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(&settings).unwrap();
            tx.send((app.store(), app.handle())).unwrap();
            start_rx.recv().unwrap();
            app.run().await
        })
    });
    let (store, handle) = rx.recv().unwrap();
    let office = OfficeId::parse("buergerbuero").unwrap();
    let admin = domain::Username::parse("bench").unwrap();
    store
        .update_office(&office, &without_fair_use(), false, &admin, MONDAY_10)
        .unwrap();
    let citizen = Citizen::new("Erika Mustermann", Some("erika@example.org"), None).unwrap();
    // Three regular counters per start, every 15 minutes, Tuesday on.
    let mut start = datetime!(2026-12-01 08:30 +01:00);
    let mut made = 0;
    while made < n {
        for _ in 0..3 {
            if made == n {
                break;
            }
            let request = NewBooking {
                office: office.clone(),
                services: vec![ServiceId::parse("anmeldung").unwrap()],
                start,
                kind: BookingKind::Regular,
                channel: Channel::Online,
                citizen: citizen.clone(),
                created_by: None,
                challenge: None,
                contact_token: None,
                idempotency_key: None,
            };
            if store.book(&request, MONDAY_10).is_ok() {
                made += 1;
            }
        }
        start += time::Duration::minutes(15);
        if start.hour() >= 12 {
            start = datetime!(2026-12-01 08:30 +01:00)
                .replace_date(start.date() + time::Duration::days(1));
        }
    }
    let began = Instant::now();
    start_tx.send(()).unwrap();
    sink.wait_for(n);
    let took = began.elapsed();
    println!(
        "outbox_throughput ({}): {n} messages sent to the local SMTP sink in {:.2} s: {:.0} messages/s",
        store.backend().as_str(),
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    actix_web::rt::System::new().block_on(handle.stop(true));
}
