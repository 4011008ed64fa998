//! Staff log in for a bearer token (R11).

use crate::auth::verify_password;
use crate::dto::{LoginDto, TokenDto};
use crate::error::{ApiError, BodyLimits, ErrorCode, Problem};
use crate::extract::JsonBody;
use crate::logging::user_hash;
use crate::state::AppState;
use actix_web::{HttpRequest, post, web};
use domain::Username;
use persistence::StaffUser;
use std::net::IpAddr;

/// Logs a staff user in: a JWT for `Authorization: Bearer`.
#[utoipa::path(
    tag = "staff",
    request_body = LoginDto,
    responses(
        BodyLimits,
        (status = 200, description = "Logged in", body = TokenDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password, or a disabled account (`invalid_credentials`); which of them is not told", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts from this address, or for this username from it (`too_many_attempts`); see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/token")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginDto>,
) -> Result<web::Json<TokenDto>, ApiError> {
    let LoginDto { username, password } = body.into_inner();
    let addr = state.proxies.of(&req);
    throttle(&state, &username, addr)?;
    let user = authenticate(&state, &username, password)
        .await
        .inspect_err(|e| {
            // R11: failures count, successes do not (issue #23).
            if e.code() == ErrorCode::InvalidCredentials {
                state.throttle.failed(&username, addr);
            }
        })?;
    let access_token = state.tokens.issue(
        user.username.as_str(),
        user.role,
        user.token_generation,
        state.clock.now(),
    )?;
    Ok(web::Json(TokenDto {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.lifetime().whole_seconds(),
    }))
}

/// Refuses an address, or a username from an address, that has failed too
/// often (429 with `Retry-After`).
fn throttle(state: &AppState, username: &str, addr: IpAddr) -> Result<(), ApiError> {
    state.throttle.may_try(username, addr).map_err(|wait| {
        tracing::warn!(user = %user_hash(username), "login throttled");
        let detail = format!("too many login attempts; try again in {wait} s");
        let seconds = u32::try_from(wait).unwrap_or(u32::MAX);
        ApiError::too_many(ErrorCode::TooManyAttempts, detail, seconds)
    })
}

/// The active account whose password this is. An unknown, disabled or
/// impossible name costs the same work and gets the same answer as a wrong
/// password.
async fn authenticate(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<StaffUser, ApiError> {
    let name = Username::parse(username).ok();
    let user = match name {
        Some(n) => state.run(move |store, _| store.user(&n)).await?,
        None => None,
    }
    .filter(|u| u.active);
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    // On the bounded pool: a flood of guesses waits or gets 503, never
    // more hashes at once than cores.
    let ok = state
        .passwords
        .run(move || verify_password(&password, hash.as_deref()))
        .await?;
    let user = user.filter(|_| ok);
    user.ok_or_else(|| {
        tracing::info!(user = %user_hash(username), "login refused");
        ApiError::unauthorized(ErrorCode::InvalidCredentials, "wrong username or password")
    })
}
