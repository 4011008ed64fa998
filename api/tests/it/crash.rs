//! I3, I1 across a crash: the server binary, started as its own process,
//! takes bookings from several threads and is killed with SIGKILL in the
//! middle; restarted on the same database, every booking a client saw
//! confirmed is there and no unit is overbooked. On both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::occupancy::units_of;
use domain::{ActiveBooking, Berlin, Occupancy, Pool};
use persistence::on_both_backends;
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::office_id;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

on_both_backends!(
    |db| db;
    i3_bookings_confirmed_before_a_sigkill_are_all_there_after_the_restart,
);

/// A server process of the real binary on `url`, its clock frozen on a
/// Monday morning, the citizens' limits off.
fn start(url: &str) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_terminvergabe"))
        .env("DATABASE_URL", url)
        .env("TERMIN_BIND", format!("127.0.0.1:{port}"))
        .env("TERMIN_NOW", "2026-11-30T10:00:00+01:00")
        .env("TERMIN_RATE_LIMIT_READS", "off")
        .env("TERMIN_RATE_LIMIT_WRITES", "off")
        .env("TERMIN_WORKERS", "2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("{base}/readyz"))
        .send()
        .map(|r| r.status() != StatusCode::OK)
        .unwrap_or(true)
    {
        assert!(Instant::now() < deadline, "the server did not become ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, base)
}

fn i3_bookings_confirmed_before_a_sigkill_are_all_there_after_the_restart(db: &TestDb) {
    let (mut server, base) = start(db.url());
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let slots: Value = client
        .get(format!(
            "{base}/api/v1/offices/buergerbuero/slots?service=personalausweis"
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let starts: Vec<String> = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect();
    assert!(starts.len() > 100);

    // Four clients book the same starts in turn (three counters: one of the
    // four is refused), each attempt with a contact of its own (R24), until
    // the server dies under them.
    let confirmed = Mutex::new(Vec::<String>::new());
    let attempts = AtomicUsize::new(0);
    let dead = AtomicBool::new(false);
    std::thread::scope(|s| {
        for client_no in 0..4 {
            let (client, base, starts) = (&client, &base, &starts);
            let (confirmed, attempts, dead) = (&confirmed, &attempts, &dead);
            s.spawn(move || {
                for (i, start) in starts.iter().enumerate() {
                    if dead.load(Ordering::SeqCst) {
                        break;
                    }
                    let n = attempts.fetch_add(1, Ordering::SeqCst);
                    let body = json!({
                        "office": "buergerbuero",
                        "services": ["personalausweis"],
                        "start": start,
                        "citizen": {"name": "Max Mustermann", "email": format!("c{client_no}-{i}-{n}@example.org")},
                    });
                    match client.post(format!("{base}/api/v1/bookings")).json(&body).send() {
                        Ok(r) if r.status() == StatusCode::CREATED => {
                            // A body cut off by the kill confirms nothing
                            // the client could name.
                            if let Ok(v) = r.json::<Value>() {
                                confirmed
                                    .lock()
                                    .unwrap()
                                    .push(v["id"].as_str().unwrap().to_owned());
                            }
                        }
                        Ok(r) => assert_eq!(r.status(), StatusCode::CONFLICT, "{:?}", r.text()),
                        // Killed under the request: the client never saw
                        // it confirmed, whatever the database holds.
                        Err(_) => {}
                    }
                }
            });
        }
        // SIGKILL once the clients are well under way.
        let deadline = Instant::now() + Duration::from_secs(60);
        while confirmed.lock().unwrap().len() < 40 {
            assert!(Instant::now() < deadline, "no bookings were made");
            std::thread::sleep(Duration::from_millis(5));
        }
        server.kill().unwrap();
        server.wait().unwrap();
        dead.store(true, Ordering::SeqCst);
    });
    let confirmed = confirmed.into_inner().unwrap();
    let attempted = attempts.load(Ordering::SeqCst);
    assert!(
        attempted < starts.len() * 4,
        "killed in the middle, not after the end"
    );

    // Restarted on the same database: every confirmed booking is there,
    // nothing is overbooked, and the server books again.
    let (mut again, base) = start(db.url());
    let store = persistence::Store::open(db.url()).unwrap();
    let office = store.office(&office_id("buergerbuero")).unwrap();
    let mut days = BTreeMap::new();
    for start in &starts {
        let t = time::OffsetDateTime::parse(start, &time::format_description::well_known::Rfc3339)
            .unwrap();
        days.insert(Berlin::local(t).date(), ());
    }
    let mut found = HashSet::new();
    for day in days.keys() {
        let bookings = store
            .day_appointments(&office_id("buergerbuero"), *day)
            .unwrap();
        let mut occupancy = Occupancy::new();
        let active = |b: &persistence::Booking| ActiveBooking {
            start: b.start,
            minutes: u32::try_from((b.end - b.start).whole_minutes()).unwrap(),
            pool: b.kind.pool(),
        };
        for b in &bookings {
            occupancy.add(&active(b));
            found.insert(b.id.to_string());
        }
        let (regular, _) = office.capacity_on(*day);
        for b in &bookings {
            let (date, units) = units_of(b.start, active(b).minutes);
            assert!(
                occupancy.peak(date, Pool::Regular, units) <= regular,
                "overbooked at {}",
                b.start
            );
        }
    }
    let lost: Vec<&String> = confirmed.iter().filter(|id| !found.contains(*id)).collect();
    assert!(lost.is_empty(), "confirmed but lost: {lost:?}");
    let last = starts.last().unwrap();
    let r = client
        .post(format!("{base}/api/v1/bookings"))
        .json(&json!({
            "office": "buergerbuero",
            "services": ["personalausweis"],
            "start": last,
            "citizen": {"name": "Erika Mustermann", "email": "after-the-crash@example.org"},
        }))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text());
    again.kill().unwrap();
    again.wait().unwrap();
    eprintln!(
        "{} attempts, {} confirmed before SIGKILL, all {} found after the restart",
        attempted,
        confirmed.len(),
        confirmed.len()
    );
}
