//! Configuration from the environment, as docs/API.md fixes it: each
//! value parsed once, at start, into the type its users take (the SMTP
//! transport, the sender's mailbox, the public URL, a checked signing
//! secret); secrets are kept in [`SecretString`] or a type that does not
//! print them, so `{settings:?}` shows none.

use crate::http::client::{InvalidProxy, TrustedProxies};
use crate::http::cors::{CorsOrigins, InvalidOrigin};
use crate::http::limits::{InvalidRateLimit, RateLimit};
use crate::usecases::mail::smtp::{InvalidSmtpUrl, Smtp};
use crate::usecases::mail::{InvalidPublicUrl, PublicUrl};
use domain::Username;
use lettre::message::Mailbox;
use secrecy::{ExposeSecret, SecretString};
use std::num::NonZeroU32;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("TERMIN_NOW must be an RFC 3339 instant like 2026-12-03T07:00:00+01:00: {0}")]
    Now(String),
    #[error(
        "TERMIN_BOOTSTRAP_ADMIN must be username:password, the username of 2 to 64 characters of a–z, 0–9, `.`, `_`, `-`"
    )]
    BootstrapAdmin,
    #[error("{0} must be a positive number")]
    Number(&'static str),
    #[error("{0} must be a number from {1} to {2}")]
    Range(&'static str, u64, u64),
    #[error("TERMIN_TRUSTED_PROXIES: {0}")]
    Proxies(#[from] InvalidProxy),
    #[error("{0}: {1}")]
    RateLimit(&'static str, InvalidRateLimit),
    #[error("TERMIN_CORS_ORIGINS: {0}")]
    CorsOrigins(#[from] InvalidOrigin),
    #[error(
        "TERMIN_MAIL_FROM must be an address like `Bürgerbüro Kaarst <buergerbuero@kaarst.de>` or buergerbuero@kaarst.de"
    )]
    MailFrom,
    #[error(transparent)]
    PublicUrl(#[from] InvalidPublicUrl),
    #[error(transparent)]
    SmtpUrl(#[from] InvalidSmtpUrl),
    #[error(
        "TERMIN_JWT_SECRET has {0} bytes but needs at least {MIN_JWT_SECRET_BYTES} (RFC 7518 §3.2: \
         an HS256 key as long as the hash); generate one with `openssl rand -hex 32`"
    )]
    JwtSecretTooShort(usize),
}

/// RFC 7518 §3.2: an HS256 key must have at least 256 bits.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// `TERMIN_JWT_SECRET`: signs staff tokens and proof-of-work challenges,
/// and seals the tokens kept for unsent messages. Only made by
/// [`JwtSecret::new`], so it has at least [`MIN_JWT_SECRET_BYTES`]; never
/// printed.
#[derive(Debug, Clone)]
pub struct JwtSecret(SecretString);

impl JwtSecret {
    /// Refuses a signing secret shorter than [`MIN_JWT_SECRET_BYTES`].
    pub fn new(secret: impl Into<String>) -> Result<Self, SettingsError> {
        let secret = SecretString::from(secret.into());
        let len = secret.expose_secret().len();
        if len < MIN_JWT_SECRET_BYTES {
            return Err(SettingsError::JwtSecretTooShort(len));
        }
        Ok(Self(secret))
    }

    /// The key's bytes, for the signers and the sealer.
    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}

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
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_follow_api_md() {
        let s = from(&[]).unwrap();
        assert_eq!(s.database_url.expose_secret(), "sqlite://termin.db");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert!(s.now.is_none() && s.jwt_secret.is_none() && s.bootstrap_admin.is_none());
    }

    #[test]
    fn reads_every_variable() {
        let s = from(&[
            ("DATABASE_URL", "postgres://db/termin"),
            ("TERMIN_BIND", "0.0.0.0:9000"),
            ("TERMIN_NOW", "2026-12-03T07:00:00+01:00"),
            ("TERMIN_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("TERMIN_BOOTSTRAP_ADMIN", "admin:pass:with:colons"),
        ])
        .unwrap();
        assert_eq!(s.database_url.expose_secret(), "postgres://db/termin");
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(
            s.now.unwrap(),
            time::macros::datetime!(2026-12-03 07:00 +01:00)
        );
        assert_eq!(
            s.jwt_secret.as_ref().map(JwtSecret::expose),
            Some(&b"0123456789abcdef0123456789abcdef"[..])
        );
        let (user, password) = s.bootstrap_admin.unwrap();
        assert_eq!(
            (user.as_str(), password.expose_secret()),
            ("admin", "pass:with:colons")
        );
    }

    #[test]
    fn r25_limits_and_proxies_from_the_environment() {
        let s = from(&[]).unwrap();
        assert_eq!(
            (s.rate_limit_reads, s.rate_limit_writes),
            (Some(DEFAULT_READS), Some(DEFAULT_WRITES))
        );
        let s = from(&[
            ("TERMIN_RATE_LIMIT_READS", "off"),
            ("TERMIN_RATE_LIMIT_WRITES", "5/60"),
            ("TERMIN_TRUSTED_PROXIES", "10.0.0.0/8"),
        ])
        .unwrap();
        assert_eq!(s.rate_limit_reads, None);
        assert_eq!(
            s.rate_limit_writes
                .map(|l| (l.count.get(), l.seconds.get())),
            Some((5, 60))
        );
        assert!(s.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(matches!(
            from(&[("TERMIN_RATE_LIMIT_WRITES", "10 per minute")]),
            Err(SettingsError::RateLimit("TERMIN_RATE_LIMIT_WRITES", _))
        ));
        assert!(matches!(
            from(&[("TERMIN_TRUSTED_PROXIES", "the load balancer")]),
            Err(SettingsError::Proxies(_))
        ));
    }

    #[test]
    fn cors_origins_from_the_environment_none_by_default() {
        assert!(from(&[]).unwrap().cors_origins.is_empty());
        let s = from(&[(
            "TERMIN_CORS_ORIGINS",
            "https://termine.kaarst.de, http://localhost:5173",
        )])
        .unwrap();
        assert_eq!(
            s.cors_origins.as_slice(),
            ["https://termine.kaarst.de", "http://localhost:5173"]
        );
        for bad in [
            "https://termine.kaarst.de/termine",
            "termine.kaarst.de",
            "*",
        ] {
            let err = from(&[("TERMIN_CORS_ORIGINS", bad)]).unwrap_err();
            assert!(matches!(err, SettingsError::CorsOrigins(_)), "{bad}");
            let message = err.to_string();
            assert!(
                message.starts_with("TERMIN_CORS_ORIGINS: `") && message.contains("scheme://host"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_jwt_secret_shorter_than_32_bytes_stops_the_start() {
        for (short, len) in [("a", 1), ("s3cret", 6), (&"x".repeat(31)[..], 31)] {
            let err = from(&[("TERMIN_JWT_SECRET", short)]).unwrap_err();
            assert!(matches!(err, SettingsError::JwtSecretTooShort(n) if n == len));
            let message = err.to_string();
            assert!(message.contains("RFC 7518") && message.contains("openssl rand -hex 32"));
        }
        // Made in code, the same check.
        assert!(matches!(
            JwtSecret::new("a"),
            Err(SettingsError::JwtSecretTooShort(1))
        ));
        // 32 bytes, counted as bytes: 16 two-byte characters are enough.
        assert!(from(&[("TERMIN_JWT_SECRET", &"x".repeat(32))]).is_ok());
        assert!(from(&[("TERMIN_JWT_SECRET", &"ä".repeat(16))]).is_ok());
        // Unset or empty: a random key per start, as before.
        assert!(
            from(&[("TERMIN_JWT_SECRET", " ")])
                .unwrap()
                .jwt_secret
                .is_none()
        );
    }

    #[test]
    fn r23_mail_settings_are_checked_at_start() {
        let s = from(&[]).unwrap();
        assert!(s.smtp.is_none());
        assert_eq!(s.mail_from.email.to_string(), "terminvergabe@localhost");
        assert_eq!(s.mail_from.name.as_deref(), Some("Terminvergabe"));
        assert_eq!(s.public_url.host(), "127.0.0.1");
        assert_eq!(s.public_url.to_string(), DEFAULT_PUBLIC_URL);
        let s = from(&[
            ("TERMIN_SMTP_URL", "smtp://127.0.0.1:2525"),
            (
                "TERMIN_MAIL_FROM",
                "Bürgerbüro Kaarst <buergerbuero@kaarst.de>",
            ),
            ("TERMIN_PUBLIC_URL", "https://termine.kaarst.de/"),
        ])
        .unwrap();
        assert!(s.smtp.is_some());
        assert_eq!(s.mail_from.name.as_deref(), Some("Bürgerbüro Kaarst"));
        assert_eq!(s.mail_from.email.to_string(), "buergerbuero@kaarst.de");
        let url = s.public_url;
        assert_eq!(url.host(), "termine.kaarst.de");
        let id = uuid::Uuid::nil();
        assert_eq!(
            url.manage_link(id, "t0k"),
            format!("https://termine.kaarst.de/termine/{id}#token=t0k")
        );
        for bad in ["buergerbuero", "a@b@c", "<>"] {
            assert!(
                matches!(
                    from(&[("TERMIN_MAIL_FROM", bad)]),
                    Err(SettingsError::MailFrom)
                ),
                "{bad}"
            );
        }
        for bad in [
            "termine.kaarst.de",
            "ftp://x",
            "https://",
            "https://x?y=1",
            "https://x#f",
            "https://x:port",
        ] {
            assert!(
                matches!(
                    from(&[("TERMIN_PUBLIC_URL", bad)]),
                    Err(SettingsError::PublicUrl(_))
                ),
                "{bad}"
            );
        }
        // A password in a refused URL is not repeated in the message.
        let err = from(&[("TERMIN_SMTP_URL", "imap://user:geheim@host")]).unwrap_err();
        assert!(matches!(err, SettingsError::SmtpUrl(_)));
        assert!(!err.to_string().contains("geheim"), "{err}");
    }

    #[test]
    fn rejects_bad_values() {
        assert!(matches!(
            from(&[("TERMIN_NOW", "tomorrow")]),
            Err(SettingsError::Now(_))
        ));
        for bad in ["admin", "a:secret", "Anna Beate:secret", "anna:"] {
            assert!(
                matches!(
                    from(&[("TERMIN_BOOTSTRAP_ADMIN", bad)]),
                    Err(SettingsError::BootstrapAdmin)
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_settings_print_no_secret() {
        let s = from(&[
            (
                "DATABASE_URL",
                "postgres://termin:db-geheim-7@db.internal:5432/termin",
            ),
            ("TERMIN_JWT_SECRET", "jwt-geheim-0123456789abcdef0123456789"),
            ("TERMIN_BOOTSTRAP_ADMIN", "chefin:admin-geheim-7"),
            (
                "TERMIN_SMTP_URL",
                "smtps://mailer:smtp-geheim-7@mail.kaarst.de:465",
            ),
            ("TERMIN_METRICS_TOKEN", "metrics-geheim-7"),
            ("TERMIN_MAIL_FROM", "Bürgerbüro <buergerbuero@kaarst.de>"),
            ("TERMIN_PUBLIC_URL", "https://termine.kaarst.de"),
        ])
        .unwrap();
        // Each secret is there for its users …
        assert!(s.database_url.expose_secret().contains("db-geheim-7"));
        assert!(s.jwt_secret.is_some() && s.smtp.is_some());
        assert!(
            s.metrics_token
                .as_ref()
                .is_some_and(|t| t.expose_secret() == "metrics-geheim-7")
        );
        // … and printed by neither form of Debug, nor in part.
        for printed in [format!("{s:?}"), format!("{s:#?}")] {
            for secret in [
                "db-geheim",
                "jwt-geheim",
                "admin-geheim",
                "smtp-geheim",
                "mailer",
                "metrics-geheim",
                "geheim",
            ] {
                assert!(!printed.contains(secret), "`{secret}` in {printed}");
            }
            // What is not secret still helps whoever reads it.
            assert!(printed.contains("buergerbuero@kaarst.de"), "{printed}");
            assert!(printed.contains("termine.kaarst.de"), "{printed}");
            assert!(printed.contains("chefin"), "{printed}");
        }
    }
}
