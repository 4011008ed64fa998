//! The audit log of staff actions.

use crate::auth::Admins;
use crate::http::dto::AuditEntryDto;
use crate::http::error::{AdminAuth, ApiError, ErrorCode, Problem};
use crate::http::extract::Authorized;
use crate::state::AppState;
use crate::usecases::admin::records;
use crate::usecases::staff::Actor;
use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// At most this many entries, newest first (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub(crate) limit: Option<u32>,
}

/// The audit log of staff actions, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        AdminAuth,
        (status = 200, description = "The newest entries", body = [AuditEntryDto]),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/audit")]
pub async fn audit_log(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Vec<AuditEntryDto>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        let detail = "`limit` must lie between 1 and 1000";
        return Err(ApiError::bad_request(ErrorCode::InvalidQuery, detail));
    }
    let entries = records::audit_log(&state, &Actor::from(&admin), limit).await?;
    Ok(web::Json(entries.into_iter().map(Into::into).collect()))
}
