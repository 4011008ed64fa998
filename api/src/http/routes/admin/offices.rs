//! An office's configuration: read it, change settings, hours and the
//! Tagesticket contingent. Every change is one typed [`OfficeEdit`]; one
//! that would strand confirmed bookings is refused with the list (409
//! `would_orphan_bookings`), or applied with `force=true` and the list
//! returned. Slot search follows a change at once.

use crate::auth::Admins;
use crate::http::dto::{
    DayTicketPolicyDto, HoursDto, OfficeChangeDto, OfficeConfigDto, OfficeSettingsDto,
};
use crate::http::error::{AdminAuth, ApiError, BodyLimits, ErrorCode, OfficeChangeErrors, Problem};
use crate::http::extract::{Authorized, JsonBody, OfficePath};
use crate::state::AppState;
use crate::usecases::admin::offices;
use crate::usecases::staff::Actor;
use actix_web::{delete, get, patch, put, web};
use domain::{OfficeEdit, OfficeId};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ForceQuery {
    /// Apply even if confirmed bookings would be stranded; they are returned.
    #[serde(default)]
    pub(crate) force: bool,
}

/// Applies `edit` to `office`, audited as `admin`, and answers with the
/// configuration now and the bookings it stranded.
pub(crate) async fn apply(
    admin: Authorized<Admins>,
    state: &AppState,
    office: OfficeId,
    edit: OfficeEdit,
    force: bool,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let change = offices::edit_office(state, &Actor::from(&admin), office, edit, force).await?;
    tracing::info!(office = %change.office.id, orphaned = change.orphaned.len(), "office changed");
    Ok(web::Json(OfficeChangeDto {
        office: OfficeConfigDto::from(&*change.office),
        orphaned_bookings: change.orphaned.into_iter().map(Into::into).collect(),
    }))
}

/// An office's whole configuration.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    responses(
        AdminAuth,
        (status = 200, description = "The configuration", body = OfficeConfigDto),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/offices/{office}")]
pub async fn office_config(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
) -> Result<web::Json<OfficeConfigDto>, ApiError> {
    let office = offices::office(&state, &Actor::from(&admin), id).await?;
    Ok(web::Json(OfficeConfigDto::from(&*office)))
}

/// Changes counters, name, address, grid, lead, horizon or limits.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    request_body = OfficeSettingsDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid configuration (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/offices/{office}")]
pub async fn change_settings(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    query: web::Query<ForceQuery>,
    body: JsonBody<OfficeSettingsDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let change = body
        .into_inner()
        .try_into()
        .map_err(|e: crate::http::dto::InvalidSettings| {
            ApiError::unprocessable(ErrorCode::InvalidConfiguration, e.to_string())
        })?;
    let edit = OfficeEdit::Settings(change);
    apply(admin, &state, id, edit, query.force).await
}

/// Replaces the weekly opening windows.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    request_body = HoursDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed body or time (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Overlapping or off-grid windows (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/offices/{office}/hours")]
pub async fn set_hours(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    query: web::Query<ForceQuery>,
    body: JsonBody<HoursDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let edit = OfficeEdit::Hours(body.to_domain()?);
    apply(admin, &state, id, edit, query.force).await
}

/// Sets the Tagesticket contingent.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    request_body = DayTicketPolicyDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed body or time (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More held back than counters (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/offices/{office}/day-ticket")]
pub async fn set_day_ticket(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    query: web::Query<ForceQuery>,
    body: JsonBody<DayTicketPolicyDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let edit = OfficeEdit::SetDayTicket(body.to_domain()?);
    apply(admin, &state, id, edit, query.force).await
}

/// Ends the Tagesticket for this office.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    responses(
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
    )
)]
#[delete("/api/v1/admin/offices/{office}/day-ticket")]
pub async fn remove_day_ticket(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    query: web::Query<ForceQuery>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    apply(admin, &state, id, OfficeEdit::RemoveDayTicket, query.force).await
}
