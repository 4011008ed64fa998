//! Configuration from the environment, as docs/API.md fixes it: each
//! value parsed once, at start, into the type its users take (the SMTP
//! transport, the sender's mailbox, the public URL, a checked signing
//! secret); secrets are kept in [`SecretString`] or a type that does not
//! print them, so `{settings:?}` shows none.

use crate::http::client::TrustedProxies;
use crate::http::cors::CorsOrigins;
use crate::http::limits::RateLimit;
use crate::usecases::mail::PublicUrl;
use crate::usecases::mail::smtp::Smtp;
use domain::Username;
use lettre::message::Mailbox;
use secrecy::SecretString;
use std::num::NonZeroU32;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

mod error;
mod secret;

pub use error::SettingsError;
pub use secret::{JwtSecret, MIN_JWT_SECRET_BYTES};

#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://…`; may hold a password, so kept
    /// secret as a whole.
    pub database_url: SecretString,
    /// Where to listen, `HOST:PORT`; port 0 picks a free one.
    pub bind: String,
    /// A frozen "now"; `None` uses the real clock.
    pub now: Option<OffsetDateTime>,
    /// Signs staff tokens (at least 32 bytes); `None` makes a random one per
    /// start.
    pub jwt_secret: Option<JwtSecret>,
    /// `username:password` of an admin to create if no staff user exists.
    pub bootstrap_admin: Option<(Username, SecretString)>,
    /// HTTP worker threads; `None` = one per CPU.
    pub workers: Option<usize>,
    /// Database connections.
    pub pool_size: u32,
    /// Whose `X-Forwarded-For` is believed (R25).
    pub trusted_proxies: TrustedProxies,
    /// Citizen reads per client address; `None` = off (R25).
    pub rate_limit_reads: Option<RateLimit>,
    /// Citizen writes (bookings, cancellations, …) per client address.
    pub rate_limit_writes: Option<RateLimit>,
    /// The difficulty of the proof-of-work challenge (R26).
    pub challenge_maxnumber: u64,
    /// R23: the mail server (`TERMIN_SMTP_URL`); `None` keeps messages in
    /// the outbox, logged as not sent. Its URL may hold a password: [`Smtp`]
    /// never prints it.
    pub smtp: Option<Smtp>,
    /// R23: the sender of messages (`TERMIN_MAIL_FROM`).
    pub mail_from: Mailbox,
    /// R23: the base of the manage link in messages, and the host of the
    /// calendar entries' UIDs (`TERMIN_PUBLIC_URL`).
    pub public_url: PublicUrl,
    /// How often the sender looks at the outbox (real time).
    pub mail_poll: std::time::Duration,
    /// R28: how often a display's poller reads the calls (real time).
    pub display_poll: std::time::Duration,
    /// R28: the comment lines that keep a display's stream open.
    pub display_heartbeat: std::time::Duration,
    /// R28: display streams open at once in all (`TERMIN_DISPLAY_STREAMS`);
    /// each holds a file descriptor.
    pub display_streams: u32,
    /// `GET /metrics` needs `Authorization: Bearer` this when set
    /// (`TERMIN_METRICS_TOKEN`); open otherwise.
    pub metrics_token: Option<SecretString>,
    /// How long a scrape's database figures are served again (real time).
    pub metrics_keep: std::time::Duration,
    /// R31: days after the appointment until its personal data are erased
    /// (`TERMIN_RETENTION_DAYS`, Kaarst 30).
    pub retention_days: u32,
    /// R31: how often the erasure runs (real time; what it erases follows
    /// the injected clock).
    pub retention_poll: std::time::Duration,
    /// Origins browser frontends may call from (CORS); none = no CORS.
    pub cors_origins: CorsOrigins,
}

/// R23: the sender unless `TERMIN_MAIL_FROM` says otherwise. `localhost` is
/// no one's domain: a production server must set its own.
pub const DEFAULT_MAIL_FROM: &str = "Terminvergabe <terminvergabe@localhost>";
/// R31: Kaarst keeps personal data 30 days after the appointment.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// R23: the manage link's base unless `TERMIN_PUBLIC_URL` says otherwise.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// R25 defaults: 120 reads a minute, 10 writes in 10 minutes per address.
pub const DEFAULT_READS: RateLimit = RateLimit {
    count: NonZeroU32::new(120).unwrap(),
    seconds: NonZeroU32::new(60).unwrap(),
};
pub const DEFAULT_WRITES: RateLimit = RateLimit {
    count: NonZeroU32::new(10).unwrap(),
    seconds: NonZeroU32::new(600).unwrap(),
};

impl Settings {
    /// Defaults for a local start: `sqlite://termin.db` on 127.0.0.1:8080.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: SecretString::from(database_url.into()),
            bind: "127.0.0.1:8080".into(),
            now: None,
            jwt_secret: None,
            bootstrap_admin: None,
            workers: None,
            pool_size: 16,
            trusted_proxies: TrustedProxies::default(),
            rate_limit_reads: Some(DEFAULT_READS),
            rate_limit_writes: Some(DEFAULT_WRITES),
            challenge_maxnumber: crate::challenge::DEFAULT_MAXNUMBER,
            smtp: None,
            mail_from: default_mail_from(),
            public_url: default_public_url(),
            mail_poll: std::time::Duration::from_secs(2),
            display_poll: std::time::Duration::from_secs(1),
            display_heartbeat: std::time::Duration::from_secs(15),
            display_streams: crate::usecases::display::DEFAULT_STREAMS,
            metrics_token: None,
            metrics_keep: crate::metrics::DATABASE_FIGURES_FOR,
            retention_days: DEFAULT_RETENTION_DAYS,
            retention_poll: std::time::Duration::from_secs(15 * 60),
            cors_origins: CorsOrigins::default(),
        }
    }

    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `var` (the environment, or a map in tests).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let non_empty = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let mut settings =
            Self::new(non_empty("DATABASE_URL").unwrap_or_else(|| "sqlite://termin.db".into()));
        if let Some(bind) = non_empty("TERMIN_BIND") {
            settings.bind = bind;
        }
        if let Some(now) = non_empty("TERMIN_NOW") {
            let at = OffsetDateTime::parse(now.trim(), &Rfc3339)
                .map_err(|e| SettingsError::Now(e.to_string()))?;
            if !(1970..=9000).contains(&at.year()) {
                return Err(SettingsError::Now(
                    "the year must lie between 1970 and 9000".into(),
                ));
            }
            settings.now = Some(at);
        }
        if let Some(secret) = non_empty("TERMIN_JWT_SECRET") {
            settings.jwt_secret = Some(JwtSecret::new(secret)?);
        }
        if let Some(admin) = non_empty("TERMIN_BOOTSTRAP_ADMIN") {
            let (user, password) = admin
                .split_once(':')
                .filter(|(_, p)| !p.is_empty())
                .and_then(|(u, p)| Some((Username::parse(u).ok()?, SecretString::from(p))))
                .ok_or(SettingsError::BootstrapAdmin)?;
            settings.bootstrap_admin = Some((user, password));
        }
        if let Some(w) = non_empty("TERMIN_WORKERS") {
            settings.workers = Some(
                w.parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(SettingsError::Number("TERMIN_WORKERS"))?,
            );
        }
        if let Some(d) = non_empty("TERMIN_RETENTION_DAYS") {
            settings.retention_days = d
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=3650).contains(n))
                .ok_or(SettingsError::Range("TERMIN_RETENTION_DAYS", 1, 3650))?;
        }
        if let Some(p) = non_empty("TERMIN_DB_POOL") {
            settings.pool_size = p
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(SettingsError::Number("TERMIN_DB_POOL"))?;
        }
        if let Some(n) = non_empty("TERMIN_CHALLENGE_MAXNUMBER") {
            settings.challenge_maxnumber = n
                .trim()
                .parse()
                .ok()
                .filter(|n| (1_000..=10_000_000).contains(n))
                .ok_or(SettingsError::Range(
                    "TERMIN_CHALLENGE_MAXNUMBER",
                    1_000,
                    10_000_000,
                ))?;
        }
        if let Some(n) = non_empty("TERMIN_DISPLAY_STREAMS") {
            settings.display_streams = n
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or(SettingsError::Range("TERMIN_DISPLAY_STREAMS", 1, 1_000_000))?;
        }
        if let Some(token) = non_empty("TERMIN_METRICS_TOKEN") {
            settings.metrics_token = Some(SecretString::from(token.trim()));
        }
        if let Some(p) = non_empty("TERMIN_TRUSTED_PROXIES") {
            settings.trusted_proxies = TrustedProxies::parse(&p)?;
        }
        if let Some(o) = non_empty("TERMIN_CORS_ORIGINS") {
            settings.cors_origins = CorsOrigins::parse(&o)?;
        }
        for (name, slot) in [
            ("TERMIN_RATE_LIMIT_READS", &mut settings.rate_limit_reads),
            ("TERMIN_RATE_LIMIT_WRITES", &mut settings.rate_limit_writes),
        ] {
            if let Some(v) = non_empty(name) {
                *slot = RateLimit::parse(&v).map_err(|e| SettingsError::RateLimit(name, e))?;
            }
        }
        if let Some(url) = non_empty("TERMIN_SMTP_URL") {
            settings.smtp = Some(Smtp::new(url.trim())?);
        }
        if let Some(from) = non_empty("TERMIN_MAIL_FROM") {
            settings.mail_from = from.trim().parse().map_err(|_| SettingsError::MailFrom)?;
        }
        if let Some(url) = non_empty("TERMIN_PUBLIC_URL") {
            settings.public_url = PublicUrl::parse(url.trim())?;
        }
        Ok(settings)
    }
}

/// [`DEFAULT_MAIL_FROM`], parsed (the unit tests parse it).
fn default_mail_from() -> Mailbox {
    DEFAULT_MAIL_FROM
        .parse()
        .unwrap_or_else(|_| unreachable!("DEFAULT_MAIL_FROM is an address"))
}

/// [`DEFAULT_PUBLIC_URL`], parsed (the unit tests parse it).
fn default_public_url() -> PublicUrl {
    PublicUrl::parse(DEFAULT_PUBLIC_URL)
        .unwrap_or_else(|_| unreachable!("DEFAULT_PUBLIC_URL is a public URL"))
}

#[cfg(test)]
mod tests;
