//! Staff log in for a bearer token (R11).

use crate::http::dto::{LoginDto, TokenDto};
use crate::http::error::{ApiError, BodyLimits, Problem};
use crate::http::extract::JsonBody;
use crate::http::logging::user_hash;
use crate::state::AppState;
use crate::usecases::staff::error::LoginError;
use actix_web::{HttpRequest, post, web};

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
    let issued = crate::usecases::staff::login::login(&state, &username, password, addr)
        .await
        .inspect_err(|e| match e {
            LoginError::Throttled(_) => {
                tracing::warn!(user = %user_hash(&username), "login throttled");
            }
            LoginError::InvalidCredentials => {
                tracing::info!(user = %user_hash(&username), "login refused");
            }
            _ => {}
        })?;
    Ok(web::Json(TokenDto {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.lifetime.whole_seconds(),
    }))
}
