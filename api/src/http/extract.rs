//! What handlers take from a request, parsed once: the logged-in staff user,
//! ids in the path, repeated query keys, dates, bodies; the citizen's
//! secrets in headers are [`crate::http::secrets`]'s (re-exported here).
//! Each extractor answers a malformed value with its problem+json error.

pub use crate::http::secrets::*;

use crate::auth::Policy;
use crate::http::dto::DATE_FORMAT;
use crate::http::error::{ApiError, ErrorCode};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use domain::{BookingCode, OfficeId, Role, ServiceId, Username};
use std::future::{Ready, ready};
use std::marker::PhantomData;
use std::pin::Pin;
use time::Date;
use uuid::Uuid;

/// Parses `YYYY-MM-DD`, naming the parameter in the error.
pub fn parse_date(name: &str, value: &str) -> Result<Date, ApiError> {
    Date::parse(value.trim(), DATE_FORMAT)
        .ok()
        .filter(|d| (1900..=8999).contains(&d.year()))
        .ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!("`{name}` must be a date like 2026-12-03 (years 1900–8999), not `{value}`"),
            )
        })
}

/// Declares an extractor for one named path segment.
macro_rules! path_param {
    ($(#[$doc:meta])* $name:ident($ty:ty), $segment:literal, $parse:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub $ty);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Ready<Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let raw = req.match_info().get($segment).unwrap_or_default();
                let parse: fn(&str) -> Result<$ty, ApiError> = $parse;
                ready(parse(raw).map($name))
            }
        }
    };
}

path_param!(
    /// `{office}`: an id that cannot exist is as unknown as a missing one (404).
    OfficePath(OfficeId), "office",
    |raw| OfficeId::parse(raw).map_err(|_| ApiError::unknown_office(raw))
);
path_param!(
    /// `{service}` of an office.
    ServicePath(ServiceId), "service",
    |raw| ServiceId::parse(raw)
        .map_err(|_| ApiError::not_found(format!("there is no service `{raw}`")))
);
path_param!(
    /// `{id}` of a booking.
    BookingPath(Uuid), "id",
    |raw| Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("there is no booking `{raw}`")))
);
path_param!(
    /// `{id}` of a hold; one that is not an id was never a hold.
    HoldPath(Uuid), "id",
    |raw| Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("there is no hold `{raw}`")))
);
path_param!(
    /// `{id}` of a verification of an e-mail address (R33).
    VerificationPath(Uuid), "id",
    |raw| Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("there is no verification `{raw}`")))
);
path_param!(
    /// `{id}` of a request for the Tagesticket draw (R27).
    RequestPath(Uuid), "id",
    |raw| Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("there is no request `{raw}`")))
);
path_param!(
    /// `{code}` of a booking as the citizen quotes it (case, spaces, dashes ignored).
    CodePath(BookingCode), "code",
    |raw| BookingCode::parse(raw)
        .map_err(|_| ApiError::not_found("no booking has this code"))
);
path_param!(
    /// `{username}` of a staff account.
    UsernamePath(Username), "username",
    |raw| Username::parse(raw)
        .map_err(|_| ApiError::not_found(format!("there is no staff user `{raw}`")))
);
path_param!(
    /// `{date}`, `YYYY-MM-DD`.
    DatePath(Date), "date",
    |raw| parse_date("date", raw)
);

/// The client address of the request as R25 defines it (the peer, or the
/// right-most untrusted `X-Forwarded-For` address behind a trusted proxy),
/// per IPv4 address or IPv6 /64: who a hold is for (R19).
#[derive(Debug, Clone)]
pub struct ClientKey(pub String);

impl FromRequest for ClientKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = req
            .app_data::<web::Data<AppState>>()
            .map(|state| crate::address::address_key(state.proxies.of(req)).to_string())
            .ok_or_else(|| ApiError::internal(&"the application state is missing"));
        ready(key.map(ClientKey))
    }
}

/// The `Idempotency-Key` header (IETF httpapi draft): 1 to 255 visible
/// ASCII characters, e.g. a UUID; a malformed one is 400.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = req.headers().get("idempotency-key").map(|v| {
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
                // The draft's form is a quoted string: `"8e03978e-…"` and
                // `8e03978e-…` name the same key.
                .map(
                    |k| match k.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                        Some(inner) if !inner.is_empty() => inner.to_owned(),
                        _ => k.to_owned(),
                    },
                )
                .ok_or_else(|| {
                    ApiError::bad_request(
                        ErrorCode::InvalidIdempotencyKey,
                        "Idempotency-Key takes 1 to 255 visible ASCII characters, e.g. a UUID",
                    )
                })
        });
        ready(key.transpose().map(IdempotencyKey))
    }
}

/// A query string in which keys may repeat (`service=a&service=a`).
#[derive(Debug)]
pub struct MultiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest for MultiQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            serde_html_form::from_str(req.query_string())
                .map(MultiQuery)
                .map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.to_string())),
        )
    }
}

/// A staff user proven by a bearer token, whose role `P` admits (R11). As an
/// extractor it answers 401 without or with a bad token (or when the token's
/// generation is no longer the account's: a new password, a disable or
/// re-enable, or a role change since its login), and 403 for a role `P`
/// refuses.
#[derive(Debug)]
pub struct Authorized<P> {
    pub username: Username,
    pub role: Role,
    /// R29, R39: the offices the user acts on, the role and the
    /// municipality taken into account (operators: all).
    pub offices: domain::OfficeScope,
    /// R39: the municipality the user acts within; `None`: across all.
    pub municipality: Option<domain::MunicipalityId>,
    policy: PhantomData<P>,
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "send `Authorization: Bearer TOKEN`",
        )
    };
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            ErrorCode::MissingToken,
            "this route is for staff: log in at /api/v1/auth/token and send `Authorization: Bearer TOKEN`",
        ));
    };
    // The scheme is case-insensitive (RFC 9110, 11.1).
    value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(invalid)
}

impl<P: Policy + 'static> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let claims = state.tokens.verify(&token?, state.clock.now())?;
            // The role is checked on the token first, before any await, so a
            // refused role is answered before the body is even looked at.
            if !P::admits(claims.role) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::ForbiddenRole,
                    format!("the role `{}` may not do this", claims.role),
                ));
            }
            let stale = || {
                ApiError::unauthorized(
                    ErrorCode::InvalidToken,
                    "the token was ended by a change of the account (password, role, \
                     disabled or enabled); log in again",
                )
            };
            let username = Username::parse(&claims.sub).map_err(|_| stale())?;
            let name = username.clone();
            let account = state.call(move |store, _| store.account(&name)).await?;
            let (user, offices) = account
                .filter(|(u, _)| {
                    u.active && u.role == claims.role && u.token_generation == claims.generation
                })
                .ok_or_else(stale)?;
            Ok(Authorized {
                username,
                role: user.role,
                offices,
                municipality: user.municipality,
                policy: PhantomData,
            })
        })
    }
}

/// R39: a municipality in a path or query; one that cannot exist is
/// unknown (404), as one that does not.
pub fn municipality_in_path(raw: &str) -> Result<domain::MunicipalityId, ApiError> {
    domain::MunicipalityId::parse(raw).map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownMunicipality,
            "there is no such municipality",
        )
    })
}

/// Service ids from a query or body; an id that cannot exist is unknown (422).
pub fn service_ids(raw: &[String]) -> Result<Vec<ServiceId>, ApiError> {
    raw.iter()
        .map(|s| {
            ServiceId::parse(s).map_err(|_| {
                let detail = format!("the office offers no service `{s}`");
                ApiError::unprocessable(ErrorCode::UnknownService, detail)
            })
        })
        .collect()
}

/// A JSON request body: an object (a JSON array is never a body here, even
/// where serde could read a struct from one), whose whole numbers may be
/// written as `5` or `5.0` (JSON Schema counts both as an integer), then
/// read as `T`. Size, content type and syntax are checked by actix's
/// `JsonConfig` (413, 415, 400); the shape by `T` (400 `invalid_body`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for JsonBody<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// `5.0` → `5`, everywhere in `value`.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: |f| < 2^53, so the conversion loses nothing.
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *value = Value::from(whole);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let raw = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let mut value = raw.await?.into_inner();
            if !value.is_object() {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidBody,
                    "the body must be a JSON object",
                )
                .into());
            }
            whole_numbers(&mut value);
            serde_json::from_value(value).map(JsonBody).map_err(|e| {
                ApiError::bad_request(
                    ErrorCode::InvalidBody,
                    format!("the body is not valid: {e}"),
                )
                .into()
            })
        })
    }
}
