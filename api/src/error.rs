//! Every error as RFC 9457 `application/problem+json` with a stable `code`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use persistence::StoreError;
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
    pub code: String,
    /// With `would_orphan_bookings`: the confirmed bookings the refused
    /// change would leave outside the hours or over capacity.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::model::OrphanedBookingDto>>)]
    pub affected_bookings: Option<serde_json::Value>,
}

/// What every staff route answers to a caller who is not logged-in staff.
#[derive(utoipa::IntoResponses)]
pub enum StaffAuth {
    /// No, bad or expired token (`missing_token`, `invalid_token`, `token_expired`)
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
}

/// What every admin route answers to a caller who is not a logged-in admin.
#[derive(utoipa::IntoResponses)]
pub enum AdminAuth {
    /// No, bad or expired token (`missing_token`, `invalid_token`, `token_expired`)
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Not an admin (`forbidden_role`)
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
}

/// What every route with a JSON body answers to a body it cannot read.
#[derive(utoipa::IntoResponses)]
pub enum BodyLimits {
    /// The body is larger than 16 KiB (`body_too_large`)
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// The body is not `application/json` (`unsupported_media_type`)
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
}

/// What a change of an office's configuration may meet besides its own
/// validation.
#[derive(utoipa::IntoResponses)]
pub enum OfficeChangeErrors {
    /// Unknown office (`unknown_office`)
    #[response(status = 404, content_type = "application/problem+json")]
    UnknownOffice(Problem),
    /// Would strand confirmed bookings, listed in `affected_bookings` (`would_orphan_bookings`); `force=true` applies it anyway
    #[response(status = 409, content_type = "application/problem+json")]
    WouldOrphan(Problem),
}

const PROBLEM_BASE: &str = "https://terminvergabe.example/problems/";

/// An error a handler returns; rendered as [`Problem`].
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    affected_bookings: Option<serde_json::Value>,
    retry_after: Option<u32>,
    bearer_challenge: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            affected_bookings: None,
            retry_after: None,
            bearer_challenge: false,
        }
    }

    pub fn with_affected_bookings(mut self, list: serde_json::Value) -> Self {
        self.affected_bookings = Some(list);
        self
    }

    /// 401 for staff routes, with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            bearer_challenge: true,
            ..Self::new(StatusCode::UNAUTHORIZED, code, detail)
        }
    }

    pub fn too_many(code: &'static str, detail: impl Into<String>, retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, code, detail)
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    /// An unexpected failure: logged in full, reported without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "an unexpected error occurred; it has been logged",
        )
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("{PROBLEM_BASE}{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            affected_bookings: self.affected_bookings.clone(),
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
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found("no such resource"),
            StoreError::UnknownOffice => ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_office",
                "there is no such office",
            ),
            StoreError::Rule(rule) => {
                let status = if rule.is_conflict() {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                ApiError::new(status, rule.code(), rule.to_string())
            }
            StoreError::Citizen(c) => ApiError::unprocessable(c.code(), c.to_string()),
            StoreError::UsernameTaken => ApiError::new(
                StatusCode::CONFLICT,
                "username_taken",
                "a staff user of that name exists",
            ),
            StoreError::WouldOrphan(list) => {
                let detail = format!(
                    "the change would leave {} confirmed booking(s) outside the hours or over \
                     capacity; repeat it with force=true to apply it anyway",
                    list.len()
                );
                let affected: Vec<crate::model::OrphanedBookingDto> =
                    list.into_iter().map(Into::into).collect();
                ApiError::new(StatusCode::CONFLICT, "would_orphan_bookings", detail)
                    .with_affected_bookings(serde_json::to_value(affected).unwrap_or_default())
            }
            StoreError::InvalidConfig(e) => {
                ApiError::unprocessable("invalid_configuration", e.to_string())
            }
            StoreError::AlreadyCancelled => ApiError::new(
                StatusCode::CONFLICT,
                "already_cancelled",
                "the booking is already cancelled",
            ),
            StoreError::AppointmentPassed => ApiError::unprocessable(
                "appointment_passed",
                "the appointment has already begun and can no longer be cancelled",
            ),
            StoreError::Busy => ApiError {
                retry_after: Some(1),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the system is very busy; please try again in a moment",
                )
            },
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                ApiError {
                    retry_after: Some(5),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "database_unavailable",
                        "the database cannot be reached; please try again later",
                    )
                }
            }
            other @ (StoreError::InvalidUrl(_)
            | StoreError::Migration(_)
            | StoreError::Corrupt(_)
            | StoreError::Database(_)) => ApiError::internal(&other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(&e)
    }
}
