//! The load harness of issue #13: runs one scenario (`rush`, `morning`,
//! `soak`) and the baselines with goose, audits the database, and prints
//! each figure beside its aim. `bench/load/run.sh` starts what it needs.

mod audit;
mod record;
mod report;
mod scenarios;

use goose::config::GooseConfiguration;
use goose::prelude::*;
use record::Recorder;
use report::{Aim, Row};
use scenarios::{
    Target, booking, booking_start, citizen, plain, rush, search_1x1, search_3x14, staff_day_list,
    staff_login,
};
use std::time::Duration;

#[derive(Debug)]
struct Args {
    scenario: String,
    apis: Vec<String>,
    plain: Option<String>,
    sqlite_api: Option<String>,
    database_url: String,
    pids: Vec<u32>,
    pgbench_tps: Option<f64>,
    users: usize,
    seconds: usize,
    baseline_seconds: usize,
    today: String,
    staff: (String, String),
    think_ms: u64,
    /// Seconds over which the clients start (goose's hatch rate).
    hatch_seconds: usize,
    /// Created when the scenario's first request is sent.
    started_file: Option<std::path::PathBuf>,
}

const USAGE: &str = "usage: load rush|morning|soak --api URL[,URL] --database-url URL \
[--plain URL] [--sqlite-api URL] [--pids PID[,PID]] [--pgbench-tps N] [--users N] \
[--seconds N] [--baseline-seconds N] [--today YYYY-MM-DD] [--staff USER:PASSWORD] [--think-ms N] \
[--hatch-seconds N] [--started-file PATH]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let scenario = it.next().ok_or(USAGE)?;
    let mut a = Args {
        users: if scenario == "rush" { 2000 } else { 100 },
        seconds: if scenario == "soak" { 600 } else { 30 },
        scenario,
        apis: Vec::new(),
        plain: None,
        sqlite_api: None,
        database_url: String::new(),
        pids: Vec::new(),
        pgbench_tps: None,
        baseline_seconds: 10,
        today: "2026-11-30".into(),
        staff: ("bench".into(), "bench-password-1".into()),
        think_ms: 1000,
        hatch_seconds: 1,
        started_file: None,
    };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value\n{USAGE}"))?;
        let number = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--api" => a.apis = value.split(',').map(str::to_owned).collect(),
            "--plain" => a.plain = Some(value),
            "--sqlite-api" => a.sqlite_api = Some(value),
            "--database-url" => a.database_url = value,
            "--pids" => {
                a.pids = value
                    .split(',')
                    .map(|p| p.parse().map_err(|_| format!("--pids: {p}")))
                    .collect::<Result<_, _>>()?
            }
            "--pgbench-tps" => {
                a.pgbench_tps = Some(value.parse().map_err(|_| "--pgbench-tps: not a number")?)
            }
            "--users" => a.users = number(&value)?,
            "--seconds" => a.seconds = number(&value)?,
            "--baseline-seconds" => a.baseline_seconds = number(&value)?,
            "--today" => a.today = value,
            "--think-ms" => a.think_ms = number(&value)? as u64,
            "--hatch-seconds" => a.hatch_seconds = number(&value)?.max(1),
            "--started-file" => a.started_file = Some(value.into()),
            "--staff" => {
                let (u, p) = value.split_once(':').ok_or("--staff USER:PASSWORD")?;
                a.staff = (u.into(), p.into());
            }
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    if !["rush", "morning", "soak"].contains(&a.scenario.as_str()) || a.apis.is_empty() {
        return Err(USAGE.into());
    }
    Ok(a)
}

/// `today` and the `n - 1` days after it.
fn days_from(today: &str, n: i64) -> Result<Vec<String>, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(today, format).map_err(|e| format!("--today: {e}"))?;
    Ok((0..n)
        .filter_map(|i| day.checked_add(time::Duration::days(i)))
        .filter_map(|d| d.format(format).ok())
        .collect())
}

/// One goose run: `users` clients started evenly over `hatch` seconds, then
/// `seconds` of running; what they saw, and the seconds from its first
/// request to its last answer.
async fn attack(
    scenarios: Vec<Scenario>,
    host: &str,
    (users, hatch): (usize, usize),
    seconds: usize,
    started_file: Option<std::path::PathBuf>,
) -> Result<(Recorder, f64), GooseError> {
    record::take();
    record::set_run_length(Duration::from_secs((hatch + seconds) as u64), started_file);
    let hatch_rate = format!("{:.3}", users as f64 / hatch.max(1) as f64);
    let mut goose = GooseAttack::initialize_with_config(GooseConfiguration::default())?;
    for s in scenarios {
        goose = goose.register_scenario(s);
    }
    goose
        .set_default(GooseDefault::Host, host)?
        .set_default(GooseDefault::Users, users)?
        .set_default(GooseDefault::HatchRate, hatch_rate.as_str())?
        .set_default(GooseDefault::RunTime, seconds)?
        // Our own figures are kept in `record`; goose's table would repeat them.
        .set_default(GooseDefault::NoPrintMetrics, true)?
        .set_default(GooseDefault::NoErrorSummary, true)?
        .set_default(GooseDefault::NoResetMetrics, true)?
        // Warnings only: goose tells of every user's start and end at info.
        .set_default(GooseDefault::Quiet, 1usize)?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?
        // As wrk measured in the issue: no Accept-Encoding, so the server's
        // gzip middleware leaves the answers alone on both sides of a ratio.
        .set_default(GooseDefault::NoGzip, true)?
        .execute()
        .await?;
    let seen = record::take();
    let span = seen.span();
    Ok((seen, span))
}

fn rate(r: &Recorder, name: &str, secs: f64) -> f64 {
    r.get(name).count() as f64 / secs.max(0.001)
}

fn think(ms: u64) -> (Duration, Duration) {
    (
        Duration::from_millis(ms / 2),
        Duration::from_millis(ms * 3 / 2),
    )
}

/// A number field of `/proc/PID/status` (`VmHWM` in kB: the high-water mark
/// of resident memory; `Threads`).
fn proc_status(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print_statuses(title: &str, r: &Recorder, secs: f64) {
    println!("-- {title} ({secs:.1} s)");
    for (name, s) in &r.by_name {
        println!(
            "   {name:<20} {:>7} req {:>8.1}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  statuses {:?}{}",
            s.count(),
            s.count() as f64 / secs.max(0.001),
            s.percentile_ms(50.0),
            s.percentile_ms(99.0),
            s.statuses,
            if s.failed > 0 {
                format!("  no answer {}", s.failed)
            } else {
                String::new()
            }
        );
    }
    let slow = r.slow_by_second();
    if !slow.is_empty() {
        let seconds: Vec<String> = slow
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| format!("{i}s: {n}"))
            .collect();
        println!(
            "   requests slower than {} ms, by the second of the run they were sent in: {}",
            record::SLOW_MICROS / 1000,
            seconds.join(", ")
        );
    }
}

async fn run(a: Args) -> Result<bool, String> {
    let days = days_from(&a.today, 14)?;
    let booking_to = days_from(&a.today, 57)?.pop().unwrap_or_default();
    scenarios::set_target(Target {
        apis: a.apis.clone(),
        days,
        booking_to,
        staff_user: a.staff.0.clone(),
        staff_password: a.staff.1.clone(),
    });
    let e = |e: GooseError| e.to_string();
    let host = a.apis[0].clone();
    let mut rows = Vec::new();
    let mut confirmed = Vec::new();
    let mut cancelled = Vec::new();
    let (think_min, think_max) = think(a.think_ms);

    // The scenario first, so the servers' memory high-water mark is its own.
    let (seen, secs) = match a.scenario.as_str() {
        "rush" => {
            let s = scenario!("Rush")
                .set_wait_time(think_min, think_max)
                .map_err(e)?
                .register_transaction(transaction!(rush));
            attack(
                vec![s],
                &host,
                (a.users, a.hatch_seconds),
                a.seconds,
                a.started_file.clone(),
            )
            .await
            .map_err(e)?
        }
        _ => {
            let citizens = scenario!("Citizen")
                .set_weight(19)
                .map_err(e)?
                .set_wait_time(think_min, think_max)
                .map_err(e)?
                .register_transaction(transaction!(citizen));
            let staff = scenario!("Staff")
                .set_weight(1)
                .map_err(e)?
                .set_wait_time(think_min * 2, think_max * 2)
                .map_err(e)?
                .register_transaction(transaction!(staff_login).set_on_start())
                .register_transaction(transaction!(staff_day_list));
            attack(
                vec![citizens, staff],
                &host,
                (a.users, a.hatch_seconds),
                a.seconds,
                None,
            )
            .await
            .map_err(e)?
        }
    };
    print_statuses(
        &format!(
            "{} with {} users on {} process(es)",
            a.scenario,
            a.users,
            a.apis.len()
        ),
        &seen,
        secs,
    );
    let all = seen.all();
    rows.push(Row::new(
        "5xx and unanswered, all requests",
        all.server_errors() as f64,
        Aim::AtMost(0.0),
    ));
    if a.scenario == "rush" {
        rows.push(Row::new(
            "rush p99 over all requests (ms)",
            all.percentile_ms(99.0),
            Aim::AtMost(250.0),
        ));
        rows.push(Row::info(
            "rush p50 over all requests (ms)",
            all.percentile_ms(50.0),
        ));
        rows.push(Row::info("rush requests/s", all.count() as f64 / secs));
    }
    for pid in &a.pids {
        if let Some(kb) = proc_status(*pid, "VmHWM") {
            rows.push(Row::new(
                &format!("server {pid} peak RSS, VmHWM (MB)"),
                kb / 1024.0,
                Aim::AtMost(150.0),
            ));
        }
        // Threads still alive just after the run: blocking threads for the
        // database calls idle for a while before they end.
        if let Some(n) = proc_status(*pid, "Threads") {
            rows.push(Row::info(&format!("server {pid} threads after the run"), n));
        }
    }
    confirmed.extend(seen.confirmed);
    cancelled.extend(seen.cancelled);

    // Baselines in the same run: each figure over its ceiling.
    if a.baseline_seconds > 0 {
        let bs = a.baseline_seconds;
        if let Some(plain_url) = &a.plain {
            let s = scenario!("Plain").register_transaction(transaction!(plain));
            let (p, ps) = attack(vec![s], plain_url, (32, 1), bs, None)
                .await
                .map_err(e)?;
            print_statuses("baseline: plain actix-web JSON, 32 clients", &p, ps);
            let plain_rate = rate(&p, "plain json", ps);
            rows.push(Row::info("plain JSON requests/s", plain_rate));
            let search_host = a.sqlite_api.clone().unwrap_or(host.clone());
            let searches = [
                ("slot search 3x14", 0.15, transaction!(search_3x14)),
                ("slot search 1x1", 0.35, transaction!(search_1x1)),
            ];
            for (name, aim, t) in searches {
                let s = scenario!("Search").register_transaction(t);
                // The searches go to the SQLite server (the aim) when given.
                let target_apis = vec![search_host.clone()];
                let (r, rs) = with_apis(target_apis, &a, || {
                    attack(vec![s], &search_host, (32, 1), bs, None)
                })
                .await?;
                print_statuses(&format!("baseline: {name}, 32 clients"), &r, rs);
                rows.push(Row::new(
                    &format!("{name} rate / plain JSON rate"),
                    report::ratio(rate(&r, name, rs), plain_rate),
                    Aim::AtLeast(aim),
                ));
            }
        }
        let s = scenario!("Booking")
            .register_transaction(transaction!(booking_start).set_on_start())
            .register_transaction(transaction!(booking));
        let (b, bsecs) = attack(vec![s], &host, (32, 1), bs, None).await.map_err(e)?;
        print_statuses(
            "baseline: bookings over HTTP on PostgreSQL, 32 clients",
            &b,
            bsecs,
        );
        let booked = b.confirmed.len() as f64 / bsecs;
        rows.push(Row::info("HTTP bookings/s (201)", booked));
        if let Some(tps) = a.pgbench_tps {
            rows.push(Row::info("pgbench booking-shaped tps, 32 clients", tps));
            rows.push(Row::new(
                "HTTP bookings/s / pgbench tps",
                report::ratio(booked, tps),
                Aim::AtLeast(0.5),
            ));
        }
        confirmed.extend(b.confirmed);
    }

    let audit = audit::Audit::read(&a.database_url, &confirmed, &cancelled)?;
    println!("-- audit from the database");
    for d in &audit.tickets {
        println!(
            "   Tagestickets {} {}: {} stored, contingent {}",
            d.office, d.day, d.tickets, d.contingent
        );
    }
    if a.scenario == "rush" {
        let today = audit
            .tickets
            .iter()
            .find(|d| d.office == "buergerbuero" && d.day == a.today)
            .map(|d| (d.tickets, d.contingent))
            .unwrap_or((0, 12));
        rows.push(Row::new(
            "Tagestickets stored today",
            today.0 as f64,
            Aim::Exactly(today.1 as f64),
        ));
    }
    rows.push(Row::new(
        "overbooked moments (I1)",
        audit.overbooked as f64,
        Aim::AtMost(0.0),
    ));
    rows.push(Row::new(
        "bookings answered 201",
        audit.seen_confirmed as f64,
        Aim::Info,
    ));
    rows.push(Row::new(
        "  of them rows found",
        audit.found as f64,
        Aim::Exactly(audit.seen_confirmed as f64),
    ));
    rows.push(Row::new(
        "  cancelled by clients / rows cancelled",
        audit.found_cancelled as f64,
        Aim::Exactly(audit.seen_cancelled as f64),
    ));
    let problems = audit.problems();
    for p in &problems {
        println!("   PROBLEM: {p}");
    }
    println!("{}", report::table(&rows));
    Ok(problems.is_empty() && rows.iter().all(Row::met))
}

/// Runs `f` with the clients pointed at `apis` (the SQLite server for the
/// search baselines), then back at the scenario's.
async fn with_apis<F, Fut>(apis: Vec<String>, a: &Args, f: F) -> Result<(Recorder, f64), String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(Recorder, f64), GooseError>>,
{
    scenarios::set_apis(apis);
    let out = f().await.map_err(|e| e.to_string());
    scenarios::set_apis(a.apis.clone());
    out
}

#[tokio::main]
async fn main() {
    let code = match parse_args() {
        Err(msg) => {
            eprintln!("{msg}");
            2
        }
        Ok(args) => match run(args).await {
            Ok(true) => 0,
            Ok(false) => {
                println!("some aims missed (see the table)");
                1
            }
            Err(msg) => {
                eprintln!("load: {msg}");
                2
            }
        },
    };
    std::process::exit(code);
}
