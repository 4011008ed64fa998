//! What the simulated clients saw: latency and status per request name, and
//! the bookings answered 201 (for the audit). Kept by the harness itself
//! rather than read from goose's report, so one run can merge all request
//! names into one p99 and count statuses the way the aims state them.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// Latencies (microseconds, request sent to body read) and statuses of one
/// request name; `failed` counts requests without an answer (connection
/// refused or reset, timeout).
#[derive(Debug, Default, Clone)]
pub struct Samples {
    pub micros: Vec<u64>,
    pub statuses: BTreeMap<u16, u64>,
    pub failed: u64,
}

impl Samples {
    pub fn count(&self) -> u64 {
        self.micros.len() as u64
    }

    /// Answers with a status of 500 or more, and requests without an answer.
    pub fn server_errors(&self) -> u64 {
        self.statuses.range(500..).map(|(_, n)| n).sum::<u64>() + self.failed
    }

    /// The `p`-th percentile (0–100) in milliseconds, nearest rank.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        let mut sorted = self.micros.clone();
        sorted.sort_unstable();
        percentile(&sorted, p) as f64 / 1000.0
    }

    fn merge(&mut self, other: &Samples) {
        self.micros.extend_from_slice(&other.micros);
        for (code, n) in &other.statuses {
            *self.statuses.entry(*code).or_default() += n;
        }
        self.failed += other.failed;
    }
}

/// Nearest-rank percentile of sorted values; 0 for none.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Debug, Default)]
pub struct Recorder {
    pub by_name: BTreeMap<&'static str, Samples>,
    /// Ids of bookings answered 201 (confirmed as far as the client knows).
    pub confirmed: Vec<String>,
    /// Ids of those the clients cancelled afterwards (answered 204).
    pub cancelled: Vec<String>,
    /// When the first request was sent and the last answer came: rates are
    /// taken over this span, not over goose's start of 2,000 users and its
    /// shutdown.
    pub first: Option<Instant>,
    pub last: Option<Instant>,
    /// When the requests that took longer than [`SLOW_MICROS`] were sent:
    /// where in the run the tail of the latency lies.
    pub slow: Vec<Instant>,
}

/// The rush's p99 bound (250 ms): requests slower than it are kept by
/// when they were sent.
pub const SLOW_MICROS: u64 = 250_000;

impl Recorder {
    /// Seconds from the first request to the last answer.
    pub fn span(&self) -> f64 {
        match (self.first, self.last) {
            (Some(a), Some(b)) => b.duration_since(a).as_secs_f64(),
            _ => 0.0,
        }
    }

    fn note(&mut self, started: Instant) {
        self.first = Some(self.first.map_or(started, |f| f.min(started)));
        self.last = Some(Instant::now());
    }

    /// How many requests slower than [`SLOW_MICROS`] were sent in each
    /// second of the run (index 0: the first second).
    pub fn slow_by_second(&self) -> Vec<u64> {
        let Some(first) = self.first else {
            return Vec::new();
        };
        let mut by_second = Vec::new();
        for t in &self.slow {
            let i = t.saturating_duration_since(first).as_secs() as usize;
            if by_second.len() <= i {
                by_second.resize(i + 1, 0);
            }
            by_second[i] += 1;
        }
        by_second
    }

    fn keep(&mut self, name: &'static str, started: Instant) -> &mut Samples {
        let micros = started.elapsed().as_micros() as u64;
        self.note(started);
        if micros > SLOW_MICROS {
            self.slow.push(started);
        }
        let s = self.by_name.entry(name).or_default();
        s.micros.push(micros);
        s
    }

    /// All request names together.
    pub fn all(&self) -> Samples {
        let mut all = Samples::default();
        for s in self.by_name.values() {
            all.merge(s);
        }
        all
    }

    pub fn get(&self, name: &str) -> Samples {
        self.by_name.get(name).cloned().unwrap_or_default()
    }
}

static RECORDER: LazyLock<Mutex<Recorder>> = LazyLock::new(Default::default);

/// How long the current run lasts from its first request, when that was,
/// and a file to create then (`--started-file`). Once its time is up,
/// goose winds its clients down (thousands in the rush), and what they
/// still send meanwhile waits for the load generator, not the server: it
/// is not sent.
#[derive(Default)]
struct Run {
    length: Option<Duration>,
    started: Option<Instant>,
    tell: Option<std::path::PathBuf>,
}

static RUN: Mutex<Run> = Mutex::new(Run {
    length: None,
    started: None,
    tell: None,
});

/// The next run lasts `length` from its first request, which creates the
/// file `tell` (for the harness's script, which releases the Tagestickets a
/// few seconds into the rush).
pub fn set_run_length(length: Duration, tell: Option<std::path::PathBuf>) {
    *RUN.lock() = Run {
        length: Some(length),
        started: None,
        tell,
    };
}

/// Whether the run's time is up (no request is sent any more); the first
/// call of a run starts its time.
pub fn past_deadline() -> bool {
    let mut run = RUN.lock();
    let now = Instant::now();
    let started = match run.started {
        Some(t) => t,
        None => {
            run.started = Some(now);
            if let Some(path) = run.tell.take()
                && let Err(e) = std::fs::write(&path, b"started\n")
            {
                eprintln!("cannot write {}: {e}", path.display());
            }
            now
        }
    };
    run.length.is_some_and(|length| now >= started + length)
}

pub fn answered(name: &'static str, started: Instant, status: u16) {
    let mut r = RECORDER.lock();
    *r.keep(name, started).statuses.entry(status).or_default() += 1;
}

pub fn failed(name: &'static str, started: Instant) {
    RECORDER.lock().keep(name, started).failed += 1;
}

pub fn confirmed(id: String) {
    RECORDER.lock().confirmed.push(id);
}

pub fn cancelled(id: String) {
    RECORDER.lock().cancelled.push(id);
}

/// Everything recorded since the last call; each goose run starts empty.
pub fn take() -> Recorder {
    std::mem::take(&mut *RECORDER.lock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&v, 0.0), 1);
        assert_eq!(percentile(&[], 99.0), 0);
        assert_eq!(percentile(&[7], 99.0), 7);
    }

    #[test]
    fn server_errors_count_5xx_and_no_answer() {
        let mut s = Samples::default();
        s.statuses.insert(200, 5);
        s.statuses.insert(409, 3);
        s.statuses.insert(503, 2);
        s.failed = 1;
        assert_eq!(s.server_errors(), 3);
    }
}
