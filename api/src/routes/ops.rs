//! Health, readiness and metrics for the orchestrator.

use crate::error::{ApiError, Problem};
use crate::metrics::Shared;
use crate::state::AppState;
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
    state.run(|store, _| store.ping()).await?;
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
    let cache = &state.metrics.database;
    // Issue #23: one scrape's database figures serve every scrape of the
    // next few seconds, so a flood of scrapes does not reach the database;
    // a write this process answered since reads them again.
    let mut cached = cache.lock().await;
    let writes = state.metrics.writes();
    let figures = match &*cached {
        Some((at, seen, figures)) if at.elapsed() < state.metrics.keep && *seen == writes => {
            figures.clone()
        }
        _ => {
            let figures = state
                .run(|store, now| {
                    let mut day_tickets_left = Vec::new();
                    let today = domain::day_ticket_date(now);
                    for office in store.offices()? {
                        if office.day_ticket_on(today).is_some() {
                            let offer =
                                store.day_tickets(&office.id, &[], domain::Channel::Online, now)?;
                            day_tickets_left.push((office.id.as_str().to_owned(), offer.remaining));
                        }
                    }
                    Ok((store.message_counts()?, day_tickets_left))
                })
                .await?;
            *cached = Some((std::time::Instant::now(), writes, figures.clone()));
            figures
        }
    };
    drop(cached);
    let (outbox, day_tickets_left) = figures;
    let shared = Shared {
        outbox,
        day_tickets_left,
        pool: state.store.pool_state(),
    };
    let text = state
        .metrics
        .render(&shared)
        .map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}
