//! The citizen's secrets and proofs in request headers: the booking's,
//! the hold's and the draw request's tokens, a contact token (R33) in place
//! of a booking's, and the solved challenge (R26). A missing secret is 401
//! with its code; an optional header that is not visible ASCII reads as
//! empty.

use crate::http::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::usecases::booking::ChangeAuth;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest};
use persistence::SolvedChallenge;
use std::future::{Ready, ready};

/// The header that carries a booking's secret token.
pub const TOKEN_HEADER: &str = "X-Booking-Token";

/// The header that carries a draw request's secret token (R27).
pub const REQUEST_TOKEN_HEADER: &str = "X-Request-Token";

/// The secret of a request for the Tagesticket draw, from the
/// `X-Request-Token` header (R27).
#[derive(Debug, Clone)]
pub struct RequestToken(pub String);

impl FromRequest for RequestToken {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = secret_header(
            req,
            REQUEST_TOKEN_HEADER,
            ErrorCode::RequestTokenRequired,
            "request",
        );
        ready(token.map(RequestToken))
    }
}

/// The header that carries a hold's secret token (R19).
pub const HOLD_TOKEN_HEADER: &str = "X-Hold-Token";

/// A secret from header `name`, trimmed; 401 `code` when absent or empty.
fn secret_header(
    req: &HttpRequest,
    name: &str,
    code: ErrorCode,
    what: &str,
) -> Result<String, ApiError> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                code,
                format!("send the {what}'s token in the `{name}` header"),
            )
        })
}

/// The secret of a booking, from the `X-Booking-Token` header.
#[derive(Debug, Clone)]
pub struct BookingToken(pub String);

impl FromRequest for BookingToken {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = secret_header(
            req,
            TOKEN_HEADER,
            ErrorCode::BookingTokenRequired,
            "booking",
        );
        ready(token.map(BookingToken))
    }
}

/// Who the citizen is on a booking's own routes (R18, R20; R33 "Meine
/// Termine"): the booking's secret from `X-Booking-Token`, else a contact
/// token from `X-Contact-Token` (which the store checks against the
/// booking's mailbox); neither is 401 `booking_token_required`.
pub struct HolderAuth(pub ChangeAuth);

impl FromRequest for HolderAuth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let booking = secret_header(
            req,
            TOKEN_HEADER,
            ErrorCode::BookingTokenRequired,
            "booking",
        );
        ready(match booking {
            Ok(token) => Ok(HolderAuth(ChangeAuth::Token(token))),
            Err(_) => contact_token(req)
                .map(|token| HolderAuth(ChangeAuth::Contact(token)))
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        ErrorCode::BookingTokenRequired,
                        format!(
                            "send the booking's token in the `{TOKEN_HEADER}` header, \
                             or a contact token of its e-mail address in `X-Contact-Token`"
                        ),
                    )
                }),
        })
    }
}

/// The secret of a hold, from the `X-Hold-Token` header (R19).
#[derive(Debug, Clone)]
pub struct HoldToken(pub String);

impl FromRequest for HoldToken {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = secret_header(req, HOLD_TOKEN_HEADER, ErrorCode::HoldTokenRequired, "hold");
        ready(token.map(HoldToken))
    }
}

/// The `X-Contact-Token` header: a contact token of R33, if sent. Checked
/// by the store where the office asks for a verified contact (a token that
/// proves nothing is then `contact_unverified`), ignored elsewhere.
#[derive(Debug, Clone)]
pub struct ContactTokenHeader(pub Option<String>);

impl FromRequest for ContactTokenHeader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ContactTokenHeader(contact_token(req))))
    }
}

/// The `X-Contact-Token` header, if sent and of a plausible length.
fn contact_token(req: &HttpRequest) -> Option<String> {
    optional_header(req, "x-contact-token")
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The text of an optional header; one that is not visible ASCII reads as
/// empty (the extractor that asks decides what empty means).
fn optional_header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("").to_owned())
}

/// The `X-Altcha` header: a solved proof-of-work challenge, if sent (R26).
#[derive(Debug, Clone)]
pub struct Altcha(pub Option<String>);

impl Altcha {
    /// The verified solution, if one was sent; a broken one is refused
    /// (422 `challenge_invalid`) whether or not the office asks for one.
    pub fn verify(&self, state: &AppState) -> Result<Option<SolvedChallenge>, ApiError> {
        let Some(header) = &self.0 else {
            return Ok(None);
        };
        let solved = state.challenges.verify(header, state.clock.now())?;
        Ok(Some(SolvedChallenge {
            challenge: solved.challenge,
            expires_at: solved.expires_at,
        }))
    }
}

impl FromRequest for Altcha {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Altcha(optional_header(req, "x-altcha"))))
    }
}
