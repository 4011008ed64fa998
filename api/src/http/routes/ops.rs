//! Health, readiness and metrics for the orchestrator.

use crate::http::error::{ApiError, Problem};
use crate::state::AppState;
use crate::usecases::ops;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The database is reachable.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database cannot be reached (`database_unavailable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    ops::ready(&state).await?;
    Ok(web::Json(Health { status: "ready" }))
}

/// Metrics in the OpenMetrics text format (which Prometheus reads).
///
/// Of this process: `terminvergabe_http_requests_total{method, route,
/// status}` and `terminvergabe_http_request_duration_seconds{method, route}`
/// (route templates), `terminvergabe_bookings_total{channel, kind}`,
/// `terminvergabe_booking_refusals_total{channel, kind, reason}`,
/// `terminvergabe_db_pool_connections{state}`. Shared, read from the
/// database: `terminvergabe_outbox_messages{status}` (R23),
/// `terminvergabe_day_tickets_left{office}`.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The metrics (the figures read from the database are up to 5 s old)", body = String, content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"),
        (status = 401, description = "`TERMIN_METRICS_TOKEN` is set and the request lacks `Authorization: Bearer` with it (`missing_token`, `invalid_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database cannot be reached (`database_unavailable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.metrics.authorize(&req)?;
    let shared = ops::scrape(&state).await?;
    let text = state
        .metrics
        .render(&shared)
        .map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}
