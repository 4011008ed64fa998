//! Staff log in for a bearer token (R11).

use crate::auth::verify_password;
use crate::dto::{LoginDto, TokenDto};
use crate::error::{ApiError, BodyLimits, ErrorCode, Problem};
use crate::state::AppState;
use actix_web::{post, web};
use domain::Username;

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
        let detail = format!("too many login attempts; try again in {wait} s");
        let seconds = u32::try_from(wait).unwrap_or(u32::MAX);
        return Err(ApiError::too_many(
            ErrorCode::TooManyAttempts,
            detail,
            seconds,
        ));
    }
    // A name that cannot exist is checked like an unknown one: same work, same answer.
    let name = Username::parse(&username).ok();
    let user = state
        .run(move |store, _| {
            let user = name
                .map(|n| store.user(&n))
                .transpose()?
                .flatten()
                .filter(|u| u.active);
            let ok = verify_password(&password, user.as_ref().map(|u| u.password_hash.as_str()));
            Ok(user.filter(|_| ok))
        })
        .await?;
    let Some(user) = user else {
        tracing::info!(%username, "login refused");
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidCredentials,
            "wrong username or password",
        ));
    };
    let access_token = state
        .tokens
        .issue(user.username.as_str(), user.role, state.clock.now())?;
    let expires_in = state.tokens.lifetime().whole_seconds();
    Ok(web::Json(TokenDto {
        access_token,
        token_type: "Bearer",
        expires_in,
    }))
}
