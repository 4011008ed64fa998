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
//! What the outbox costs a booking (R23, I6) is measured in the same process:
//! `BENCH_CONTACTS` (default `phone,email`) names the citizens who book. With
//! only a phone number a booking writes no outbox row (as before the
//! outbox); with an e-mail address each one writes its confirmation. Every
//! (backend, clients) pair runs each contact in turn, `BENCH_ROUNDS` times
//! (default 1), alternating, each run on a fresh database, so a machine
//! whose speed drifts affects both alike; the last table compares the
//! medians of the rounds. `mixed` interleaves the two in one run instead:
//! every client books 25 times with a phone number, then 25 times with an
//! e-mail address, and so on, on the same database at nearly the same
//! moments, and the latencies of each are compared (least disturbed by a
//! machine whose load comes and goes).
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
/// In a `mixed` run, each client books this many times with a phone number,
/// then as many with an e-mail address, and so on: the clients move in step,
/// so at 8 clients the bookings that wait for each other are mostly of one
/// kind, as in a run of that kind alone.
const MIXED_BLOCK: usize = 25;
/// Messages of unexpected errors kept per run, for the report.
const KEPT_MESSAGES: usize = 5;

/// How the bench's citizen can be reached: with an e-mail address every
/// booking writes its confirmation to the outbox (R23); with only a phone
/// number it writes none. `Mixed`: the one and the other in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contact {
    Phone,
    Email,
    Mixed,
}

impl Contact {
    fn parse(s: &str) -> BenchResult<Self> {
        match s.trim() {
            "phone" => Ok(Contact::Phone),
            "email" => Ok(Contact::Email),
            "mixed" => Ok(Contact::Mixed),
            other => {
                Err(format!("BENCH_CONTACTS: `{other}` is not `phone`, `email` or `mixed`").into())
            }
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Contact::Phone => "phone",
            Contact::Email => "email",
            Contact::Mixed => "mixed",
        }
    }

    /// The citizen of a client's `n`-th attempt.
    fn citizen(self, n: usize) -> BenchResult<Citizen> {
        let email = match self {
            Contact::Phone => false,
            Contact::Email => true,
            Contact::Mixed => (n / MIXED_BLOCK) % 2 == 1,
        };
        Ok(if email {
            Citizen::new("Erika Mustermann", Some("erika@example.org"), None)?
        } else {
            Citizen::new("Erika Mustermann", None, Some("02131 123456"))?
        })
    }
}

/// What one client saw.
#[derive(Debug, Default)]
struct ClientOutcome {
    booked: usize,
    slot_taken: usize,
    busy: usize,
    other: usize,
    messages: Vec<String>,
    latencies: Vec<Duration>,
    /// The latencies of the attempts that booked (and so committed).
    booked_latencies: Vec<Duration>,
    /// Of a `mixed` run: the latencies of the attempts with a phone number
    /// only and with an e-mail address, all and those that booked.
    phone: Vec<Duration>,
    email: Vec<Duration>,
    phone_booked: Vec<Duration>,
    email_booked: Vec<Duration>,
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
        self.booked_latencies.extend(other.booked_latencies);
        self.phone.extend(other.phone);
        self.email.extend(other.email);
        self.phone_booked.extend(other.phone_booked);
        self.email_booked.extend(other.email_booked);
    }

    fn sort(&mut self) {
        for list in [
            &mut self.latencies,
            &mut self.booked_latencies,
            &mut self.phone,
            &mut self.email,
            &mut self.phone_booked,
            &mut self.email_booked,
        ] {
            list.sort_unstable();
        }
    }
}

/// One line of the table.
#[derive(Debug)]
struct RunReport {
    backend: &'static str,
    clients: usize,
    contact: Contact,
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

fn contacts() -> BenchResult<Vec<Contact>> {
    match std::env::var("BENCH_CONTACTS") {
        Ok(list) => list.split(',').map(Contact::parse).collect(),
        Err(_) => Ok(vec![Contact::Phone, Contact::Email]),
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
        contact_token: None,
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
    contact: Contact,
    barrier: &Barrier,
) -> BenchResult<ClientOutcome> {
    let mut rng = StdRng::seed_from_u64(seed);
    let requests = (0..attempts)
        .map(|n| {
            let start = starts.choose(&mut rng).ok_or("no bookable start")?;
            request(*start, &contact.citizen(n)?)
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
        let took = began.elapsed();
        outcome.latencies.push(took);
        let email = r.citizen.email().is_some();
        if contact == Contact::Mixed {
            if email {
                &mut outcome.email
            } else {
                &mut outcome.phone
            }
            .push(took);
        }
        match result {
            Ok(_) => {
                outcome.booked += 1;
                outcome.booked_latencies.push(took);
                if contact == Contact::Mixed {
                    if email {
                        &mut outcome.email_booked
                    } else {
                        &mut outcome.phone_booked
                    }
                    .push(took);
                }
            }
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
    contact: Contact,
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
                scope.spawn(move || client(store, starts, share, seed, contact, barrier))
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
        contact,
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
        "| backend  | clients | contact | attempts | booked | slot_taken | other errors | bookings/s | attempts/s | p50 ms | p99 ms | p50 booked ms |"
    );
    println!(
        "|----------|--------:|---------|---------:|-------:|-----------:|-------------:|-----------:|-----------:|-------:|-------:|--------------:|"
    );
}

fn print_row(r: &RunReport) {
    let o = &r.outcome;
    println!(
        "| {:<8} | {:>7} | {:<7} | {:>8} | {:>6} | {:>10} | {:>12} | {:>10.0} | {:>10.0} | {:>6.2} | {:>6.2} | {:>13.2} |",
        r.backend,
        r.clients,
        r.contact.as_str(),
        r.attempts,
        o.booked,
        o.slot_taken,
        o.busy + o.other,
        per_second(o.booked, r.elapsed),
        per_second(r.attempts, r.elapsed),
        ms(percentile(&o.latencies, 50)),
        ms(percentile(&o.latencies, 99)),
        ms(percentile(&o.booked_latencies, 50)),
    );
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Per backend and client count, of the `mixed` runs: the medians over the
/// rounds of the p50 of the attempts with a phone number only and of those
/// with an e-mail address, in the same runs.
fn print_mixed_comparison(reports: &[RunReport]) {
    println!(
        "| backend  | clients | rounds | p50 ms phone → email | change | p50 booked ms phone → email | change |"
    );
    println!(
        "|----------|--------:|-------:|---------------------:|-------:|----------------------------:|-------:|"
    );
    let mut pairs: Vec<(&str, usize)> = reports
        .iter()
        .filter(|r| r.contact == Contact::Mixed)
        .map(|r| (r.backend, r.clients))
        .collect();
    pairs.dedup();
    for (backend, clients) in pairs {
        let runs: Vec<&ClientOutcome> = reports
            .iter()
            .filter(|r| r.backend == backend && r.clients == clients && r.contact == Contact::Mixed)
            .map(|r| &r.outcome)
            .collect();
        let p50 = |of: fn(&ClientOutcome) -> &Vec<Duration>| {
            median(runs.iter().map(|o| ms(percentile(of(o), 50))).collect())
        };
        let (phone, email) = (p50(|o| &o.phone), p50(|o| &o.email));
        let (phone_booked, email_booked) = (p50(|o| &o.phone_booked), p50(|o| &o.email_booked));
        let change = |before: f64, after: f64| (after / before - 1.0) * 100.0;
        println!(
            "| {backend:<8} | {clients:>7} | {:>6} | {phone:>9.3} → {email:>8.3} | {:>+5.1} % | {phone_booked:>13.3} → {email_booked:>11.3} | {:>+5.1} % |",
            runs.len(),
            change(phone, email),
            change(phone_booked, email_booked),
        );
    }
}

/// Per backend and client count: the medians over the rounds of p50 and
/// bookings/s without an outbox row (phone) and with one (e-mail).
fn print_comparison(reports: &[RunReport]) {
    println!(
        "| backend  | clients | rounds | p50 ms phone → email | change | change, median of the rounds' | p50 booked ms phone → email | change | bookings/s phone → email |"
    );
    println!(
        "|----------|--------:|-------:|---------------------:|-------:|------------------------------:|----------------------------:|-------:|-------------------------:|"
    );
    let mut pairs: Vec<(&str, usize)> = reports.iter().map(|r| (r.backend, r.clients)).collect();
    pairs.dedup();
    for (backend, clients) in pairs {
        let of = |contact: Contact| {
            let runs: Vec<&RunReport> = reports
                .iter()
                .filter(|r| r.backend == backend && r.clients == clients && r.contact == contact)
                .collect();
            let p50 = median(
                runs.iter()
                    .map(|r| ms(percentile(&r.outcome.latencies, 50)))
                    .collect(),
            );
            let booked = median(
                runs.iter()
                    .map(|r| ms(percentile(&r.outcome.booked_latencies, 50)))
                    .collect(),
            );
            let rate = median(
                runs.iter()
                    .map(|r| per_second(r.outcome.booked, r.elapsed))
                    .collect(),
            );
            (runs.len(), p50, booked, rate)
        };
        let (rounds, p50_phone, booked_phone, rate_phone) = of(Contact::Phone);
        let (rounds_email, p50_email, booked_email, rate_email) = of(Contact::Email);
        if rounds == 0 || rounds_email == 0 {
            continue;
        }
        let change = |before: f64, after: f64| (after / before - 1.0) * 100.0;
        // Each round's e-mail run against the phone run just before it: a
        // drift of the machine's speed between rounds cancels out.
        let p50s = |contact: Contact| -> Vec<f64> {
            reports
                .iter()
                .filter(|r| r.backend == backend && r.clients == clients && r.contact == contact)
                .map(|r| ms(percentile(&r.outcome.latencies, 50)))
                .collect()
        };
        let paired = median(
            p50s(Contact::Phone)
                .iter()
                .zip(p50s(Contact::Email))
                .map(|(phone, email)| change(*phone, email))
                .collect(),
        );
        println!(
            "| {backend:<8} | {clients:>7} | {rounds:>6} | {p50_phone:>9.3} → {p50_email:>8.3} | {:>+5.1} % | {paired:>+27.1} % | {booked_phone:>13.3} → {booked_email:>11.3} | {:>+5.1} % | {rate_phone:>11.0} → {rate_email:>10.0} |",
            change(p50_phone, p50_email),
            change(booked_phone, booked_email),
        );
    }
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

    let contacts = contacts()?;
    let rounds: usize = env_or("BENCH_ROUNDS", 1)?;
    let mut reports = Vec::new();
    for backend in backends {
        for &n in &clients {
            for round in 1..=rounds {
                for &contact in &contacts {
                    let db = match backend {
                        "postgres" => test_support::postgres()?,
                        _ => test_support::sqlite(),
                    };
                    eprintln!(
                        "running {backend} with {n} clients, {} contact, round {round} of {rounds} …",
                        contact.as_str()
                    );
                    let mut report = run(db.url(), backend, n, contact, attempts)?;
                    report.outcome.sort();
                    reports.push(report);
                }
            }
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
    for r in &reports {
        print_row(r);
    }
    if contacts.contains(&Contact::Phone) && contacts.contains(&Contact::Email) {
        println!(
            "\nThe outbox's cost (R23): medians of the rounds, phone (no outbox row) → e-mail"
        );
        print_comparison(&reports);
    }
    if contacts.contains(&Contact::Mixed) {
        println!(
            "\nThe outbox's cost (R23), interleaved: medians of the rounds, phone → e-mail in the same runs"
        );
        print_mixed_comparison(&reports);
    }

    println!();
    let mut overbookings = 0;
    let mut unexpected = 0;
    let mut mismatches = 0;
    for r in &reports {
        overbookings += r.audit.overbooked_units;
        unexpected += r.outcome.busy + r.outcome.other;
        println!(
            "{} with {} clients ({}): {} confirmed bookings read back, {} units full, {} overbooked",
            r.backend,
            r.clients,
            r.contact.as_str(),
            r.audit.stored,
            r.audit.full_units,
            r.audit.overbooked_units
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
