//! Offices and their services (R1, R2; R21, R22).

use crate::http::dto::{OfficeDto, ServiceDto};
use crate::http::error::{ApiError, ErrorCode, Problem};
use crate::http::extract::{OfficePath, municipality_in_path};
use crate::state::AppState;
use crate::usecases::{municipalities, offices};
use actix_web::{get, web};
use domain::Leika;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OfficesQuery {
    /// Only the offices of this municipality (R39; `GET
    /// /api/v1/municipalities`).
    #[param(example = "kaarst")]
    municipality: Option<String>,
}

/// Every office that takes appointments, or those of one municipality.
#[utoipa::path(
    tag = "citizens",
    params(OfficesQuery),
    responses(
        (status = 200, description = "The offices", body = [OfficeDto]),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality (`unknown_municipality`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices")]
pub async fn list_offices(
    state: web::Data<AppState>,
    query: web::Query<OfficesQuery>,
) -> Result<web::Json<Vec<OfficeDto>>, ApiError> {
    let municipality = query
        .municipality
        .as_deref()
        .map(municipality_in_path)
        .transpose()?;
    let offices = municipalities::offices_of(&state, municipality).await?;
    Ok(web::Json(
        offices.iter().map(|o| OfficeDto::from(&**o)).collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceQuery {
    /// Only the services with this national service key (LeiKa, 14 digits;
    /// R22). A valid key no service carries gives an empty list.
    #[param(pattern = "^[0-9]{14}$", example = "99008001000000")]
    leika: Option<String>,
}

/// The services an office offers now, with what to bring (R21) and their
/// national keys (R22).
#[utoipa::path(
    tag = "citizens",
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ServiceQuery),
    responses(
        (status = 200, description = "The bookable services", body = [ServiceDto]),
        (status = 400, description = "Malformed query (`invalid_query`, `invalid_leika`: not 14 digits)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/services")]
pub async fn list_services(
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    query: web::Query<ServiceQuery>,
) -> Result<web::Json<Vec<ServiceDto>>, ApiError> {
    let leika = query
        .leika
        .as_deref()
        .map(Leika::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidLeika, e.to_string()))?;
    let services = offices::services(&state, id, leika).await?;
    Ok(web::Json(services.iter().map(ServiceDto::from).collect()))
}
