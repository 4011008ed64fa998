//! Statistics per office and day (R30), as JSON or, with `Accept:
//! text/csv`, as CSV.

use crate::auth::Admins;
use crate::http::dto::{CSV_HEADER, DayStatisticsDto};
use crate::http::error::{AdminAuth, ApiError, Problem};
use crate::http::extract::{Authorized, OfficePath, municipality_in_path, parse_date};
use crate::state::AppState;
use crate::usecases::admin::records;
use crate::usecases::staff::Actor;
use actix_web::http::header::ACCEPT;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    /// The first day (`YYYY-MM-DD`).
    #[param(value_type = String, format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-01")]
    pub(crate) from: String,
    /// The last day (`YYYY-MM-DD`), at most 366 days after `from`.
    #[param(value_type = String, format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-05")]
    pub(crate) to: String,
}

/// Whether the client asks for CSV before JSON.
fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .find(|t| t == "text/csv" || t == "application/json")
        .is_some_and(|t| t == "text/csv")
}

/// Per day of the range: booked, cancelled, served and no-shows by channel;
/// the utilisation of the regular and the held-back capacity; Tagestickets
/// issued and the minute the contingent ran out; the mean wait from
/// check-in to call (R30). From the anonymous facts of the bookings, so
/// right after R31's erasure too; a day that has ended with the capacity
/// and contingent configured on it. CSV with `Accept: text/csv`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), StatisticsQuery),
    responses(
        AdminAuth,
        (status = 200, description = "One entry per day (JSON), or one row per day with a header (`Accept: text/csv`)", content(
            (Vec<DayStatisticsDto> = "application/json"),
            (String = "text/csv", example = "date,booked,booked_online,…\n2026-12-01,40,25,…\n"),
        )),
        (status = 400, description = "Malformed or missing date (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`invalid_range`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/offices/{office}/statistics")]
pub async fn statistics(
    admin: Authorized<Admins>,
    req: HttpRequest,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    query: web::Query<StatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let from = parse_date("from", &query.from)?;
    let to = parse_date("to", &query.to)?;
    let stats = records::statistics(&state, &Actor::from(&admin), office, from, to).await?;
    answer(&req, stats)
}

/// The days as JSON, or as CSV where the client asks for it first.
fn answer(req: &HttpRequest, stats: Vec<domain::DayStatistics>) -> Result<HttpResponse, ApiError> {
    let days: Vec<DayStatisticsDto> = stats.into_iter().map(Into::into).collect();
    if !wants_csv(req) {
        return Ok(HttpResponse::Ok().json(days));
    }
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(CSV_HEADER)
        .map_err(|e| ApiError::internal(&e))?;
    for day in &days {
        csv.write_record(day.csv_row())
            .map_err(|e| ApiError::internal(&e))?;
    }
    let body = csv.into_inner().map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(body))
}

/// R39: a municipality's statistics per day, its offices together: counts
/// and minutes add up (the utilisation is of their capacity together), the
/// contingents add up and ran out when the last office's did, the mean
/// wait is weighted by the served bookings (R30). For its admins and
/// operators; to an admin of another municipality it is unknown. CSV with
/// `Accept: text/csv`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("municipality" = String, Path, description = "Municipality id", example = "kaarst"), StatisticsQuery),
    responses(
        AdminAuth,
        (status = 200, description = "One entry per day (JSON), or one row per day with a header (`Accept: text/csv`)", content(
            (Vec<DayStatisticsDto> = "application/json"),
            (String = "text/csv", example = "date,booked,booked_online,…\n2026-12-01,40,25,…\n"),
        )),
        (status = 400, description = "Malformed or missing date (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality (`unknown_municipality`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`invalid_range`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/municipalities/{municipality}/statistics")]
pub async fn municipality_statistics(
    admin: Authorized<Admins>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<StatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let municipality = municipality_in_path(&path)?;
    let from = parse_date("from", &query.from)?;
    let to = parse_date("to", &query.to)?;
    let admin = Actor::from(&admin);
    let stats = records::municipality_statistics(&state, &admin, municipality, from, to).await?;
    answer(&req, stats)
}
