//! Bookings per second through [`Store::book`], on SQLite and PostgreSQL, with
//! 1, 8 and 32 concurrent clients, each run on a fresh database; afterwards
//! every office day is checked for overbooking.
//!
//! ```sh
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench -p persistence --bench booking_bench
//! ```
//!
//! Without `TEST_DATABASE_URL` only SQLite runs. `BENCH_ATTEMPTS` (default
//! 4000) sets the booking attempts per run, `BENCH_CLIENTS` (default `1,8,32`)
//! the client counts, `BENCH_BACKENDS` (default `sqlite,postgres`) the backends.
//!
//! Every client books `anmeldung` (15 minutes) in the Bürgerbüro at starts
//! drawn uniformly from all regular starts of the 8-week horizon, as a slot
//! search on an empty office offers them; "now" is fixed at Monday
//! 2026-11-30 10:00. Late in a run most starts are taken, so the share of
//! `SlotTaken` answers grows: that is part of the load, as in real life.

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use domain::BookingStatus;
use domain::occupancy::{UNITS_PER_DAY, units_of};
use domain::{
    BookingError, BookingKind, Channel, Citizen, Occupancy, OfficeId, Selection, ServiceId,
    bookable_days, search_slots,
};
use persistence::{NewBooking, Store, StoreError, test_support};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use std::error::Error;
use std::sync::Barrier;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use time::macros::datetime;

type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Monday 30 November 2026, 10:00 in Kaarst: bookable from Tuesday on.
const NOW: OffsetDateTime = datetime!(2026-11-30 10:00 +01:00);
const OFFICE: &str = "buergerbuero";
const SERVICE: &str = "anmeldung";
const DEFAULT_ATTEMPTS: usize = 4000;
const DEFAULT_CLIENTS: [usize; 3] = [1, 8, 32];
/// Messages of unexpected errors kept per run, for the report.
const KEPT_MESSAGES: usize = 5;

/// What one client saw.
#[derive(Debug, Default)]
struct ClientOutcome {
    booked: usize,
    slot_taken: usize,
    busy: usize,
    other: usize,
    messages: Vec<String>,
    latencies: Vec<Duration>,
}

impl ClientOutcome {
    fn merge(&mut self, other: ClientOutcome) {
        self.booked += other.booked;
        self.slot_taken += other.slot_taken;
        self.busy += other.busy;
        self.other += other.other;
        for m in other.messages {
            if self.messages.len() < KEPT_MESSAGES {
                self.messages.push(m);
            }
        }
        self.latencies.extend(other.latencies);
    }
}

/// One line of the table.
#[derive(Debug)]
struct RunReport {
    backend: &'static str,
    clients: usize,
    attempts: usize,
    outcome: ClientOutcome,
    elapsed: Duration,
    audit: Audit,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> BenchResult<T> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}=`{v}` is not understood").into()),
        Err(_) => Ok(default),
    }
}

fn client_counts() -> BenchResult<Vec<usize>> {
    match std::env::var("BENCH_CLIENTS") {
        Ok(list) => list
            .split(',')
            .map(|s| {
                s.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("BENCH_CLIENTS: `{s}` is not a client count").into())
            })
            .collect(),
        Err(_) => Ok(DEFAULT_CLIENTS.to_vec()),
    }
}

/// Every regular start of the horizon for one `anmeldung`, on an empty office.
fn bookable_starts(store: &Store) -> BenchResult<Vec<OffsetDateTime>> {
    let office = store.office(&OfficeId::parse(OFFICE)?)?;
    let selection = Selection::new(&office, &[ServiceId::parse(SERVICE)?])?;
    let (first, last) = bookable_days(&office, NOW);
    let offer = search_slots(&office, &selection, first, last, NOW, &Occupancy::new());
    Ok(offer.slots.iter().map(|s| s.start).collect())
}

fn request(start: OffsetDateTime, citizen: &Citizen) -> BenchResult<NewBooking> {
    Ok(NewBooking {
        challenge: None,
        idempotency_key: None,
        office: OfficeId::parse(OFFICE)?,
        services: vec![ServiceId::parse(SERVICE)?],
        start,
        kind: BookingKind::Regular,
        channel: Channel::Online,
        citizen: citizen.clone(),
        created_by: None,
    })
}

/// `attempts` bookings at random starts, one after the other.
fn client(
    store: &Store,
    starts: &[OffsetDateTime],
    attempts: usize,
    seed: u64,
    barrier: &Barrier,
) -> BenchResult<ClientOutcome> {
    let mut rng = StdRng::seed_from_u64(seed);
    let citizen = Citizen::new("Erika Mustermann", Some("erika@example.org"), None)?;
    let requests = (0..attempts)
        .map(|_| {
            let start = starts.choose(&mut rng).ok_or("no bookable start")?;
            request(*start, &citizen)
        })
        .collect::<BenchResult<Vec<_>>>()?;
    // Open this client's pool connection before the clock starts.
    barrier.wait();
    let warm_up = store.ping();
    barrier.wait();
    warm_up?;
    let mut outcome = ClientOutcome {
        latencies: Vec::with_capacity(attempts),
        ..ClientOutcome::default()
    };
    for r in &requests {
        let began = Instant::now();
        let result = store.book(r, NOW);
        outcome.latencies.push(began.elapsed());
        match result {
            Ok(_) => outcome.booked += 1,
            Err(StoreError::Rule(BookingError::SlotTaken)) => outcome.slot_taken += 1,
            Err(e) => {
                if matches!(e, StoreError::Busy) {
                    outcome.busy += 1;
                } else {
                    outcome.other += 1;
                }
                if outcome.messages.len() < KEPT_MESSAGES {
                    outcome.messages.push(format!("{e:?}"));
                }
            }
        }
    }
    Ok(outcome)
}

/// What the database holds after a run.
#[derive(Debug, Default)]
struct Audit {
    /// Confirmed bookings read back.
    stored: usize,
    /// (day, 5-minute unit) pairs whose regular bookings fill every open counter.
    full_units: usize,
    /// (day, unit) pairs with more regular bookings than open counters.
    overbooked_units: usize,
}

/// Reads every office day back and counts, per 5-minute unit, the confirmed
/// regular bookings covering it against the counters open to them.
fn audit(store: &Store) -> BenchResult<Audit> {
    let mut audit = Audit::default();
    for office in store.offices()? {
        let (first, last) = bookable_days(&office, NOW);
        let mut date = first;
        while date <= last {
            let (regular_capacity, _) = office.capacity_on(date);
            let mut taken = vec![0_u32; UNITS_PER_DAY];
            for b in store.day_appointments(&office.id, date)? {
                if b.status != BookingStatus::Confirmed {
                    continue;
                }
                audit.stored += 1;
                if b.kind != BookingKind::Regular {
                    continue;
                }
                let minutes = u32::try_from((b.end - b.start).whole_minutes())?;
                let (day, units) = units_of(b.start, minutes);
                if day != date {
                    return Err(format!("booking {} is stored under {date}", b.id).into());
                }
                for unit in &mut taken[units] {
                    *unit += 1;
                }
            }
            audit.full_units += taken.iter().filter(|n| **n == regular_capacity).count();
            audit.overbooked_units += taken.iter().filter(|n| **n > regular_capacity).count();
            date = date.next_day().ok_or("date overflow")?;
        }
    }
    Ok(audit)
}

fn run(
    url: &str,
    backend: &'static str,
    clients: usize,
    attempts: usize,
) -> BenchResult<RunReport> {
    // One connection per client, and one spare for the pool's own checks.
    let pool_size = u32::try_from(clients + 1)?;
    let store = Store::open_with_pool_size(url, pool_size)?;
    // One citizen books them all: without the shipped limits per contact
    // (R24, 3 future bookings), the challenge (R26) and the postcodes (R32).
    store.update_office(
        &OfficeId::parse(OFFICE)?,
        &test_support::fixtures::without_fair_use(),
        false,
        &domain::Username::parse("bench")?,
        NOW,
    )?;
    let starts = bookable_starts(&store)?;
    let barrier = Barrier::new(clients + 1);
    let (outcome, elapsed) = std::thread::scope(|scope| -> BenchResult<_> {
        let handles: Vec<_> = (0..clients)
            .map(|i| {
                let share = attempts / clients + usize::from(i < attempts % clients);
                let (store, starts, barrier) = (&store, &starts, &barrier);
                let seed = 0x5eed_0000 + u64::try_from(i).unwrap_or(0);
                scope.spawn(move || client(store, starts, share, seed, barrier))
            })
            .collect();
        barrier.wait();
        barrier.wait();
        let began = Instant::now();
        let mut total = ClientOutcome::default();
        let mut failure = None;
        for h in handles {
            match h.join() {
                Ok(Ok(outcome)) => total.merge(outcome),
                Ok(Err(e)) => failure = Some(e),
                Err(_) => failure = Some("a client thread panicked".into()),
            }
        }
        let elapsed = began.elapsed();
        match failure {
            Some(e) => Err(e),
            None => Ok((total, elapsed)),
        }
    })?;
    let audit = audit(&store)?;
    Ok(RunReport {
        backend,
        clients,
        attempts,
        outcome,
        elapsed,
        audit,
    })
}

/// The nearest-rank percentile of sorted `values`.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

fn print_header() {
    println!(
        "| backend  | clients | attempts | booked | slot_taken | other errors | bookings/s | attempts/s | p50 ms | p99 ms |"
    );
    println!(
        "|----------|--------:|---------:|-------:|-----------:|-------------:|-----------:|-----------:|-------:|-------:|"
    );
}

fn print_row(r: &mut RunReport) {
    r.outcome.latencies.sort_unstable();
    let o = &r.outcome;
    println!(
        "| {:<8} | {:>7} | {:>8} | {:>6} | {:>10} | {:>12} | {:>10.0} | {:>10.0} | {:>6.2} | {:>6.2} |",
        r.backend,
        r.clients,
        r.attempts,
        o.booked,
        o.slot_taken,
        o.busy + o.other,
        per_second(o.booked, r.elapsed),
        per_second(r.attempts, r.elapsed),
        ms(percentile(&o.latencies, 50)),
        ms(percentile(&o.latencies, 99)),
    );
}

/// Commits per second of one-row write transactions from one connection on a
/// fresh WAL file at the given `synchronous` level: the floor the disk's
/// fsync sets under the library's `synchronous = FULL`.
fn sqlite_commit_rate(synchronous: &str, commits: usize) -> BenchResult<f64> {
    let db = test_support::sqlite();
    let path = db
        .url()
        .strip_prefix("sqlite://")
        .ok_or("unexpected SQLite URL")?;
    let mut conn = SqliteConnection::establish(path)?;
    conn.batch_execute(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous};
         CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
    ))?;
    let began = Instant::now();
    for _ in 0..commits {
        conn.batch_execute("BEGIN IMMEDIATE; INSERT INTO t (v) VALUES ('x'); COMMIT;")?;
    }
    Ok(per_second(commits, began.elapsed()))
}

/// [`sqlite_commit_rate`] at `FULL` and at `NORMAL`.
fn disk_commit_rates() -> BenchResult<(f64, f64)> {
    const COMMITS: usize = 300;
    Ok((
        sqlite_commit_rate("FULL", COMMITS)?,
        sqlite_commit_rate("NORMAL", COMMITS)?,
    ))
}

fn main() -> BenchResult<()> {
    let attempts: usize = env_or("BENCH_ATTEMPTS", DEFAULT_ATTEMPTS)?;
    let clients = client_counts()?;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "booking_bench: {attempts} attempts per run of `{SERVICE}` in `{OFFICE}`, now = {NOW}, \
         {cores} CPU cores"
    );

    // The disk's fsync rate varies on shared machines; measured before and
    // after, it tells how fast the disk was during the runs.
    let before = disk_commit_rates()?;

    let wanted = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    let mut backends: Vec<&'static str> = Vec::new();
    if wanted.contains(&"sqlite") {
        backends.push("sqlite");
    }
    if wanted.contains(&"postgres") {
        match std::env::var(test_support::TEST_DATABASE_URL) {
            Ok(_) => backends.push("postgres"),
            Err(_) => println!(
                "PostgreSQL skipped: set {} (e.g. postgres://postgres@127.0.0.1:5432/postgres)",
                test_support::TEST_DATABASE_URL
            ),
        }
    }

    let mut reports = Vec::new();
    for backend in backends {
        for &n in &clients {
            let db = match backend {
                "postgres" => test_support::postgres()?,
                _ => test_support::sqlite(),
            };
            eprintln!("running {backend} with {n} clients …");
            reports.push(run(db.url(), backend, n, attempts)?);
        }
    }

    let office = domain::kaarst::offices()?
        .into_iter()
        .find(|o| o.id.as_str() == OFFICE)
        .ok_or("no Bürgerbüro in the Kaarst configuration")?;
    let selection = Selection::new(&office, &[ServiceId::parse(SERVICE)?])?;
    let (first, last) = bookable_days(&office, NOW);
    let offer = search_slots(&office, &selection, first, last, NOW, &Occupancy::new());
    println!(
        "\n{} bookable starts for `{SERVICE}` from {first} to {last}",
        offer.slots.len()
    );

    println!();
    print_header();
    for r in &mut reports {
        print_row(r);
    }

    println!();
    let mut overbookings = 0;
    let mut unexpected = 0;
    let mut mismatches = 0;
    for r in &reports {
        overbookings += r.audit.overbooked_units;
        unexpected += r.outcome.busy + r.outcome.other;
        println!(
            "{} with {} clients: {} confirmed bookings read back, {} units full, {} overbooked",
            r.backend, r.clients, r.audit.stored, r.audit.full_units, r.audit.overbooked_units
        );
        if r.audit.stored != r.outcome.booked {
            mismatches += 1;
            println!(
                "{} with {} clients: {} bookings reported made, {} confirmed in the database",
                r.backend, r.clients, r.outcome.booked, r.audit.stored
            );
        }
        if r.outcome.busy + r.outcome.other > 0 {
            println!(
                "{} with {} clients: {} Busy, {} other errors, e.g.:",
                r.backend, r.clients, r.outcome.busy, r.outcome.other
            );
            for m in &r.outcome.messages {
                println!("    {m}");
            }
        }
    }
    println!("\nerrors other than SlotTaken: {unexpected}");
    println!("runs whose stored bookings differ from those reported made: {mismatches}");
    println!("overbookings found: {overbookings}");

    let after = disk_commit_rates()?;
    println!(
        "\nSQLite one-row commits/s on this disk (1 connection, WAL), before / after the runs: \
         synchronous=FULL {:.0} / {:.0}, synchronous=NORMAL {:.0} / {:.0}",
        before.0, after.0, before.1, after.1
    );

    if overbookings > 0 || unexpected > 0 || mismatches > 0 {
        return Err("the bench found overbooking or unexpected errors".into());
    }
    Ok(())
}
