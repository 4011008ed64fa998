//! Every error as RFC 9457 `application/problem+json` with a stable `code`:
//! the [`ErrorCode`] list (`code`), and the one place where the errors of
//! the store and the domain become a status and a code (`from`).

mod code;
mod from;
mod from_usecases;
mod responses;

pub use code::ErrorCode;
pub use responses::{
    AdminAuth, BodyLimits, HoldAccess, OfficeChangeErrors, OperatorAuth, StaffAuth,
};

use crate::http::dto::OrphanedBookingDto;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://terminvergabe.example/problems/slot_taken",
    "title": "Conflict",
    "status": 409,
    "detail": "this time is no longer free",
    "code": "slot_taken"
}))]
pub struct Problem {
    /// A URI naming the kind of problem; ends in `code`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP reason phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, in words for people.
    pub detail: String,
    /// Stable and machine-readable: frontends branch on it.
    #[schema(value_type = ErrorCode)]
    pub code: String,
    /// With `would_orphan_bookings`: the confirmed bookings the refused
    /// change would leave outside the hours or over capacity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affected_bookings: Option<Vec<OrphanedBookingDto>>,
    /// With `verification_code_wrong`: how many more codes may be tried
    /// before the verification is void (R33).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
}

const PROBLEM_BASE: &str = "https://terminvergabe.example/problems/";

/// An error a handler returns; rendered as [`Problem`].
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(super) status: StatusCode,
    pub(super) code: ErrorCode,
    detail: String,
    pub(super) affected_bookings: Option<Vec<OrphanedBookingDto>>,
    pub(super) attempts_left: Option<u32>,
    pub(super) retry_after: Option<u32>,
    bearer_challenge: bool,
    /// With 405: the methods the path is served with (`Allow`).
    allow: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            affected_bookings: None,
            attempts_left: None,
            retry_after: None,
            bearer_challenge: false,
            allow: None,
        }
    }

    /// 405 for `method` on a path served with the methods in `allow`
    /// (the `Allow` header's value).
    pub fn method_not_allowed(method: &actix_web::http::Method, allow: String) -> Self {
        Self {
            allow: Some(allow),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                format!("{method} is not offered on this path"),
            )
        }
    }

    /// 401 for staff routes, with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            bearer_challenge: true,
            ..Self::new(StatusCode::UNAUTHORIZED, code, detail)
        }
    }

    pub fn too_many(code: ErrorCode, detail: impl Into<String>, retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, code, detail)
        }
    }

    /// 503 with `Retry-After`: the server cannot take this now.
    pub fn unavailable(code: ErrorCode, detail: impl Into<String>, retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
        }
    }

    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, detail)
    }

    pub fn unprocessable(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    /// The office addressed in the path does not exist.
    pub fn unknown_office(raw: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownOffice,
            format!("there is no office `{raw}`"),
        )
    }

    /// An unexpected failure: logged in full, reported without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            "an unexpected error occurred; it has been logged",
        )
    }

    /// The same error with another detail (the code and status stay).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("{PROBLEM_BASE}{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_owned(),
            affected_bookings: self.affected_bookings.clone(),
            attempts_left: self.attempts_left,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if self.bearer_challenge {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(allow) = &self.allow {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.problem())
    }
}
