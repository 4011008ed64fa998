//! What can be wrong with a setting, each with the message that stops the
//! start.

use super::MIN_JWT_SECRET_BYTES;
use crate::http::client::InvalidProxy;
use crate::http::cors::InvalidOrigin;
use crate::http::limits::InvalidRateLimit;
use crate::usecases::mail::InvalidPublicUrl;
use crate::usecases::mail::smtp::InvalidSmtpUrl;

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
