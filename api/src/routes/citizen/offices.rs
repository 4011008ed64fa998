//! Offices and their services (R1, R2).

use crate::dto::{OfficeDto, ServiceDto};
use crate::error::{ApiError, Problem};
use crate::extract::OfficePath;
use crate::state::AppState;
use actix_web::{get, web};

/// Every office that takes appointments.
#[utoipa::path(
    tag = "citizens",
    responses((status = 200, description = "The offices", body = [OfficeDto]))
)]
#[get("/api/v1/offices")]
pub async fn list_offices(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<OfficeDto>>, ApiError> {
    let offices = state.run(|store, _| store.offices()).await?;
    Ok(web::Json(
        offices.iter().map(|o| OfficeDto::from(&**o)).collect(),
    ))
}

/// The services an office offers now.
#[utoipa::path(
    tag = "citizens",
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    responses(
        (status = 200, description = "The bookable services", body = [ServiceDto]),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/services")]
pub async fn list_services(
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
) -> Result<web::Json<Vec<ServiceDto>>, ApiError> {
    let office = state.run(move |store, _| store.office(&id)).await?;
    let active = office.services.iter().filter(|s| s.active);
    Ok(web::Json(active.map(ServiceDto::from).collect()))
}
