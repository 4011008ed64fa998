//! Services of an office: add, change (name, duration, active, what to
//! bring, note, national key: R21, R22), retire.
//! Whether the service exists is decided in the store's transaction
//! (`Office::apply`), so two admins adding the same one at once get one 200
//! and one 409.

use super::offices::apply;
use crate::auth::Admins;
use crate::http::dto::{NewServiceDto, OfficeChangeDto, ServiceChangeDto};
use crate::http::error::{AdminAuth, ApiError, BodyLimits, ErrorCode, Problem};
use crate::http::extract::{Authorized, JsonBody, OfficePath, ServicePath};
use crate::state::AppState;
use actix_web::{delete, patch, post, web};
use domain::{Leika, OfficeEdit, ServiceId};

/// Adds a service.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    request_body = NewServiceDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 200, description = "Added", body = OfficeChangeDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id exists (`service_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_service_id`, `invalid_leika`, `invalid_configuration` (e.g. a text to bring with a line break, more than 20 of them)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/admin/offices/{office}/services")]
pub async fn add_service(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    body: JsonBody<NewServiceDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let NewServiceDto {
        id,
        name,
        duration_minutes,
        requirements,
        note,
        leika,
    } = body.into_inner();
    let id = ServiceId::parse(&id)
        .map_err(|e| ApiError::unprocessable(ErrorCode::InvalidServiceId, e.to_string()))?;
    let edit = OfficeEdit::AddService {
        id,
        name,
        minutes: duration_minutes,
        requirements,
        note,
        leika: leika.as_deref().map(Leika::parse).transpose()?,
    };
    apply(admin, &state, office, edit, false).await
}

/// Changes a service's name, duration, what to bring, note or national key
/// (R21, R22), or retires / reactivates it. Fields left out stay; `null`
/// removes the note or the key.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("service" = String, Path, description = "Service id", example = "personalausweis"),
    ),
    request_body = ServiceChangeDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 200, description = "Changed", body = OfficeChangeDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office or service (`unknown_office`, `not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_leika`, `invalid_configuration` (e.g. a text to bring with a line break, more than 20 of them)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/offices/{office}/services/{service}")]
pub async fn update_service(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    ServicePath(id): ServicePath,
    body: JsonBody<ServiceChangeDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let edit = OfficeEdit::ChangeService {
        id,
        change: body.into_inner().try_into()?,
    };
    apply(admin, &state, office, edit, false).await
}

/// Retires a service: no longer bookable; bookings naming it stay.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("service" = String, Path, description = "Service id", example = "personalausweis"),
    ),
    responses(
        AdminAuth,
        (status = 200, description = "Retired", body = OfficeChangeDto),
        (status = 404, description = "Unknown office or service", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/admin/offices/{office}/services/{service}")]
pub async fn retire_service(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    ServicePath(id): ServicePath,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    apply(admin, &state, office, OfficeEdit::RetireService(id), false).await
}
