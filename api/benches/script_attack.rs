//! The booking script of issue #10 against the real server: 32 connections
//! from one address book random offered starts, each with a new e-mail
//! address (so the limits per contact do not stop it), for a while; then the
//! cost of the limiter: slot-search throughput with the limits off, and on
//! (counting every request, but set so high that none is refused), in the
//! same run.
//!
//! ```sh
//! cargo bench -p api --bench script_attack
//! ```
//! `ATTACK_SECONDS` (default 10), `ATTACK_THREADS` (default 32),
//! `LIMITER_ROUNDS` (default 3: the turns of the limiter's cost).
//!
//! Last, the address flood of issue #23: behind a trusted proxy, a script
//! writes from a new IPv6 /64 every request (all in one /47) until the
//! limiter's table of 100,000 addresses is full and beyond, while an honest
//! newcomer from a fresh IPv4 network writes every 50 ms; it prints how many
//! of the newcomers were served once the table was full. `FLOOD_REQUESTS`
//! (default 250,000).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Server, env_or};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const SLOTS: &str = "/api/v1/offices/buergerbuero/slots?service=personalausweis&service=anmeldung";

fn start(port: u16, db: &std::path::Path, reads: &str, writes: &str) -> Server {
    let url = format!("sqlite://{}", db.display());
    Server::start(
        port,
        &url,
        &[
            ("TERMIN_RATE_LIMIT_READS", reads),
            ("TERMIN_RATE_LIMIT_WRITES", writes),
        ],
    )
}

/// Runs `threads` clients doing `work(client, thread, i)` for `seconds`;
/// returns how often it returned true, and how many calls there were.
fn hammer(
    threads: usize,
    seconds: u64,
    work: impl Fn(&reqwest::blocking::Client, usize, u64) -> bool + Send + Sync + 'static,
) -> (u64, u64) {
    let (hits, calls) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let work = Arc::new(work);
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (hits, calls, work, barrier) = (
                Arc::clone(&hits),
                Arc::clone(&calls),
                Arc::clone(&work),
                Arc::clone(&barrier),
            );
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                barrier.wait();
                let until = Instant::now() + Duration::from_secs(seconds);
                let mut i = 0;
                while Instant::now() < until {
                    i += 1;
                    calls.fetch_add(1, Ordering::Relaxed);
                    if work(&client, t, i) {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    (hits.load(Ordering::Relaxed), calls.load(Ordering::Relaxed))
}

fn starts(base: &str) -> Vec<String> {
    let url = format!(
        "{base}/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-01&to=2027-01-25"
    );
    let offer: serde_json::Value = reqwest::blocking::get(url).unwrap().json().unwrap();
    offer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

fn main() {
    let seconds: u64 = env_or("ATTACK_SECONDS", 10);
    let threads: usize = env_or("ATTACK_THREADS", 32);
    let dir = std::env::temp_dir().join(format!("script-attack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // 1. The script, against the default limits.
    let server = start(18_182, &dir.join("attack.db"), "120/60", "10/600");
    let offered = Arc::new(starts(&server.base));
    let base = server.base.clone();
    let (booked, tried) = hammer(threads, seconds, move |client, t, i| {
        let start = &offered[(t * 7919 + i as usize * 104_729) % offered.len()];
        let body = serde_json::json!({
            "office": "buergerbuero", "services": ["anmeldung"], "start": start,
            "citizen": {"name": "Script", "email": format!("bot{t}-{i}@example.org")},
        });
        let r = client
            .post(format!("{base}/api/v1/bookings"))
            .json(&body)
            .send()
            .unwrap();
        r.status().as_u16() == 201
    });
    drop(server);
    println!(
        "script from one address, {threads} connections, {seconds} s, limits 120/60 reads and 10/600 writes: \
         {booked} bookings of {tried} attempts (the write limit allows 10 at once, then one a minute)"
    );

    // 2. The limiter's cost on slot search, limits off vs counting but never
    // refusing: both servers side by side, measured in turns (off, on, off,
    // on, …) so that what else the machine does falls on both alike; the
    // median of each.
    let rounds: usize = env_or("LIMITER_ROUNDS", 3);
    let servers: Vec<(&str, Server)> = [("off", "off", 18_183), ("on", "100000000/1", 18_184)]
        .into_iter()
        .map(|(name, limits, port)| {
            let db = dir.join(format!("search-{name}.db"));
            (name, start(port, &db, limits, limits))
        })
        .collect();
    let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for (i, (name, server)) in servers.iter().enumerate() {
            let base = server.base.clone();
            let (ok, calls) = hammer(threads, seconds, move |client, _, _| {
                let r = client.get(format!("{base}{SLOTS}")).send().unwrap();
                let ok = r.status().is_success();
                let _ = r.bytes();
                ok
            });
            assert_eq!(ok, calls, "no search may be refused");
            let rate = calls as f64 / seconds as f64;
            println!(
                "round {}: slot search with the limiter {name}: {rate:.0} requests/s",
                round + 1
            );
            rates[i].push(rate);
        }
    }
    drop(servers);
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (off, on) = (median(&mut rates[0]), median(&mut rates[1]));
    println!(
        "slot search, median of {rounds} turns: {off:.0} requests/s without the limiter, {on:.0} with it; \
         limiter cost: {:.1}% of the throughput without it",
        (1.0 - on / off) * 100.0
    );

    // 3. The address flood: do honest newcomers get through while a flood
    // of distinct addresses fills the table? (The clock is frozen, so no
    // entry refills: harsher than real time, where they go after a minute.)
    let flood: u64 = env_or("FLOOD_REQUESTS", 250_000);
    let server = Server::start(
        18_185,
        &format!("sqlite://{}", dir.join("flood.db").display()),
        &[
            ("TERMIN_RATE_LIMIT_READS", "120/60"),
            ("TERMIN_RATE_LIMIT_WRITES", "10/600"),
            ("TERMIN_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    );
    let base = server.base.clone();
    let sent = Arc::new(AtomicU64::new(0));
    let flooding = {
        let (base, sent) = (base.clone(), Arc::clone(&sent));
        std::thread::spawn(move || {
            let per_thread = flood / threads as u64;
            let (refused, _) = hammer_n(threads, per_thread, move |client, t, i| {
                let n = t as u64 * per_thread + i;
                sent.fetch_add(1, Ordering::Relaxed);
                // A new /64 in 2001:db8:1e::/47 each request (131,072 of them).
                let addr = format!("2001:db8:{:x}:{:x}::1", 0x1e + (n >> 16 & 1), n & 0xffff);
                write(client, &base, &addr) == 429
            });
            refused
        })
    };
    let (mut newcomers, mut served, mut n) = (0, 0, 0u32);
    while !flooding.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        n += 1;
        let client = reqwest::blocking::Client::new();
        let status = write(
            &client,
            &base,
            &format!("198.{}.{}.7", 18 + n / 256 % 2, n % 256),
        );
        if sent.load(Ordering::Relaxed) > 100_000 {
            newcomers += 1;
            served += u32::from(status != 429);
        }
    }
    let refused = flooding.join().unwrap();
    println!(
        "address flood: {flood} writes from distinct IPv6 /64s of one /47, {refused} refused; \
         honest newcomers once the table of 100,000 was full: {served} of {newcomers} served"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write that is refused before it does anything but count (an empty
/// booking body: 400), from `addr` as a trusted proxy names it; its status.
fn write(client: &reqwest::blocking::Client, base: &str, addr: &str) -> u16 {
    client
        .post(format!("{base}/api/v1/bookings"))
        .header("X-Forwarded-For", addr)
        .json(&serde_json::json!({}))
        .send()
        .map_or(0, |r| r.status().as_u16())
}

/// Runs `threads` clients doing `work(client, thread, i)` `n` times each;
/// returns how often it returned true, and how many calls there were.
fn hammer_n(
    threads: usize,
    n: u64,
    work: impl Fn(&reqwest::blocking::Client, usize, u64) -> bool + Send + Sync + 'static,
) -> (u64, u64) {
    let hits = Arc::new(AtomicU64::new(0));
    let work = Arc::new(work);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (hits, work) = (Arc::clone(&hits), Arc::clone(&work));
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                for i in 0..n {
                    if work(&client, t, i) {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    (hits.load(Ordering::Relaxed), n * threads as u64)
}
