//! Closure days (R6): the office takes no appointments that day.

use super::offices::{ForceQuery, apply};
use crate::auth::Admins;
use crate::http::dto::{ClosureReasonDto, OfficeChangeDto};
use crate::http::error::{AdminAuth, ApiError, BodyLimits, OfficeChangeErrors, Problem};
use crate::http::extract::{Authorized, DatePath, JsonBody, OfficePath};
use crate::state::AppState;
use actix_web::{delete, put, web};
use domain::OfficeEdit;

/// Closes the office on a day (R6).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("date" = String, Path, description = "The day, `YYYY-MM-DD` (years 1900–8999)", format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-24"),
        ForceQuery,
    ),
    request_body = ClosureReasonDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed date or body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/offices/{office}/closures/{date}")]
pub async fn add_closure(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    DatePath(date): DatePath,
    query: web::Query<ForceQuery>,
    body: JsonBody<ClosureReasonDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let edit = OfficeEdit::AddClosure {
        date,
        reason: body.into_inner().reason,
    };
    apply(admin, &state, office, edit, query.force).await
}

/// Opens a closure day again.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("date" = String, Path, description = "The day, `YYYY-MM-DD` (years 1900–8999)", format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-24"),
    ),
    responses(
        AdminAuth,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed date", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or no closure that day (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/admin/offices/{office}/closures/{date}")]
pub async fn remove_closure(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    DatePath(date): DatePath,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    apply(
        admin,
        &state,
        office,
        OfficeEdit::RemoveClosure(date),
        false,
    )
    .await
}
