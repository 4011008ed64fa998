//! The proof-of-work challenge (R26).

use crate::http::dto::AltchaChallengeDto;
use crate::http::error::ApiError;
use crate::state::AppState;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, get, web};

/// A new proof-of-work challenge (ALTCHA v1), valid for 5 minutes. Find
/// `number` in `0..=maxnumber` with `sha256(salt + number) == challenge`
/// (hex), and send `{algorithm, challenge, number, salt, signature}` as
/// base64 JSON in header `X-Altcha` with a booking where the office asks
/// for it. Each solution books once.
#[utoipa::path(
    tag = "citizens",
    responses(
        (status = 200, description = "A challenge to solve", body = AltchaChallengeDto),
    )
)]
#[get("/api/v1/challenge")]
pub async fn challenge(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let challenge = crate::usecases::challenge::issue(&state).await;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(AltchaChallengeDto::from(challenge)))
}
