//! `GET /metrics`: the Prometheus registry (OpenMetrics text).
//!
//! Two kinds of figures: counters and latency of this process (requests by
//! route template and status, bookings and refusals), which Prometheus adds
//! up over the processes; and gauges read at scrape time from the database
//! or the pool (messages waiting, Tagestickets left today, connections), so
//! every process reports the same numbers for shared state.

use domain::{BookingKind, Channel, MessageStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/api/v1/bookings/{id}`), never the path
    /// itself: bounded, and no ids or tokens in the metrics.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BookingLabels {
    channel: &'static str,
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusalLabels {
    channel: &'static str,
    kind: &'static str,
    /// The problem's code (`slot_taken`, `day_tickets_exhausted`, …).
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OfficeLabel {
    office: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    state: &'static str,
}

/// What a scrape reads from shared state.
#[derive(Debug, Default)]
pub struct Shared {
    /// R23: messages by status.
    pub outbox: Vec<(MessageStatus, u64)>,
    /// R12–R15: Tagestickets left today per office with a contingent.
    pub day_tickets_left: Vec<(String, u32)>,
    /// The database pool: connections open, of which idle.
    pub pool: (u32, u32),
}

/// What a scrape reads from the database: messages by status, Tagestickets
/// left per office.
pub type DatabaseFigures = (Vec<(MessageStatus, u64)>, Vec<(String, u32)>);

/// How long the database figures of a scrape are served again (real time).
pub const DATABASE_FIGURES_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// The registry and the metrics it holds.
#[derive(Debug)]
pub struct Metrics {
    /// `TERMIN_METRICS_TOKEN`: when set, a scrape needs it as bearer token
    /// (never printed).
    token: Option<secrecy::SecretString>,
    /// The last scrape's database figures, when they were read and after
    /// how many writes of this process.
    pub database: tokio::sync::Mutex<Option<(std::time::Instant, u64, DatabaseFigures)>>,
    /// How long the database figures are served again.
    pub keep: std::time::Duration,
    /// Requests answered that may change what the database figures say.
    writes: std::sync::atomic::AtomicU64,
    registry: Registry,
    outbox: Family<StatusLabel, Gauge>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    bookings: Family<BookingLabels, Counter>,
    refusals: Family<RefusalLabels, Counter>,
    day_tickets_left: Family<OfficeLabel, Gauge>,
    pool: Family<PoolLabel, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn latency_histogram() -> Histogram {
    // 0.25 ms … about 4 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

impl Metrics {
    /// Metrics a scrape reads with `Authorization: Bearer token` when a
    /// token is given, else open.
    /// The database figures are served again for `keep` (real time).
    pub fn with_token(token: Option<secrecy::SecretString>, keep: std::time::Duration) -> Self {
        Self {
            token,
            keep,
            ..Self::new()
        }
    }

    /// Whether `req` may read the metrics: always without a token, else
    /// with it as bearer token (compared as hashes, so the time taken says
    /// nothing about the token).
    pub fn authorize(
        &self,
        req: &actix_web::HttpRequest,
    ) -> Result<(), crate::http::error::ApiError> {
        use crate::http::error::{ApiError, ErrorCode};
        use secrecy::ExposeSecret;
        use sha2::{Digest, Sha256};
        let Some(token) = &self.token else {
            return Ok(());
        };
        let given = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized(ErrorCode::MissingToken, "the metrics need a bearer token")
            })?;
        if Sha256::digest(given.trim().as_bytes())
            != Sha256::digest(token.expose_secret().as_bytes())
        {
            return Err(ApiError::unauthorized(
                ErrorCode::InvalidToken,
                "this is not the metrics token",
            ));
        }
        Ok(())
    }

    /// Writes this process has answered (see [`Metrics::database`]).
    pub fn writes(&self) -> u64 {
        self.writes.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("terminvergabe");
        let outbox = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Messages in the outbox by status (R23): pending waits or is retried, failed was given up",
            outbox.clone(),
        );
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered by this process, by method, route template and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from the request to its answer in this process, by method and route template",
            latency.clone(),
        );
        let bookings = Family::<BookingLabels, Counter>::default();
        registry.register(
            "bookings",
            "Bookings made through this process, by channel and kind (R10, R12)",
            bookings.clone(),
        );
        let refusals = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "booking_refusals",
            "Booking attempts refused by this process, by channel, kind and reason (the problem's code)",
            refusals.clone(),
        );
        let day_tickets_left = Family::<OfficeLabel, Gauge>::default();
        registry.register(
            "day_tickets_left",
            "Tagestickets left in today's contingent, per office with one (R12, R15)",
            day_tickets_left.clone(),
        );
        let pool = Family::<PoolLabel, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of this process: open, and idle among them",
            pool.clone(),
        );
        Self {
            token: None,
            database: tokio::sync::Mutex::new(None),
            writes: std::sync::atomic::AtomicU64::new(0),
            keep: DATABASE_FIGURES_FOR,
            registry,
            outbox,
            requests,
            latency,
            bookings,
            refusals,
            day_tickets_left,
            pool,
        }
    }

    /// One answered request (the access log calls this).
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if !["GET", "HEAD", "OPTIONS"].contains(&method) {
            self.writes
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// A booking made.
    pub fn booked(&self, channel: Channel, kind: BookingKind) {
        self.bookings
            .get_or_create(&BookingLabels {
                channel: channel.as_str(),
                kind: kind.as_str(),
            })
            .inc();
    }

    /// A booking attempt refused with `reason`; `kind` is `None` where it
    /// is not known (a hold confirmation that failed).
    pub fn refused(&self, channel: Channel, kind: Option<BookingKind>, reason: &'static str) {
        self.refusals
            .get_or_create(&RefusalLabels {
                channel: channel.as_str(),
                kind: kind.map_or("unknown", BookingKind::as_str),
                reason,
            })
            .inc();
    }

    /// The text of a scrape, with the shared figures given.
    pub fn render(&self, shared: &Shared) -> Result<String, std::fmt::Error> {
        for (status, n) in &shared.outbox {
            self.outbox
                .get_or_create(&StatusLabel {
                    status: status.as_str(),
                })
                .set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
        for (office, left) in &shared.day_tickets_left {
            self.day_tickets_left
                .get_or_create(&OfficeLabel {
                    office: office.clone(),
                })
                .set(i64::from(*left));
        }
        let (open, idle) = shared.pool;
        self.pool
            .get_or_create(&PoolLabel { state: "open" })
            .set(i64::from(open));
        self.pool
            .get_or_create(&PoolLabel { state: "idle" })
            .set(i64::from(idle));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}
