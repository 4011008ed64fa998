//! R39, issue #25: does a deployment with many municipalities answer its
//! citizens as fast as the shipped one? The same release server, once on
//! the shipped configuration (Kaarst, 2 offices) and once on Kaarst plus
//! 400 municipalities of 3 offices each (1,200 offices more, copies of
//! Kaarst's with new ids), each database seeded through the store before
//! its server starts. Measured over HTTP, as citizens call it:
//!
//! - start-up: from the spawn of the process until `/readyz` answers, and
//!   until its first slot search is answered (`MANY_STARTS` starts of each,
//!   small and big in turns, each stopped once it answered);
//! - slot search (2 services, 14 days) at Kaarst's Bürgerbüro, then at a
//!   new office (`gemeinde-200-buergerbuero`; the small catalogue searches
//!   at the Bürgerbüro again, so both do the same sequence);
//! - the office list of one municipality (`GET /api/v1/offices?municipality=kaarst`);
//! - booking an Anmeldung at a random offered start of 8 weeks (counters
//!   raised to 200 first, so every request is a 201), at the same offices
//!   in the same way, after the reads;
//! - last, the time of one scrape of `/metrics`, of `GET /api/v1/offices`
//!   (every office) and `GET /api/v1/municipalities`, and the servers' peak
//!   resident memory.
//!
//! For the throughput both servers run side by side (two pools: up to 32
//! PostgreSQL connections); each measurement is taken in turns of
//! `MANY_SECONDS`, small and big, the order alternating between rounds, so
//! what else the machine does falls on both alike; every figure is the
//! median of its turns and is printed beside the same figure of the small
//! catalogue. On PostgreSQL every turn starts with `ANALYZE` of its
//! database, as autovacuum keeps the statistics of a server that runs for a
//! while: on a fresh database without them the booking rate halved within
//! about 3,000 bookings (a plan made without statistics) and came back at
//! once with `ANALYZE`, so without it the figure measured when autovacuum
//! happened to visit each database.
//!
//! ```sh
//! cargo bench -p api --bench many_municipalities            # SQLite
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench -p api --bench many_municipalities        # SQLite, then PostgreSQL
//! ```
//! `MANY_SECONDS` (2: a turn), `MANY_ROUNDS` (5 turns of each server per
//! measurement), `MANY_STARTS` (10), `MANY_THREADS` (32 client connections),
//! `MANY_MUNICIPALITIES` (400), `MANY_OFFICES` (3 per municipality),
//! `MANY_BACKENDS` (`sqlite`, and `postgres` when `TEST_DATABASE_URL` is
//! set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Server, env_or};

use domain::{Ags, Municipality, MunicipalityId, OfficeEdit, OfficeId, SettingsChange, Username};
use persistence::Store;
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::MONDAY_10;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const PORT: u16 = 18_190;
const KAARST: &str = "buergerbuero";
const SEARCH: &str = "slots?service=personalausweis&service=anmeldung";

/// The measured office of the big catalogue (a copy of the Bürgerbüro).
fn new_office(municipalities: usize) -> String {
    format!("gemeinde-{:03}-buergerbuero", municipalities.div_ceil(2))
}

/// Seeds a database: the shipped configuration (the store's first open),
/// the Bürgerbüro with 200 counters, and with `municipalities > 0` that
/// many more municipalities of `per` offices each, built from Kaarst's.
/// Returns how long the seeding took.
fn seed(url: &str, municipalities: usize, per: usize) -> Duration {
    let began = Instant::now();
    let store = Store::open_with_pool_size(url, 2).unwrap();
    let actor = Username::parse("bench").unwrap();
    let kaarst = domain::kaarst::offices().unwrap();
    for m in 1..=municipalities {
        let municipality = Municipality {
            id: MunicipalityId::parse(&format!("gemeinde-{m:03}")).unwrap(),
            name: format!("Gemeinde {m}"),
            ags: Ags::parse(&format!("05{m:06}")).unwrap(),
            mail_from: None,
            public_url: None,
            imprint_url: None,
            privacy_url: None,
            accessibility_url: None,
        };
        store
            .create_municipality(&municipality, &actor, MONDAY_10)
            .unwrap();
        for k in 0..per {
            let mut office = kaarst[k % kaarst.len()].clone();
            let suffix = if k < kaarst.len() {
                String::new()
            } else {
                format!("-{k}")
            };
            office.id =
                OfficeId::parse(&format!("{}-{}{suffix}", municipality.id, office.id)).unwrap();
            office.municipality = municipality.id.clone();
            store.create_office(&office, &actor, MONDAY_10).unwrap();
        }
    }
    let counters = OfficeEdit::Settings(SettingsChange {
        counters: Some(200),
        ..SettingsChange::default()
    });
    let mut measured = vec![KAARST.to_owned()];
    if municipalities > 0 {
        measured.push(new_office(municipalities));
    }
    for id in measured {
        let id = OfficeId::parse(&id).unwrap();
        store
            .update_office(&id, &counters, false, &actor, MONDAY_10)
            .unwrap();
    }
    assert_eq!(
        store.offices().unwrap().len(),
        2 + municipalities * per,
        "the catalogue as seeded"
    );
    began.elapsed()
}

/// What one measurement gave: answers per second, how many of the calls
/// were not answered as expected, and latencies.
#[derive(Clone, Copy, Default)]
struct Rate {
    per_second: f64,
    wrong: u64,
    p50: Duration,
    p99: Duration,
}

/// Runs `threads` clients doing `work(client, thread, i)` (true: answered as
/// expected) for `seconds`.
fn hammer(
    threads: usize,
    seconds: u64,
    work: impl Fn(&reqwest::blocking::Client, usize, u64) -> bool + Send + Sync + 'static,
) -> Rate {
    let work = Arc::new(work);
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (work, barrier) = (Arc::clone(&work), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                barrier.wait();
                let until = Instant::now() + Duration::from_secs(seconds);
                let (mut took, mut wrong) = (Vec::new(), 0u64);
                let mut i = 0;
                while Instant::now() < until {
                    i += 1;
                    let sent = Instant::now();
                    if !work(&client, t, i) {
                        wrong += 1;
                    }
                    took.push(sent.elapsed());
                }
                (took, wrong)
            })
        })
        .collect();
    let (mut took, mut wrong) = (Vec::new(), 0);
    for h in handles {
        let (t, w) = h.join().unwrap();
        took.extend(t);
        wrong += w;
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    Rate {
        per_second: (took.len() as u64 - wrong) as f64 / seconds as f64,
        wrong,
        p50: at(0.5),
        p99: at(0.99),
    }
}

fn search(threads: usize, seconds: u64, base: &str, office: &str) -> Rate {
    let url = format!("{base}/api/v1/offices/{office}/{SEARCH}");
    hammer(threads, seconds, move |client, _, _| {
        let r = client.get(&url).send().unwrap();
        let ok = r.status().is_success();
        let _ = r.bytes();
        ok
    })
}

fn offered(base: &str, office: &str) -> Vec<String> {
    let url = format!(
        "{base}/api/v1/offices/{office}/slots?service=anmeldung&from=2026-12-01&to=2027-01-25"
    );
    let offer: serde_json::Value = reqwest::blocking::get(url).unwrap().json().unwrap();
    offer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

fn book(threads: usize, seconds: u64, base: &str, office: &str, turn: usize) -> Rate {
    let starts = offered(base, office);
    assert!(starts.len() > 1000, "{office}: {} starts", starts.len());
    let (url, office) = (format!("{base}/api/v1/bookings"), office.to_owned());
    hammer(threads, seconds, move |client, t, i| {
        let start = &starts[(t * 7919 + i as usize * 104_729) % starts.len()];
        let body = serde_json::json!({
            "office": office, "services": ["anmeldung"], "start": start,
            "citizen": {"name": "Erika Mustermann", "email": format!("b{turn}-{t}-{i}@example.org")},
        });
        let r = client.post(&url).json(&body).send().unwrap();
        let ok = r.status().as_u16() == 201;
        let _ = r.bytes();
        ok
    })
}

fn list(threads: usize, seconds: u64, base: &str) -> Rate {
    let url = format!("{base}/api/v1/offices?municipality=kaarst");
    hammer(threads, seconds, move |client, _, _| {
        let r = client.get(&url).send().unwrap();
        let ok = r.status().is_success();
        let _ = r.bytes();
        ok
    })
}

/// The median time of 5 GETs one after the other, and the answer's size.
fn once(base: &str, path: &str) -> (Duration, usize) {
    let client = reqwest::blocking::Client::new();
    let mut took = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let sent = Instant::now();
        let r = client.get(format!("{base}{path}")).send().unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        size = r.bytes().unwrap().len();
        took.push(sent.elapsed());
    }
    took.sort();
    (took[2], size)
}

/// The peak resident memory of process `pid`, KiB.
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The figures of one catalogue, one value per turn.
#[derive(Default)]
struct Figures {
    ready: Vec<Duration>,
    first_search: Vec<Duration>,
    rates: [Vec<Rate>; MEASURES.len()],
    scrape: Vec<(Duration, usize)>,
    /// The server's peak resident memory (`VmHWM`), KiB.
    peak_kib: u64,
    all_offices: Vec<(Duration, usize)>,
    municipalities: Vec<(Duration, usize)>,
}

struct Setup {
    starts: usize,
    rounds: usize,
    threads: usize,
    seconds: u64,
    municipalities: usize,
    per: usize,
}

/// Starts the server of `db` on `port`: how long until `/readyz` answered,
/// and until its first slot search was answered.
fn start(port: u16, db: &TestDb) -> (Server, Duration, Duration) {
    let spawned = Instant::now();
    let (server, ready) = Server::start_timed(
        port,
        db.url(),
        &[
            ("TERMIN_RATE_LIMIT_READS", "off"),
            ("TERMIN_RATE_LIMIT_WRITES", "off"),
        ],
    );
    let first = reqwest::blocking::get(format!("{}/api/v1/offices/{KAARST}/{SEARCH}", server.base));
    assert!(first.unwrap().status().is_success());
    (server, ready, spawned.elapsed())
}

/// What a turn measures. The big catalogue's second search and booking are
/// at the new office, the small one's at the Bürgerbüro again, so both
/// databases have the same history: the searches before any booking, the
/// second booking series after one series (the small one's Bürgerbüro then
/// holds both series; a booking reads only the bookings at its start).
#[derive(Clone, Copy)]
enum Measure {
    SearchKaarst,
    SearchSecond,
    BookKaarst,
    BookSecond,
    List,
}

/// In the order taken: the reads first, then the bookings.
const MEASURES: [Measure; 5] = [
    Measure::SearchKaarst,
    Measure::SearchSecond,
    Measure::List,
    Measure::BookKaarst,
    Measure::BookSecond,
];

fn measure(setup: &Setup, base: &str, second: &str, what: Measure, turn: usize) -> Rate {
    let (threads, seconds) = (setup.threads, setup.seconds);
    match what {
        Measure::SearchKaarst => search(threads, seconds, base, KAARST),
        Measure::SearchSecond => search(threads, seconds, base, second),
        Measure::BookKaarst => book(threads, seconds, base, KAARST, turn),
        Measure::BookSecond => book(threads, seconds, base, second, turn),
        Measure::List => list(threads, seconds, base),
    }
}

/// The order of a round: small first in even rounds, big first in odd
/// ones.
fn order(round: usize) -> [usize; 2] {
    if round.is_multiple_of(2) {
        [0, 1]
    } else {
        [1, 0]
    }
}

fn median<T: Copy>(v: &[T], key: impl Fn(&T) -> f64) -> T {
    let mut v = v.to_vec();
    v.sort_by(|a, b| key(a).total_cmp(&key(b)));
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_rate(name: &str, small: &[Rate], big: &[Rate]) {
    let (s, b) = (
        median(small, |r| r.per_second),
        median(big, |r| r.per_second),
    );
    let spread = |v: &[Rate]| {
        let rates: Vec<f64> = v.iter().map(|r| r.per_second).collect();
        let (lo, hi) = (
            rates.iter().copied().fold(f64::INFINITY, f64::min),
            rates.iter().copied().fold(0.0, f64::max),
        );
        format!("{lo:.0}–{hi:.0}")
    };
    let wrong: u64 = small.iter().chain(big).map(|r| r.wrong).sum();
    println!(
        "| {name} | {:.0} ({}) | {:.0} ({}) | **{:.3}** | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {wrong} |",
        s.per_second,
        spread(small),
        b.per_second,
        spread(big),
        b.per_second / s.per_second,
        ms(s.p50),
        ms(s.p99),
        ms(b.p50),
        ms(b.p99),
    );
}

fn run(backend: &str, setup: &Setup) {
    let per = setup.per;
    let fresh = || match backend {
        "postgres" => persistence::test_support::postgres().unwrap(),
        _ => persistence::test_support::sqlite(),
    };
    let dbs = [fresh(), fresh()];
    let small_seed = seed(dbs[0].url(), 0, per);
    let big_seed = seed(dbs[1].url(), setup.municipalities, per);
    println!(
        "\n{backend}: seeded the small catalogue (2 offices) in {:.1} s, the big one ({} municipalities, {} offices) in {:.1} s",
        small_seed.as_secs_f64(),
        setup.municipalities + 1,
        2 + setup.municipalities * per,
        big_seed.as_secs_f64()
    );
    let mut figures = [Figures::default(), Figures::default()];
    let port = |i: usize| PORT + i as u16;
    // Start-ups, small and big in turns.
    for r in 0..setup.starts.max(1) {
        for i in order(r) {
            let (server, ready, first) = start(port(i), &dbs[i]);
            figures[i].ready.push(ready);
            figures[i].first_search.push(first);
            drop(server);
        }
    }
    // Both servers up; each measurement in turns of the two, the order
    // alternating, so what else the machine does falls on both alike.
    let servers = [start(port(0), &dbs[0]).0, start(port(1), &dbs[1]).0];
    let seconds = [KAARST.to_owned(), new_office(setup.municipalities)];
    let mut turn = 0;
    for (m, what) in MEASURES.into_iter().enumerate() {
        for r in 0..setup.rounds.max(1) {
            let mut line = Vec::new();
            for i in order(r) {
                turn += 1;
                // PostgreSQL: statistics as autovacuum would keep them.
                dbs[i].analyze().unwrap();
                let rate = measure(setup, &servers[i].base, &seconds[i], what, turn);
                line.push(format!("{} {:.0}/s", ["small", "big"][i], rate.per_second));
                figures[i].rates[m].push(rate);
            }
            println!(
                "measurement {}, round {}: {}",
                m + 1,
                r + 1,
                line.join(", ")
            );
        }
    }
    for (i, server) in servers.iter().enumerate() {
        // The scrape after writes reads its database figures afresh.
        let sent = Instant::now();
        let scrape = reqwest::blocking::get(format!("{}/metrics", server.base)).unwrap();
        assert!(scrape.status().is_success());
        let size = scrape.bytes().unwrap().len();
        figures[i].scrape.push((sent.elapsed(), size));
        figures[i]
            .all_offices
            .push(once(&server.base, "/api/v1/offices"));
        figures[i]
            .municipalities
            .push(once(&server.base, "/api/v1/municipalities"));
    }
    for (i, server) in servers.iter().enumerate() {
        figures[i].peak_kib = peak_kib(server.pid());
    }
    drop(servers);
    let [small, big] = figures;
    let rounds = setup.rounds.max(1);
    let new = new_office(setup.municipalities);
    println!(
        "\n{backend}, {} client connections, {} s per measurement, median of {rounds} turns each (range in brackets):\n",
        setup.threads, setup.seconds
    );
    println!(
        "| measurement | 2 offices /s | {} offices /s | ratio (aim ≥ 0.9) | p50 / p99, 2 offices | p50 / p99, {} offices | not as expected |",
        2 + setup.municipalities * per,
        2 + setup.municipalities * per
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    print_rate("slot search, Bürgerbüro", &small.rates[0], &big.rates[0]);
    print_rate(
        &format!("slot search, {new} (small: the Bürgerbüro again)"),
        &small.rates[1],
        &big.rates[1],
    );
    print_rate("booking, Bürgerbüro", &small.rates[3], &big.rates[3]);
    print_rate(
        &format!("booking, {new} (small: the Bürgerbüro again)"),
        &small.rates[4],
        &big.rates[4],
    );
    print_rate(
        "office list of Kaarst (`?municipality=kaarst`)",
        &small.rates[2],
        &big.rates[2],
    );
    let d = |v: &[Duration]| median(v, |d| d.as_secs_f64());
    let range = |v: &[Duration]| {
        let lo = v.iter().min().copied().unwrap_or_default();
        let hi = v.iter().max().copied().unwrap_or_default();
        format!("{:.0}–{:.0}", ms(lo), ms(hi))
    };
    println!(
        "\n| start-up (spawn to …), median of {} starts each | 2 offices | big catalogue | ratio |",
        small.ready.len()
    );
    println!("|---|---:|---:|---:|");
    for (name, s, b) in [
        ("`/readyz` answers", &small.ready, &big.ready),
        (
            "first slot search answered",
            &small.first_search,
            &big.first_search,
        ),
    ] {
        println!(
            "| {name} | {:.0} ms ({}) | {:.0} ms ({}) | {:.2} |",
            ms(d(s)),
            range(s),
            ms(d(b)),
            range(b),
            d(b).as_secs_f64() / d(s).as_secs_f64()
        );
    }
    for (name, s, b) in [
        (
            "`GET /metrics`, the first after the load",
            &small.scrape,
            &big.scrape,
        ),
        (
            "`GET /api/v1/offices`, median of 5 after the load (every office)",
            &small.all_offices,
            &big.all_offices,
        ),
        (
            "`GET /api/v1/municipalities`, median of 5 after the load",
            &small.municipalities,
            &big.municipalities,
        ),
    ] {
        let (st, ss) = median(s, |x| x.0.as_secs_f64());
        let (bt, bs) = median(b, |x| x.0.as_secs_f64());
        println!(
            "| {name} | {:.1} ms, {} bytes | {:.1} ms, {} bytes | {:.1} |",
            ms(st),
            ss,
            ms(bt),
            bs,
            bt.as_secs_f64() / st.as_secs_f64()
        );
    }
    println!(
        "| peak resident memory (`VmHWM`) after all of it | {} MiB | {} MiB | {:.2} |",
        small.peak_kib / 1024,
        big.peak_kib / 1024,
        big.peak_kib as f64 / small.peak_kib.max(1) as f64
    );
}

fn main() {
    let setup = Setup {
        starts: env_or("MANY_STARTS", 10),
        rounds: env_or("MANY_ROUNDS", 5),
        threads: env_or("MANY_THREADS", 32),
        seconds: env_or("MANY_SECONDS", 2),
        municipalities: env_or("MANY_MUNICIPALITIES", 400),
        per: env_or("MANY_OFFICES", 3),
    };
    let default_backends = if std::env::var(persistence::test_support::TEST_DATABASE_URL).is_ok() {
        "sqlite,postgres"
    } else {
        "sqlite"
    };
    let backends = std::env::var("MANY_BACKENDS").unwrap_or_else(|_| default_backends.into());
    for backend in backends.split(',').map(str::trim) {
        run(backend, &setup);
    }
}
