//! Municipalities (R39), as everyone sees them.

use crate::http::dto::MunicipalityDto;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases::municipalities;
use actix_web::{get, web};

/// Every municipality of this deployment, by id.
#[utoipa::path(
    tag = "citizens",
    responses((status = 200, description = "The municipalities", body = [MunicipalityDto]))
)]
#[get("/api/v1/municipalities")]
pub async fn list_municipalities(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<MunicipalityDto>>, ApiError> {
    let list = municipalities::municipalities(&state).await?;
    Ok(web::Json(list.iter().map(MunicipalityDto::from).collect()))
}
