//! A login flood against the real server process: N threads post logins with
//! random usernames as fast as they can, while one thread searches slots.
//! Prints the server's peak resident memory and the slot-search median before
//! and during the flood (the ceiling is the same search without the flood,
//! measured in the same run), and how the logins were answered. It floods
//! twice: from one address (the limit per address answers most), and from
//! many addresses behind a trusted proxy (every attempt reaches the password
//! check: the bounded pool is what keeps memory down).
//!
//! ```sh
//! cargo bench -p api --bench login_flood            # SQLite
//! FLOOD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p api --bench login_flood
//! ```
//! `FLOOD_THREADS` (default 64), `FLOOD_SECONDS` (default 10).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Server, env_or};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PORT: u16 = 18_181;
const SLOTS: &str = "/api/v1/offices/buergerbuero/slots?service=personalausweis&service=anmeldung";

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn search_latencies(
    client: &reqwest::blocking::Client,
    base: &str,
    until: Instant,
) -> Vec<Duration> {
    let mut out = Vec::new();
    while Instant::now() < until {
        let t = Instant::now();
        let r = client.get(format!("{base}{SLOTS}")).send().unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let _ = r.bytes();
        out.push(t.elapsed());
    }
    out
}

fn main() {
    flood(false);
    flood(true);
}

fn flood(many: bool) {
    let threads: usize = env_or("FLOOD_THREADS", 64);
    let seconds: u64 = env_or("FLOOD_SECONDS", 10);
    let dir = std::env::temp_dir().join(format!("login-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::var("FLOOD_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}",
            dir.join(format!("flood-{many}.db")).display()
        )
    });
    let proxies = if many { "127.0.0.1" } else { "" };
    let server = Server::start(
        PORT + u16::from(many),
        &url,
        &[
            ("TERMIN_BOOTSTRAP_ADMIN", "bench:bench-password-1"),
            ("TERMIN_RATE_LIMIT_READS", "off"),
            ("TERMIN_TRUSTED_PROXIES", proxies),
        ],
    );
    let pid = server.pid();
    let base = server.base.clone();
    let client = reqwest::blocking::Client::new();
    let idle = median(search_latencies(
        &client,
        &base,
        Instant::now() + Duration::from_secs(3),
    ));
    let rss_idle = status_kib(pid, "VmRSS:");

    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, u64>::new()));
    let flood: Vec<_> = (0..threads)
        .map(|t| {
            let (stop, answers, base) = (Arc::clone(&stop), Arc::clone(&answers), base.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let body = format!(
                        r#"{{"username":"guess-{t}-{i}","password":"wrong password {i}"}}"#
                    );
                    // Behind the proxy, each attempt from another address.
                    let from = format!("10.{}.{}.{}", t, (i >> 8) & 255, i & 255);
                    let status = client
                        .post(format!("{base}/api/v1/auth/token"))
                        .header("content-type", "application/json")
                        .header("x-forwarded-for", from)
                        .body(body)
                        .send()
                        .map_or(0, |r| r.status().as_u16());
                    *answers.lock().unwrap().entry(status).or_default() += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    let during = search_latencies(
        &client,
        &base,
        Instant::now() + Duration::from_secs(seconds),
    );
    stop.store(true, Ordering::Relaxed);
    for f in flood {
        f.join().unwrap();
    }
    let peak = status_kib(pid, "VmHWM:");
    let flooded = median(during.clone());
    println!(
        "\nlogin flood from {}: {threads} threads, {seconds} s, database {}",
        if many {
            "many addresses"
        } else {
            "one address"
        },
        url.split(':').next().unwrap_or("")
    );
    println!(
        "server resident memory: idle {} MiB, peak {} MiB",
        rss_idle / 1024,
        peak / 1024
    );
    println!(
        "slot search median: idle {:.2} ms (ceiling), during the flood {:.2} ms ({:.1}x), {} searches",
        idle.as_secs_f64() * 1e3,
        flooded.as_secs_f64() * 1e3,
        flooded.as_secs_f64() / idle.as_secs_f64().max(1e-9),
        during.len()
    );
    println!("login answers by status: {:?}", answers.lock().unwrap());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
