//! R33, R34, issue #26: what a script gets where an office asks for a
//! verified contact (`verify_contact: all`), and what the check costs a
//! booking. The release server over HTTP, as citizens call it:
//!
//! 1. **One mailbox from 100 addresses.** The shipped Kaarst configuration
//!    with `verify_contact: all`, its default limits (R24: 3 bookings and 1
//!    Tagesticket per contact; R25: 10 writes in 10 minutes per address),
//!    the clock at Monday 07:30 (Tagestickets open), behind a trusted proxy
//!    so that every request names its client address (`X-Forwarded-For`).
//!    The script owns one real mailbox and reads it (the server's sender
//!    hands the codes to the tests' SMTP sink). From each of
//!    `VERIFY_ADDRESSES` addresses it asks a code for its own spelling of
//!    the mailbox (`+tag`s, upper case, Gmail's dots, googlemail.com), enters
//!    the codes it got, then books twice (regular, its own spelling, with a
//!    token of the mailbox), takes a Tagesticket (challenge solved, a
//!    Kaarst postcode), and books once with a made-up address and no
//!    token. Printed: the bookings the mailbox got (as the 201s say and as
//!    "Meine Termine" lists them), codes granted and refused, every answer.
//! 2. **One mailbox per address** (a catch-all domain: every address a
//!    mailbox the script reads): the same from each address with its own
//!    mailbox, three regular bookings. What R33 does not stop, for contrast.
//! 3. **The cost on the booking path.** Two servers side by side on two
//!    databases, identical but for the Bürgerbüro's `verify_contact`
//!    (`off`, `all`; 200 counters, so every booking is a 201; no rate
//!    limits). The same contacts are verified on both first (ask, the code
//!    read through the store's `claim_codes`, as these servers have no mail
//!    server, enter), so both databases have the same history. Then
//!    `VERIFY_BOOKINGS` bookings of an Anmeldung a round on each, each for
//!    a distinct contact (on `all` with its `X-Contact-Token`). From 1
//!    client, the client books on both servers in turn (off, all, off, …),
//!    so both meet the machine as it is at that moment; from 16 clients,
//!    each server alone in turns (off first in odd rounds, all first in
//!    even ones), as closed-loop clients shared by both would pile up at
//!    the slower one and magnify any difference. Printed: p50 and p90 of
//!    each side per round, the median of `VERIFY_ROUNDS` rounds, and the
//!    median of the rounds' ratios all / off. On PostgreSQL every round
//!    starts with `ANALYZE` of both databases.
//!
//! ```sh
//! cargo bench -p api --bench verified_contacts              # SQLite
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench -p api --bench verified_contacts          # SQLite, then PostgreSQL
//! ```
//! `VERIFY_ADDRESSES` (100), `VERIFY_BOOKINGS` (300 a round and server),
//! `VERIFY_ROUNDS` (7), `VERIFY_CLIENTS` (`1,16`), `VERIFY_POOL` (4
//! connections per server), `VERIFY_BACKENDS` (`sqlite`, and `postgres`
//! when `TEST_DATABASE_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/it/common/smtp.rs"]
mod smtp;
mod support;

use support::{Server, env_or};

use domain::{OfficeEdit, OfficeId, SettingsChange, Username, VerifyContact};
use persistence::Store;
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::MONDAY_10;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

const PORT: u16 = 18_626;
/// What the server's `TERMIN_JWT_SECRET` is (support.rs): the store of the
/// bench opens the codes the server sealed with it.
const SECRET: &[u8] = b"a bench secret of at least 32 bytes!";
const ATTACK_NOW: &str = "2026-11-30T07:30:00+01:00";
const CODE_SUBJECT: &str = "Ihr Bestätigungscode";

fn fresh(backend: &str) -> TestDb {
    match backend {
        "postgres" => persistence::test_support::postgres().unwrap(),
        _ => persistence::test_support::sqlite(),
    }
}

/// Opens `db` (seeding the shipped configuration) and gives the Bürgerbüro
/// `change`; the store stays open for reading codes.
fn prepared(db: &TestDb, change: SettingsChange) -> Store {
    let store = Store::open_with_pool_size(db.url(), 2)
        .unwrap()
        .with_message_key(Some(SECRET));
    let office = OfficeId::parse("buergerbuero").unwrap();
    let actor = Username::parse("bench").unwrap();
    store
        .update_office(
            &office,
            &OfficeEdit::Settings(change),
            false,
            &actor,
            MONDAY_10,
        )
        .unwrap();
    store
}

fn verify(contact: VerifyContact) -> SettingsChange {
    SettingsChange {
        verify_contact: Some(contact),
        ..SettingsChange::default()
    }
}

/// A client of the script: counts its requests, names its address.
struct Script {
    base: String,
    client: reqwest::blocking::Client,
    requests: AtomicU64,
    /// Requests at once.
    threads: usize,
}

/// An answer: its status and body.
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    /// `201`, or `422 contact_limit`, or `429 rate_limited (mailbox)`.
    fn outcome(&self) -> String {
        if self.status < 300 {
            return self.status.to_string();
        }
        let code = self.body["code"].as_str().unwrap_or_default();
        let whose = if self.status == 429 {
            let detail = self.body["detail"].as_str().unwrap_or_default();
            if detail.contains("mailbox") {
                " (codes of the mailbox, R33)"
            } else {
                " (writes of the address, R25)"
            }
        } else {
            ""
        };
        format!("{} {code}{whose}", self.status).trim().to_owned()
    }
}

fn address(i: usize) -> String {
    format!("198.51.{}.{}", 100 + i / 250, 1 + i % 250)
}

impl Script {
    fn new(base: &str, threads: usize) -> Self {
        Self {
            base: base.to_owned(),
            client: reqwest::blocking::Client::new(),
            requests: AtomicU64::new(0),
            threads,
        }
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        from: usize,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("X-Forwarded-For", address(from));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        if let Some(body) = body {
            r = r.json(body);
        }
        let r = r.send().unwrap();
        let status = r.status().as_u16();
        let body = r.json().unwrap_or(Value::Null);
        Answer { status, body }
    }

    /// Runs `work(i)` for `i` in `0..addresses`, `threads` at a time.
    fn each<T: Send>(&self, addresses: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
        let next = AtomicU64::new(0);
        let done = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..self.threads {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                        if i >= addresses {
                            break;
                        }
                        let result = work(i);
                        done.lock().unwrap().push((i, result));
                    }
                });
            }
        });
        let mut done = done.into_inner().unwrap();
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    }
}

/// The `i`-th way of writing the one mailbox `erikamuster@gmail.com` (R34):
/// odd `i` a `+tag`, even `i` Gmail's dots after the letters the bits of
/// `i / 2` say (no dots for 0), every fourth in upper case, on gmail.com,
/// googlemail.com or GMail.com; no two alike.
fn spelling(i: usize) -> String {
    let domain = ["gmail.com", "googlemail.com", "GMail.com"][i % 3];
    if i % 2 == 1 {
        return format!("erika.muster+t{i}@{domain}");
    }
    let mut local = String::new();
    for (k, c) in "erikamuster".chars().enumerate() {
        local.push(c);
        if k < 10 && (i / 2) >> k & 1 == 1 {
            local.push('.');
        }
    }
    if i % 4 == 2 {
        local = local.to_uppercase();
    }
    format!("{local}@{domain}")
}

/// The starts of an Anmeldung offered over 8 weeks.
fn offered(base: &str) -> Vec<String> {
    let url = format!(
        "{base}/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-01&to=2027-01-25"
    );
    let offer: Value = reqwest::blocking::get(url).unwrap().json().unwrap();
    starts(&offer)
}

fn starts(offer: &Value) -> Vec<String> {
    offer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

/// What a script's run gave.
#[derive(Default)]
struct Tally {
    /// Per step, how often each answer came.
    answers: BTreeMap<(usize, &'static str), BTreeMap<String, u64>>,
    /// Per mailbox (R34's key): regular bookings and Tagestickets made.
    booked: BTreeMap<String, (u64, u64)>,
}

impl Tally {
    fn count(&mut self, step: (usize, &'static str), answer: &Answer) {
        *self
            .answers
            .entry(step)
            .or_default()
            .entry(answer.outcome())
            .or_default() += 1;
    }
}

/// The script against `server`: from each of `addresses` addresses, a code
/// for `email(i)`, the codes read from `sink` and entered, `regular`
/// bookings and a Tagesticket with a token of the mailbox (the address's
/// own, else one of another address), and a booking with a made-up address
/// without a token. Returns the tally and the tokens (address, token).
fn script(
    server: &Server,
    sink: &smtp::SmtpSink,
    addresses: usize,
    email: &(dyn Fn(usize) -> String + Sync),
    regular: usize,
) -> (Tally, Vec<(usize, String)>, u64) {
    let s = Script::new(&server.base, 16);
    let tally = Mutex::new(Tally::default());
    let count = |step, answer: &Answer| tally.lock().unwrap().count(step, answer);
    let regular_starts = offered(&server.base);
    let tickets: Value = reqwest::blocking::get(format!(
        "{}/api/v1/offices/buergerbuero/day-tickets?service=ausweis-abholung",
        server.base
    ))
    .unwrap()
    .json()
    .unwrap();
    let ticket_starts = starts(&tickets);
    assert!(!ticket_starts.is_empty(), "Tagestickets open: {tickets}");
    // Every address asks a code for its own spelling.
    let asked = s.each(addresses, |i| {
        let a = s.send(
            Method::POST,
            "/api/v1/verifications",
            i,
            &[],
            Some(&json!({"email": email(i)})),
        );
        count((1, "ask a code for the address's spelling"), &a);
        (a.status == 202).then(|| a.body["id"].as_str().unwrap().to_owned())
    });
    // The script reads its mailbox(es) and enters the codes.
    let granted = asked.iter().flatten().count();
    let deadline = Instant::now() + Duration::from_secs(60);
    let codes: HashMap<String, String> = loop {
        let codes: HashMap<String, String> = sink
            .received()
            .into_iter()
            .filter(|m| m.subject().starts_with(CODE_SUBJECT))
            .map(|m| {
                let code = m.subject().rsplit(' ').next().unwrap().to_owned();
                (m.to[0].clone(), code)
            })
            .collect();
        if codes.len() >= granted {
            break codes;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {granted} codes",
            codes.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let own: Vec<Option<String>> = s.each(addresses, |i| {
        let id = asked[i].as_ref()?;
        let code = &codes[&email(i)];
        let a = s.send(
            Method::POST,
            &format!("/api/v1/verifications/{id}/confirm"),
            i,
            &[],
            Some(&json!({"code": code})),
        );
        count((2, "enter the code read from the mailbox"), &a);
        a.body["contact_token"].as_str().map(str::to_owned)
    });
    let tokens: Vec<(usize, String)> = own
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((i, t.clone()?)))
        .collect();
    let token_for = |i: usize| match (&own[i], tokens.len()) {
        (Some(t), _) => Some(t.clone()),
        (None, 0) => None,
        (None, n) => Some(tokens[i % n].1.clone()),
    };
    let booked = |tally: &Mutex<Tally>, i: usize, day_ticket: bool| {
        let mut t = tally.lock().unwrap();
        let entry = t.booked.entry(domain::email_key(&email(i))).or_default();
        if day_ticket {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    };
    s.each(addresses, |i| {
        let token = token_for(i);
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(t) = &token {
            headers.push(("X-Contact-Token", t));
        }
        for j in 0..regular {
            let start = &regular_starts[(i * regular + j) * 37 % regular_starts.len()];
            let body = json!({"office": "buergerbuero", "services": ["anmeldung"], "start": start,
                "citizen": {"name": "Erika Muster", "email": email(i)}});
            let a = s.send(Method::POST, "/api/v1/bookings", i, &headers, Some(&body));
            count((3, "book an Anmeldung, with a token of the mailbox"), &a);
            if a.status == 201 {
                booked(&tally, i, false);
            }
        }
        let challenge = s.send(Method::GET, "/api/v1/challenge", i, &[], None).body;
        let altcha = api::challenge::solve(&api::challenge::Challenge {
            algorithm: "SHA-256",
            challenge: challenge["challenge"].as_str().unwrap().into(),
            maxnumber: challenge["maxnumber"].as_u64().unwrap(),
            salt: challenge["salt"].as_str().unwrap().into(),
            signature: challenge["signature"].as_str().unwrap().into(),
        })
        .unwrap();
        let mut with_altcha = headers.clone();
        with_altcha.push(("X-Altcha", &altcha));
        let start = &ticket_starts[i % ticket_starts.len()];
        let body = json!({"office": "buergerbuero", "services": ["ausweis-abholung"],
            "start": start, "kind": "day_ticket",
            "citizen": {"name": "Erika Muster", "email": email(i), "postcode": "41564"}});
        let a = s.send(
            Method::POST,
            "/api/v1/bookings",
            i,
            &with_altcha,
            Some(&body),
        );
        count(
            (4, "take a Tagesticket (challenge solved), with a token"),
            &a,
        );
        if a.status == 201 {
            booked(&tally, i, true);
        }
        let start = &regular_starts[(i * 7919 + 11) % regular_starts.len()];
        let body = json!({"office": "buergerbuero", "services": ["anmeldung"], "start": start,
            "citizen": {"name": "Bot", "email": format!("bot{i}@example.net")}});
        let a = s.send(Method::POST, "/api/v1/bookings", i, &[], Some(&body));
        count((5, "book with a made-up address, no token"), &a);
        if a.status == 201 {
            let mut t = tally.lock().unwrap();
            t.booked.entry(format!("bot{i}@example.net")).or_default().0 += 1;
        }
    });
    let requests = s.requests.load(Ordering::Relaxed);
    (tally.into_inner().unwrap(), tokens, requests)
}

/// "Meine Termine" of each token's mailbox, asked from the token's
/// address: the regular bookings and Tagestickets the server lists, summed.
fn listed(base: &str, tokens: &[(usize, String)]) -> (u64, u64) {
    let s = Script::new(base, 1);
    let (mut regular, mut tickets) = (0, 0);
    for (i, token) in tokens {
        let a = s.send(
            Method::GET,
            "/api/v1/contacts/bookings",
            *i,
            &[("X-Contact-Token", token)],
            None,
        );
        assert_eq!(a.status, 200, "{}", a.body);
        let list = a.body.as_array().unwrap();
        let day = list.iter().filter(|b| b["kind"] == "day_ticket").count() as u64;
        regular += list.len() as u64 - day;
        tickets += day;
    }
    (regular, tickets)
}

fn print_tally(tally: &Tally) {
    println!("| step | answers |\n|---|---|");
    for ((n, step), answers) in &tally.answers {
        let answers: Vec<String> = answers.iter().map(|(a, k)| format!("{k} × {a}")).collect();
        println!("| {n}. {step} | {} |", answers.join(", "));
    }
}

/// A server for the script: Kaarst, `verify_contact: all`, default limits,
/// Monday 07:30, behind a trusted proxy, codes to `sink`.
fn attack_server(db: &TestDb, sink: &smtp::SmtpSink, pool: usize, port: u16) -> Server {
    drop(prepared(db, verify(VerifyContact::All)));
    Server::start(
        port,
        db.url(),
        &[
            ("TERMIN_NOW", ATTACK_NOW),
            ("TERMIN_TRUSTED_PROXIES", "127.0.0.1"),
            ("TERMIN_SMTP_URL", &sink.url()),
            ("TERMIN_DB_POOL", &pool.to_string()),
        ],
    )
}

fn one_mailbox(backend: &str, addresses: usize, pool: usize) {
    let db = fresh(backend);
    let sink = smtp::SmtpSink::start();
    let server = attack_server(&db, &sink, pool, PORT);
    let began = Instant::now();
    let (tally, tokens, requests) = script(&server, &sink, addresses, &spelling, 2);
    let took = began.elapsed();
    let mailbox = domain::email_key(&spelling(0));
    let (regular, tickets) = tally.booked.get(&mailbox).copied().unwrap_or_default();
    let others: u64 = tally
        .booked
        .iter()
        .filter(|(m, _)| **m != mailbox)
        .map(|(_, (r, t))| r + t)
        .sum();
    let (listed_regular, listed_tickets) = listed(&server.base, &tokens[..tokens.len().min(1)]);
    let asks = &tally.answers[&(1, "ask a code for the address's spelling")];
    let granted = asks.get("202").copied().unwrap_or(0);
    println!(
        "\n{backend}, 1. one mailbox ({mailbox}) from {addresses} addresses, \
         {} spellings, {requests} requests in {:.1} s:\n",
        addresses,
        took.as_secs_f64()
    );
    println!(
        "- bookings the mailbox got: **{regular} regular (R24 limit 3), {tickets} Tagesticket (limit 1)**; \
         \"Meine Termine\" lists {listed_regular} and {listed_tickets}; bookings of other mailboxes: {others}"
    );
    println!(
        "- codes granted {granted}, refused {} (limit: 3 per mailbox an hour); tokens {}",
        asks.values().sum::<u64>() - granted,
        tokens.len()
    );
    println!(
        "- within the limits: {}\n",
        if regular <= 3 && tickets <= 1 && others == 0 {
            "yes"
        } else {
            "**NO**"
        }
    );
    print_tally(&tally);
}

fn catch_all(backend: &str, addresses: usize, pool: usize) {
    let db = fresh(backend);
    let sink = smtp::SmtpSink::start();
    let server = attack_server(&db, &sink, pool, PORT + 1);
    let email = |i: usize| format!("box{i}@catch-all.example.net");
    let began = Instant::now();
    let (tally, tokens, requests) = script(&server, &sink, addresses, &email, 3);
    let took = began.elapsed();
    let (listed_regular, listed_tickets) = listed(&server.base, &tokens);
    let (regular, tickets, most) = tally
        .booked
        .values()
        .fold((0, 0, 0), |(r, t, most), (a, b)| {
            (r + a, t + b, most.max(a + b))
        });
    println!(
        "\n{backend}, 2. one mailbox per address ({addresses} mailboxes of a catch-all domain), \
         {requests} requests in {:.1} s:\n",
        took.as_secs_f64()
    );
    println!(
        "- bookings: **{regular} regular and {tickets} Tagestickets** (of 12 today), at most {most} per mailbox; \
         \"Meine Termine\" lists {listed_regular} and {listed_tickets}; mailboxes verified {}\n",
        tokens.len()
    );
    print_tally(&tally);
}

/// A round's bookings on both servers: latencies per side (sorted), and
/// how many were not 201.
struct Round {
    took: [Vec<Duration>; 2],
    wrong: u64,
}

fn at(took: &[Duration], q: f64) -> f64 {
    ms(took[((took.len() as f64 * q) as usize).min(took.len() - 1)])
}

/// `emails.len()` bookings on each of `sides` of the two servers `bases`
/// (off, all), from `clients` clients. With both sides each client books on
/// both in turn (beginning with either by turns), so both meet the machine
/// as it is at that moment. Booking `k` is for `emails[k]`, on `all` with
/// `tokens[k]`, at the `k`-th start of a fixed sequence on both.
fn paired(
    bases: [&str; 2],
    sides: &[usize],
    clients: usize,
    starts: &[String],
    emails: &[String],
    tokens: &[String],
) -> Round {
    let n = emails.len();
    let barrier = Barrier::new(clients);
    let urls = bases.map(|b| format!("{b}/api/v1/bookings"));
    let (barrier, urls) = (&barrier, &urls);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|t| {
                s.spawn(move || {
                    let client = reqwest::blocking::Client::new();
                    barrier.wait();
                    let (mut took, mut wrong) = ([Vec::new(), Vec::new()], 0u64);
                    for k in (t..n).step_by(clients) {
                        let start = &starts[k * 104_729 % starts.len()];
                        let body = json!({"office": "buergerbuero", "services": ["anmeldung"],
                            "start": start, "citizen": {"name": "Erika Mustermann", "email": emails[k]}});
                        let first = (t + k) % sides.len();
                        for side in sides[first..].iter().chain(&sides[..first]).copied() {
                            let mut r = client.post(&urls[side]).json(&body);
                            if side == 1 {
                                r = r.header("X-Contact-Token", &tokens[k]);
                            }
                            let sent = Instant::now();
                            let r = r.send().unwrap();
                            let ok = r.status().as_u16() == 201;
                            let _ = r.bytes();
                            took[side].push(sent.elapsed());
                            wrong += u64::from(!ok);
                        }
                    }
                    (took, wrong)
                })
            })
            .collect();
        let mut round = Round {
            took: [Vec::new(), Vec::new()],
            wrong: 0,
        };
        for h in handles {
            let ([off, all], w) = h.join().unwrap();
            round.took[0].extend(off);
            round.took[1].extend(all);
            round.wrong += w;
        }
        round.took.iter_mut().for_each(|t| t.sort());
        round
    })
}

/// Verifies `emails` on the server of `store` over HTTP (8 clients): the
/// code asked for, read through the store, entered. Returns the tokens in
/// the order of `emails`, and the latencies of asking and of entering.
fn verified(
    base: &str,
    store: &Store,
    emails: &[String],
) -> (Vec<String>, Vec<Duration>, Vec<Duration>) {
    let s = Script::new(base, 8);
    let timed = |path: String, body: Value| {
        let sent = Instant::now();
        let a = s.send(Method::POST, &path, 0, &[], Some(&body));
        (a, sent.elapsed())
    };
    let asked = s.each(emails.len(), |k| {
        let (a, took) = timed("/api/v1/verifications".into(), json!({"email": emails[k]}));
        assert_eq!(a.status, 202, "{}", a.body);
        (a.body["id"].as_str().unwrap().to_owned(), took)
    });
    let mut codes = HashMap::new();
    while codes.len() < emails.len() {
        let claimed = store
            .claim_codes(MONDAY_10, time::Duration::hours(1), 1000)
            .unwrap();
        assert!(!claimed.is_empty(), "codes missing");
        codes.extend(claimed.into_iter().map(|c| (c.id.to_string(), c.code)));
    }
    let entered = s.each(emails.len(), |k| {
        let id = &asked[k].0;
        let (a, took) = timed(
            format!("/api/v1/verifications/{id}/confirm"),
            json!({"code": codes[id]}),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        (a.body["contact_token"].as_str().unwrap().to_owned(), took)
    });
    let (tokens, enter): (Vec<_>, Vec<_>) = entered.into_iter().unzip();
    let ask = asked.into_iter().map(|(_, t)| t).collect();
    (tokens, ask, enter)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| ms(v[((v.len() as f64 * q) as usize).min(v.len() - 1)]);
    format!("p50 {:.1} ms, p90 {:.1} ms", at(0.5), at(0.9))
}

fn cost(backend: &str, n: usize, rounds: usize, clients: &[usize], pool: usize) {
    let dbs = [fresh(backend), fresh(backend)];
    let counters = |contact| SettingsChange {
        counters: Some(200),
        ..verify(contact)
    };
    let stores = [
        prepared(&dbs[0], counters(VerifyContact::Off)),
        prepared(&dbs[1], counters(VerifyContact::All)),
    ];
    let start = |i: usize| {
        Server::start(
            PORT + 2 + i as u16,
            dbs[i].url(),
            &[
                ("TERMIN_RATE_LIMIT_READS", "off"),
                ("TERMIN_RATE_LIMIT_WRITES", "off"),
                ("TERMIN_DB_POOL", &pool.to_string()),
            ],
        )
    };
    let servers = [start(0), start(1)];
    let starts = offered(&servers[1].base);
    assert!(starts.len() > 1000, "{} starts", starts.len());
    let total = n * rounds * clients.len();
    let emails: Vec<String> = (0..total).map(|k| format!("c{k}@example.org")).collect();
    // Both databases get the same history: every contact verified on both,
    // though only `all` asks for the tokens.
    let mut tokens = Vec::new();
    for (i, name) in ["off", "all"].into_iter().enumerate() {
        let began = Instant::now();
        let (made, ask, enter) = verified(&servers[i].base, &stores[i], &emails);
        println!(
            "\n{backend}, 3. the cost: {total} contacts verified on `{name}` in {:.1} s (8 clients): \
             asking {}, entering the code {}",
            began.elapsed().as_secs_f64(),
            percentiles(ask),
            percentiles(enter)
        );
        tokens = made;
    }
    drop(stores);
    // figures[clients]: per round (p50 off, p50 all, p90 off, p90 all).
    let mut figures = vec![Vec::new(); clients.len()];
    let mut wrong = 0;
    let bases = [servers[0].base.as_str(), servers[1].base.as_str()];
    for (c, &k) in clients.iter().enumerate() {
        for r in 0..rounds {
            let first = (c * rounds + r) * n;
            for db in &dbs {
                db.analyze().unwrap();
            }
            // One client: both servers in turn, request by request. More:
            // each server alone, in turns (off first, then all first), as
            // clients sharing both would pile up at the slower one.
            let (emails, tokens) = (&emails[first..first + n], &tokens[first..first + n]);
            let round = if k == 1 {
                paired(bases, &[0, 1], k, &starts, emails, tokens)
            } else {
                let order = if r % 2 == 0 { [0, 1] } else { [1, 0] };
                let mut round = Round {
                    took: [Vec::new(), Vec::new()],
                    wrong: 0,
                };
                for side in order {
                    let mut alone = paired(bases, &[side], k, &starts, emails, tokens);
                    round.took[side] = std::mem::take(&mut alone.took[side]);
                    round.wrong += alone.wrong;
                }
                round
            };
            wrong += round.wrong;
            let [off, all] = &round.took;
            let f = [at(off, 0.5), at(all, 0.5), at(off, 0.9), at(all, 0.9)];
            println!(
                "{k} clients, round {}: p50 off {:.2} ms, all {:.2} ms ({:.3}); p90 off {:.2} ms, all {:.2} ms ({:.3})",
                r + 1,
                f[0],
                f[1],
                f[1] / f[0],
                f[2],
                f[3],
                f[3] / f[2]
            );
            figures[c].push(f);
        }
    }
    drop(servers);
    println!(
        "\n{backend}, {n} bookings a round on each server, each for a distinct contact, \
         median of {rounds} rounds (range of the rounds):\n"
    );
    println!(
        "| clients | figure | verify_contact off | verify_contact all | ratio all / off |\n|---:|---|---:|---:|---:|"
    );
    let spread = |v: &[f64]| {
        let mut v = v.to_vec();
        let (lo, hi) = (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(0.0, f64::max),
        );
        (median(&mut v), lo, hi)
    };
    for (c, &k) in clients.iter().enumerate() {
        for (name, off, all) in [("booking p50", 0, 1), ("booking p90", 2, 3)] {
            let side = |i: usize| spread(&figures[c].iter().map(|f| f[i]).collect::<Vec<_>>());
            let ratio = spread(
                &figures[c]
                    .iter()
                    .map(|f| f[all] / f[off])
                    .collect::<Vec<_>>(),
            );
            let (o, a) = (side(off), side(all));
            println!(
                "| {k} | {name} | {:.2} ms ({:.2}–{:.2}) | {:.2} ms ({:.2}–{:.2}) | **{:.3}** ({:.3}–{:.3}) |",
                o.0, o.1, o.2, a.0, a.1, a.2, ratio.0, ratio.1, ratio.2
            );
        }
    }
    println!("\nbookings not answered 201: {wrong}");
}

fn main() {
    let addresses: usize = env_or("VERIFY_ADDRESSES", 100);
    let n: usize = env_or("VERIFY_BOOKINGS", 300);
    let rounds: usize = env_or::<usize>("VERIFY_ROUNDS", 7).max(1);
    let pool: usize = env_or("VERIFY_POOL", 4);
    let clients: Vec<usize> = std::env::var("VERIFY_CLIENTS")
        .unwrap_or_else(|_| "1,16".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .filter(|&c| c > 0)
        .collect();
    let default_backends = if std::env::var(persistence::test_support::TEST_DATABASE_URL).is_ok() {
        "sqlite,postgres"
    } else {
        "sqlite"
    };
    let backends = std::env::var("VERIFY_BACKENDS").unwrap_or_else(|_| default_backends.into());
    for backend in backends.split(',').map(str::trim) {
        let began = Instant::now();
        one_mailbox(backend, addresses, pool);
        catch_all(backend, addresses, pool);
        cost(backend, n, rounds, &clients, pool);
        println!(
            "\n{backend}: all of it in {:.0} s",
            began.elapsed().as_secs_f64()
        );
    }
}
