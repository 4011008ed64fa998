//! Municipalities and their offices (operators only, R39).

use crate::auth::Operators;
use crate::http::dto::{
    MunicipalityChangeDto, MunicipalityDto, NewMunicipalityDto, OfficeConfigDto,
};
use crate::http::error::{ApiError, BodyLimits, OperatorAuth, Problem};
use crate::http::extract::{Authorized, JsonBody, municipality_in_path};
use crate::state::AppState;
use crate::usecases::municipalities;
use crate::usecases::staff::Actor;
use actix_web::{HttpResponse, get, patch, post, web};
use domain::Municipality;

/// Creates a municipality. Audited.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewMunicipalityDto,
    responses(
        BodyLimits,
        OperatorAuth,
        (status = 201, description = "Created", body = MunicipalityDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id is taken (`municipality_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An id that is no slug or a path of the server, an AGS not of 8 digits, a link that is no http(s) URL, a sender that is no mailbox (`invalid_municipality`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/admin/municipalities")]
pub async fn create_municipality(
    operator: Authorized<Operators>,
    state: web::Data<AppState>,
    body: JsonBody<NewMunicipalityDto>,
) -> Result<HttpResponse, ApiError> {
    let municipality = Municipality::try_from(body.into_inner())?;
    let made = municipalities::create(&state, &Actor::from(&operator), municipality).await?;
    Ok(HttpResponse::Created().json(MunicipalityDto::from(&made)))
}

/// Every municipality, with the settings only operators change.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        OperatorAuth,
        (status = 200, description = "The municipalities, by id", body = [MunicipalityDto]),
    )
)]
#[get("/api/v1/admin/municipalities")]
pub async fn admin_municipalities(
    _operator: Authorized<Operators>,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<MunicipalityDto>>, ApiError> {
    let list = municipalities::municipalities(&state).await?;
    Ok(web::Json(list.iter().map(MunicipalityDto::from).collect()))
}

/// One municipality.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("municipality" = String, Path, description = "Municipality id", example = "kaarst")),
    responses(
        OperatorAuth,
        (status = 200, description = "The municipality", body = MunicipalityDto),
        (status = 404, description = "Unknown municipality (`unknown_municipality`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/municipalities/{municipality}")]
pub async fn admin_municipality(
    _operator: Authorized<Operators>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<MunicipalityDto>, ApiError> {
    let id = municipality_in_path(&path)?;
    let m = municipalities::municipality(&state, id).await?;
    Ok(web::Json(MunicipalityDto::from(&m)))
}

/// Changes a municipality: fields left out stay, `null` removes a link or
/// the sender. Audited.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("municipality" = String, Path, description = "Municipality id", example = "kaarst")),
    request_body = MunicipalityChangeDto,
    responses(
        BodyLimits,
        OperatorAuth,
        (status = 200, description = "Changed", body = MunicipalityDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality (`unknown_municipality`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_municipality`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/municipalities/{municipality}")]
pub async fn change_municipality(
    operator: Authorized<Operators>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: JsonBody<MunicipalityChangeDto>,
) -> Result<web::Json<MunicipalityDto>, ApiError> {
    let id = municipality_in_path(&path)?;
    let change = body.into_inner().try_into()?;
    let m = municipalities::change(&state, &Actor::from(&operator), id, change).await?;
    Ok(web::Json(MunicipalityDto::from(&m)))
}

/// Creates an office of a municipality from a whole configuration (the
/// shape `GET /api/v1/admin/offices/{office}` shows, services included).
/// Office ids are unique across municipalities. Audited.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("municipality" = String, Path, description = "Municipality id", example = "kaarst")),
    request_body = OfficeConfigDto,
    responses(
        BodyLimits,
        OperatorAuth,
        (status = 201, description = "Created", body = OfficeConfigDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality (`unknown_municipality`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The office id is taken (`office_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value the configuration does not allow (`invalid_configuration`, `invalid_name`, `service_exists`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/admin/municipalities/{municipality}/offices")]
pub async fn create_office(
    operator: Authorized<Operators>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: JsonBody<OfficeConfigDto>,
) -> Result<HttpResponse, ApiError> {
    let id = municipality_in_path(&path)?;
    municipalities::municipality(&state, id.clone()).await?;
    let office = body.into_inner().into_new_office(id)?;
    let made = municipalities::create_office(&state, &Actor::from(&operator), office).await?;
    Ok(HttpResponse::Created().json(OfficeConfigDto::from(&made)))
}
