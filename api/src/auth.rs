//! Staff authentication: roles, JWTs checked against the injected clock,
//! argon2 password hashes, and a throttle on login attempts.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use domain::Channel;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;
use std::sync::OnceLock;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, BodyLimits, Problem};
use actix_web::{post, web};

/// What a staff user may do (R11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including administration.
    Admin,
    /// The Infotheke: books as channel `desk`.
    Desk,
    /// The telephone service: books as channel `phone`.
    Phone,
    /// Handles appointments at the counter: sees and cancels, does not book.
    Clerk,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "desk" => Some(Role::Desk),
            "phone" => Some(Role::Phone),
            "clerk" => Some(Role::Clerk),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Desk => "desk",
            Role::Phone => "phone",
            Role::Clerk => "clerk",
        }
    }

    /// The channel a booking by this role is recorded under (R10); an admin
    /// books as the desk does.
    pub fn booking_channel(self) -> Option<Channel> {
        match self {
            Role::Desk | Role::Admin => Some(Channel::Desk),
            Role::Phone => Some(Channel::Phone),
            Role::Clerk => None,
        }
    }
}

/// The claims of a staff token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed, forged or signed with another key or algorithm")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    #[error("the token could not be signed")]
    Signing,
}

/// Issues and verifies HS256 tokens. Expiry is checked against the injected
/// clock, not the system time, so frozen-clock demos and tests behave.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl Tokens {
    pub fn new(secret: &[u8], lifetime: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    pub fn issue(
        &self,
        username: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<String, TokenError> {
        let claims = Claims {
            sub: username.to_owned(),
            role,
            iat: now.unix_timestamp(),
            exp: (now + self.lifetime).unix_timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Signing)
    }

    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.exp <= now.unix_timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs 10 to 200 characters")]
    Weak,
    #[error("the password could not be hashed")]
    Hashing,
}

/// An argon2id hash (PHC string) of a password that meets the length rule.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let len = password.chars().count();
    if !(10..=200).contains(&len) {
        return Err(PasswordError::Weak);
    }
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hashing)
}

/// Checks a password against a stored hash. Without a hash (unknown or
/// disabled user) the same work is done against a fixed hash, so the answer
/// time does not tell whether the user exists.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy =
        DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default());
    let hash = stored.unwrap_or(dummy);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}

/// Slows down repeated login attempts per username: a burst of 5, then one
/// attempt every 12 seconds. Kept in memory per process (governor's GCRA); the
/// durable defence is the argon2 cost of every guess.
pub struct LoginThrottle {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        let quota = Quota::per_minute(NonZeroU32::MIN.saturating_add(4))
            .allow_burst(NonZeroU32::MIN.saturating_add(4));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }
}

impl LoginThrottle {
    /// `Err(seconds to wait)` when this username has tried too often.
    pub fn attempt(&self, username: &str) -> Result<(), u64> {
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&username.to_lowercase())
            .map_err(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1)
            })
    }
}

/// The roles a route admits.
pub trait Policy {
    const ROLES: &'static [Role];
}

/// Every staff role.
#[derive(Debug)]
pub struct AnyStaff;
impl Policy for AnyStaff {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Desk, Role::Phone, Role::Clerk];
}

/// Those who book on a citizen's behalf: Infotheke, telephone, admins.
#[derive(Debug)]
pub struct Bookers;
impl Policy for Bookers {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Desk, Role::Phone];
}

/// Administration.
#[derive(Debug)]
pub struct Admins;
impl Policy for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// A staff user proven by a bearer token, whose role `P` admits. As an
/// extractor it answers 401 without or with a bad token (or when the account
/// was disabled or its role changed since), and 403 for a role `P` refuses.
#[derive(Debug)]
pub struct Authorized<P> {
    pub username: String,
    pub role: Role,
    policy: std::marker::PhantomData<P>,
}

impl<P: Policy + 'static> actix_web::FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let token = match header {
                // The scheme is case-insensitive (RFC 9110, 11.1).
                Some(Ok(value)) => value
                    .split_once(' ')
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, t)| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        ApiError::unauthorized(
                            "invalid_token",
                            "send `Authorization: Bearer TOKEN`",
                        )
                    })?,
                Some(Err(_)) => {
                    return Err(ApiError::unauthorized(
                        "invalid_token",
                        "send `Authorization: Bearer TOKEN`",
                    ));
                }
                None => {
                    return Err(ApiError::unauthorized(
                        "missing_token",
                        "this route is for staff: log in at /api/v1/auth/token and send `Authorization: Bearer TOKEN`",
                    ));
                }
            };
            let claims = state
                .tokens
                .verify(&token, state.clock.now())
                .map_err(|e| match e {
                    TokenError::Expired => ApiError::unauthorized(
                        "token_expired",
                        "the token has expired; log in again",
                    ),
                    _ => ApiError::unauthorized("invalid_token", e.to_string()),
                })?;
            // The role is checked on the token first, before any await, so a
            // refused role is answered before the body is even looked at.
            if !P::ROLES.contains(&claims.role) {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::FORBIDDEN,
                    "forbidden_role",
                    format!("the role `{}` may not do this", claims.role.as_str()),
                ));
            }
            let store = state.store.clone();
            let name = claims.sub.clone();
            let user = web::block(move || store.user(&name)).await??;
            let current = user
                .filter(|u| u.active)
                .and_then(|u| Role::parse(&u.role))
                .filter(|role| *role == claims.role)
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        "invalid_token",
                        "the account was disabled or its role changed; log in again",
                    )
                })?;
            Ok(Authorized {
                username: claims.sub,
                role: current,
                policy: std::marker::PhantomData,
            })
        })
    }
}

/// Username and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "anna", "password": "correct horse battery"}))]
pub struct LoginDto {
    pub username: String,
    pub password: String,
}

/// A staff token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 28800}))]
pub struct TokenDto {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// Logs a staff user in: a JWT for `Authorization: Bearer`.
#[utoipa::path(
    tag = "staff",
    request_body = LoginDto,
    responses(
        BodyLimits,
        (status = 200, description = "Logged in", body = TokenDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password, or a disabled account (`invalid_credentials`); which of them is not told", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts for this username (`too_many_attempts`); see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/token")]
pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginDto>,
) -> Result<web::Json<TokenDto>, ApiError> {
    let LoginDto { username, password } = body.into_inner();
    if let Err(wait) = state.throttle.attempt(&username) {
        tracing::warn!(%username, "login throttled");
        return Err(ApiError::too_many(
            "too_many_attempts",
            format!("too many login attempts; try again in {wait} s"),
            u32::try_from(wait).unwrap_or(u32::MAX),
        ));
    }
    let store = state.store.clone();
    let name = username.clone();
    let user = web::block(move || -> Result<_, ApiError> {
        let user = store.user(&name)?.filter(|u| u.active);
        let ok = verify_password(&password, user.as_ref().map(|u| u.password_hash.as_str()));
        Ok(user.filter(|_| ok))
    })
    .await??;
    let Some(user) = user else {
        tracing::info!(%username, "login refused");
        return Err(ApiError::unauthorized(
            "invalid_credentials",
            "wrong username or password",
        ));
    };
    let role = Role::parse(&user.role)
        .ok_or_else(|| ApiError::internal(&format!("stored role `{}`", user.role)))?;
    let access_token = state
        .tokens
        .issue(&user.username, role, state.clock.now())
        .map_err(|e| ApiError::internal(&e))?;
    Ok(web::Json(TokenDto {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.lifetime().whole_seconds(),
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 08:00 +01:00);

    #[test]
    fn r11_tokens_round_trip_and_expire_on_the_injected_clock() {
        let tokens = Tokens::new(b"a secret of enough length", Duration::hours(8));
        let jwt = tokens.issue("anna", Role::Desk, NOW).unwrap();
        let claims = tokens.verify(&jwt, NOW + Duration::hours(7)).unwrap();
        assert_eq!((claims.sub.as_str(), claims.role), ("anna", Role::Desk));
        assert_eq!(
            tokens.verify(&jwt, NOW + Duration::hours(8)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn r11_forged_other_key_and_alg_none_tokens_are_refused() {
        let tokens = Tokens::new(b"a secret of enough length", Duration::hours(8));
        let other = Tokens::new(b"another secret entirely", Duration::hours(8));
        let jwt = other.issue("anna", Role::Admin, NOW).unwrap();
        assert_eq!(tokens.verify(&jwt, NOW), Err(TokenError::Invalid));
        // alg "none": header {"alg":"none","typ":"JWT"}, no signature.
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbm5hIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzk2MjgwMDAwLCJleHAiOjE5OTYyODAwMDB9.";
        assert_eq!(tokens.verify(none, NOW), Err(TokenError::Invalid));
        // A valid token with its payload swapped for an admin role.
        let good = tokens.issue("anna", Role::Clerk, NOW).unwrap();
        let parts: Vec<_> = good.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            none.split('.').nth(1).unwrap(),
            parts[2]
        );
        assert_eq!(tokens.verify(&forged, NOW), Err(TokenError::Invalid));
        assert_eq!(tokens.verify("garbage", NOW), Err(TokenError::Invalid));
    }

    #[test]
    fn passwords_are_hashed_with_argon2_and_verified() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
        assert_eq!(hash_password("short"), Err(PasswordError::Weak));
    }

    #[test]
    fn repeated_logins_are_throttled_per_username() {
        let throttle = LoginThrottle::default();
        for _ in 0..5 {
            assert!(throttle.attempt("anna").is_ok());
        }
        assert!(throttle.attempt("Anna").is_err());
        assert!(throttle.attempt("bert").is_ok());
    }
}
