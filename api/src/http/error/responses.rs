//! What groups of routes answer besides their own responses, documented
//! once for the spec.

use super::Problem;

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

/// What every operator route answers to a caller who is not a logged-in
/// operator (R39).
#[derive(utoipa::IntoResponses)]
pub enum OperatorAuth {
    /// No, bad or expired token (`missing_token`, `invalid_token`, `token_expired`)
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Not an operator (`forbidden_role`)
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

/// What every route on one hold answers besides its own responses (R19).
#[derive(utoipa::IntoResponses)]
pub enum HoldAccess {
    /// No token (`hold_token_required`)
    #[response(status = 401, content_type = "application/problem+json")]
    NoToken(Problem),
    /// Not a hold id (`not_found`)
    #[response(status = 404, content_type = "application/problem+json")]
    NotAHold(Problem),
}
