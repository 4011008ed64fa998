//! Verified contacts (R33): a code by e-mail, entered for a contact token.

use crate::http::dto::{
    BookingDto, CodeDto, ContactTokenDto, VerificationDto, VerificationRequestDto,
};
use crate::http::error::{ApiError, BodyLimits, Problem};
use crate::http::extract::{ContactTokenHeader, JsonBody, VerificationPath};
use crate::state::AppState;
use crate::usecases::verifications;
use actix_web::{HttpResponse, get, post, web};

/// Sends a six-digit code to an e-mail address, valid 15 minutes (R33).
/// At most 3 codes per mailbox an hour (R34: `erika+1@…` is `erika@…`);
/// the request counts as a citizen's write of its address (R25). The
/// answer is the same whether the address has bookings or not.
#[utoipa::path(
    tag = "citizens",
    request_body = VerificationRequestDto,
    responses(
        BodyLimits,
        (status = 202, description = "A code is on its way", body = VerificationDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an e-mail address (`invalid_email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The mailbox had its 3 codes this hour, or the address its writes (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/verifications")]
pub async fn request_code(
    state: web::Data<AppState>,
    body: JsonBody<VerificationRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let made = verifications::request(&state, body.into_inner().email).await?;
    Ok(HttpResponse::Accepted().json(VerificationDto {
        id: made.id,
        expires_at: made.expires_at,
    }))
}

/// Enters the code: a contact token that proves the mailbox for 2 hours
/// (R33), given once. A wrong code counts; the fifth voids the
/// verification.
#[utoipa::path(
    tag = "citizens",
    params(("id" = String, Path, description = "The verification")),
    request_body = CodeDto,
    responses(
        BodyLimits,
        (status = 200, description = "The contact token, shown only here", body = ContactTokenDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such verification (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Used, voided by five wrong codes, or expired (`verification_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong code (`verification_code_wrong`, with `attempts_left`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/verifications/{id}/confirm")]
pub async fn confirm_code(
    state: web::Data<AppState>,
    VerificationPath(id): VerificationPath,
    body: JsonBody<CodeDto>,
) -> Result<web::Json<ContactTokenDto>, ApiError> {
    let token = verifications::confirm(&state, id, body.into_inner().code).await?;
    Ok(web::Json(token.into()))
}

/// "Meine Termine" (R33): the bookings of the mailbox the contact token
/// proves (R34: however its e-mail was written), not yet begun and not
/// cancelled, by start, at most 100.
#[utoipa::path(
    tag = "citizens",
    params(("X-Contact-Token" = String, Header, description = "A contact token of `POST /api/v1/verifications/{id}/confirm`")),
    responses(
        (status = 200, description = "The mailbox's bookings", body = [BookingDto]),
        (status = 422, description = "No, an expired or an unknown contact token (`contact_unverified`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/contacts/bookings")]
pub async fn contact_bookings(
    state: web::Data<AppState>,
    ContactTokenHeader(token): ContactTokenHeader,
) -> Result<web::Json<Vec<BookingDto>>, ApiError> {
    let list = verifications::contact_bookings(&state, token).await?;
    Ok(web::Json(list.into_iter().map(BookingDto::from).collect()))
}
