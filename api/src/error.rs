//! Every error as RFC 9457 `application/problem+json` with a stable `code`:
//! the [`ErrorCode`] list, and the one place where the errors of the store
//! and the domain become a status and a code.

use crate::auth::{PasswordError, TokenError};
use crate::dto::OrphanedBookingDto;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::{
    AccountError, BookingError, CancelError, CitizenError, EditError, InvalidUsernameError,
};
use persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

domain::text_enum! {
    /// Every machine-readable code the API answers with (docs/API.md).
    /// Frontends branch on these; they never change meaning.
    pub enum ErrorCode {
        // Malformed requests and routing.
        InvalidBody = "invalid_body",
        InvalidQuery = "invalid_query",
        InvalidRange = "invalid_range",
        BodyTooLarge = "body_too_large",
        UnsupportedMediaType = "unsupported_media_type",
        NoRoute = "no_route",
        MethodNotAllowed = "method_not_allowed",
        NotFound = "not_found",
        UnknownOffice = "unknown_office",
        // Booking rules (R3–R15).
        NoServices = "no_services",
        UnknownService = "unknown_service",
        ServiceRetired = "service_retired",
        TooManyOfService = "too_many_of_service",
        AppointmentTooLong = "appointment_too_long",
        OffGrid = "off_grid",
        NonexistentLocalTime = "nonexistent_local_time",
        InPast = "in_past",
        BeforeLeadTime = "before_lead_time",
        BeyondHorizon = "beyond_horizon",
        Holiday = "holiday",
        ClosureDay = "closure_day",
        OutsideOpeningHours = "outside_opening_hours",
        DayTicketNotToday = "day_ticket_not_today",
        NotADayTicketDay = "not_a_day_ticket_day",
        DayTicketNotReleased = "day_ticket_not_released",
        DayTicketsExhausted = "day_tickets_exhausted",
        SlotTaken = "slot_taken",
        // The citizen (R17) and the booking's secret.
        InvalidName = "invalid_name",
        ContactRequired = "contact_required",
        InvalidEmail = "invalid_email",
        InvalidPhone = "invalid_phone",
        BookingTokenRequired = "booking_token_required",
        // Cancelling (R18).
        AlreadyCancelled = "already_cancelled",
        AppointmentPassed = "appointment_passed",
        // Staff authentication (R11).
        MissingToken = "missing_token",
        InvalidToken = "invalid_token",
        TokenExpired = "token_expired",
        ForbiddenRole = "forbidden_role",
        InvalidCredentials = "invalid_credentials",
        TooManyAttempts = "too_many_attempts",
        // Administration.
        InvalidUsername = "invalid_username",
        WeakPassword = "weak_password",
        UsernameTaken = "username_taken",
        CannotChangeSelf = "cannot_change_self",
        InvalidServiceId = "invalid_service_id",
        ServiceExists = "service_exists",
        InvalidConfiguration = "invalid_configuration",
        WouldOrphanBookings = "would_orphan_bookings",
        // The server.
        Busy = "busy",
        DatabaseUnavailable = "database_unavailable",
        InternalError = "internal_error",
    }
}

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
    pub affected_bookings: Option<Vec<OrphanedBookingDto>>,
}

// What groups of routes answer, documented once for the spec.

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
    code: ErrorCode,
    detail: String,
    affected_bookings: Option<Vec<OrphanedBookingDto>>,
    retry_after: Option<u32>,
    bearer_challenge: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            affected_bookings: None,
            retry_after: None,
            bearer_challenge: false,
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

impl From<BookingError> for ApiError {
    fn from(e: BookingError) -> Self {
        use BookingError::*;
        let code = match &e {
            UnknownOffice(_) => ErrorCode::UnknownOffice,
            NoServices => ErrorCode::NoServices,
            UnknownService(_) => ErrorCode::UnknownService,
            ServiceRetired(_) => ErrorCode::ServiceRetired,
            TooManyOfService { .. } => ErrorCode::TooManyOfService,
            TooLong { .. } => ErrorCode::AppointmentTooLong,
            OffGrid { .. } => ErrorCode::OffGrid,
            NonexistentTime(_) => ErrorCode::NonexistentLocalTime,
            InPast => ErrorCode::InPast,
            TooSoon { .. } => ErrorCode::BeforeLeadTime,
            BeyondHorizon { .. } => ErrorCode::BeyondHorizon,
            Holiday { .. } => ErrorCode::Holiday,
            Closure { .. } => ErrorCode::ClosureDay,
            OutsideOpeningHours => ErrorCode::OutsideOpeningHours,
            DayTicketNotToday { .. } => ErrorCode::DayTicketNotToday,
            NotDayTicketDay { .. } => ErrorCode::NotADayTicketDay,
            DayTicketNotYetReleased { .. } => ErrorCode::DayTicketNotReleased,
            DayTicketsExhausted => ErrorCode::DayTicketsExhausted,
            SlotTaken => ErrorCode::SlotTaken,
        };
        // Lost to someone else meanwhile: 409; against a rule: 422.
        let status = match e {
            SlotTaken | DayTicketsExhausted => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl From<CitizenError> for ApiError {
    fn from(e: CitizenError) -> Self {
        let code = match e {
            CitizenError::Name => ErrorCode::InvalidName,
            CitizenError::NoContact => ErrorCode::ContactRequired,
            CitizenError::Email(_) => ErrorCode::InvalidEmail,
            CitizenError::Phone(_) => ErrorCode::InvalidPhone,
        };
        ApiError::unprocessable(code, e.to_string())
    }
}

impl From<CancelError> for ApiError {
    fn from(e: CancelError) -> Self {
        match e {
            CancelError::AlreadyCancelled => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyCancelled,
                e.to_string(),
            ),
            CancelError::AppointmentPassed => {
                ApiError::unprocessable(ErrorCode::AppointmentPassed, e.to_string())
            }
        }
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        match &e {
            EditError::ServiceExists(_) => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::ServiceExists,
                e.to_string(),
            ),
            EditError::UnknownService(_) | EditError::NoClosure(_) => {
                ApiError::not_found(e.to_string())
            }
            EditError::Invalid(_) => {
                ApiError::unprocessable(ErrorCode::InvalidConfiguration, e.to_string())
            }
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::CannotChangeSelf => {
                ApiError::unprocessable(ErrorCode::CannotChangeSelf, e.to_string())
            }
        }
    }
}

impl From<InvalidUsernameError> for ApiError {
    fn from(e: InvalidUsernameError) -> Self {
        ApiError::unprocessable(ErrorCode::InvalidUsername, e.to_string())
    }
}

impl From<PasswordError> for ApiError {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Weak => ApiError::unprocessable(ErrorCode::WeakPassword, e.to_string()),
            PasswordError::Hashing => ApiError::internal(&e),
        }
    }
}

impl From<crate::dto::InvalidTime> for ApiError {
    fn from(e: crate::dto::InvalidTime) -> Self {
        ApiError::bad_request(ErrorCode::InvalidBody, e.to_string())
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Expired => ApiError::unauthorized(
                ErrorCode::TokenExpired,
                "the token has expired; log in again",
            ),
            TokenError::Invalid => ApiError::unauthorized(ErrorCode::InvalidToken, e.to_string()),
            TokenError::Signing => ApiError::internal(&e),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownOffice => ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownOffice,
                "there is no such office",
            ),
            StoreError::UnknownBooking => ApiError::not_found("there is no such booking"),
            StoreError::UnknownUser => ApiError::not_found("there is no such staff user"),
            StoreError::Rule(rule) => rule.into(),
            StoreError::Cancel(cancel) => cancel.into(),
            StoreError::Edit(edit) => edit.into(),
            StoreError::UsernameTaken => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::UsernameTaken,
                "a staff user of that name exists",
            ),
            StoreError::WouldOrphan(list) => {
                let detail = format!(
                    "the change would leave {} confirmed booking(s) outside the hours or over \
                     capacity; repeat it with force=true to apply it anyway",
                    list.len()
                );
                ApiError {
                    affected_bookings: Some(list.into_iter().map(Into::into).collect()),
                    ..ApiError::new(StatusCode::CONFLICT, ErrorCode::WouldOrphanBookings, detail)
                }
            }
            StoreError::Busy => ApiError {
                retry_after: Some(1),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Busy,
                    "the system is very busy; please try again in a moment",
                )
            },
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                ApiError {
                    retry_after: Some(5),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        ErrorCode::DatabaseUnavailable,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code, pinned: a code is part of the contract and must not
    /// change its spelling (docs/API.md lists them).
    #[test]
    fn error_codes_are_pinned() {
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "invalid_body",
                "invalid_query",
                "invalid_range",
                "body_too_large",
                "unsupported_media_type",
                "no_route",
                "method_not_allowed",
                "not_found",
                "unknown_office",
                "no_services",
                "unknown_service",
                "service_retired",
                "too_many_of_service",
                "appointment_too_long",
                "off_grid",
                "nonexistent_local_time",
                "in_past",
                "before_lead_time",
                "beyond_horizon",
                "holiday",
                "closure_day",
                "outside_opening_hours",
                "day_ticket_not_today",
                "not_a_day_ticket_day",
                "day_ticket_not_released",
                "day_tickets_exhausted",
                "slot_taken",
                "invalid_name",
                "contact_required",
                "invalid_email",
                "invalid_phone",
                "booking_token_required",
                "already_cancelled",
                "appointment_passed",
                "missing_token",
                "invalid_token",
                "token_expired",
                "forbidden_role",
                "invalid_credentials",
                "too_many_attempts",
                "invalid_username",
                "weak_password",
                "username_taken",
                "cannot_change_self",
                "invalid_service_id",
                "service_exists",
                "invalid_configuration",
                "would_orphan_bookings",
                "busy",
                "database_unavailable",
                "internal_error",
            ]
        );
    }

    #[test]
    fn lost_races_are_conflicts_and_rules_unprocessable() {
        let taken = ApiError::from(BookingError::SlotTaken);
        assert_eq!(
            (taken.status, taken.code),
            (StatusCode::CONFLICT, ErrorCode::SlotTaken)
        );
        let gone = ApiError::from(BookingError::DayTicketsExhausted);
        assert_eq!(gone.status, StatusCode::CONFLICT);
        let past = ApiError::from(BookingError::InPast);
        assert_eq!(
            (past.status, past.code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InPast)
        );
        let office = ApiError::from(StoreError::UnknownOffice);
        assert_eq!(office.status, StatusCode::NOT_FOUND);
        let in_body = ApiError::from(BookingError::UnknownOffice("rathaus".into()));
        assert_eq!(
            (in_body.status, in_body.code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::UnknownOffice)
        );
    }
}
