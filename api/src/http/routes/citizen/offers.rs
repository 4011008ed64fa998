//! What can be booked: slot search (R9) and today's Tagesticket offer
//! (R12–R15).

use crate::http::dto::{DayTicketsDto, SlotsDto};
use crate::http::error::{ApiError, ErrorCode, Problem};
use crate::http::etag::conditional;
use crate::http::extract::{MultiQuery, OfficePath, parse_date, service_ids};
use crate::state::AppState;
use crate::usecases::offers;
use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::Channel;
use serde::Deserialize;
use std::sync::Arc;
use time::Date;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    /// A service id; repeat the parameter to book a service more than once.
    #[serde(default)]
    #[param(example = json!(["personalausweis", "anmeldung"]))]
    service: Vec<String>,
    /// First day to search (`YYYY-MM-DD`); default: the first bookable day.
    #[param(value_type = Option<String>, format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-03")]
    from: Option<String>,
    /// Last day to search; default: 13 days after `from`. Capped at the horizon.
    #[param(value_type = Option<String>, format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-16")]
    to: Option<String>,
}

impl SlotQuery {
    /// `from` and `to` as dates, `from` not after `to`.
    fn range(&self) -> Result<(Option<Date>, Option<Date>), ApiError> {
        let from = self
            .from
            .as_deref()
            .map(|v| parse_date("from", v))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .map(|v| parse_date("to", v))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            let detail = format!("`from` ({f}) is after `to` ({t})");
            return Err(ApiError::unprocessable(ErrorCode::InvalidRange, detail));
        }
        Ok((from, to))
    }
}

/// Bookable regular appointments for a selection of services, and the earliest.
#[utoipa::path(
    tag = "citizens",
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), SlotQuery,
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of an earlier answer")),
    responses(
        (status = 200, description = "Every bookable start in the range and the earliest", body = SlotsDto,
            headers(("ETag" = String, description = "The answer's version: send it as `If-None-Match` to get 304 while nothing changed"),
                    ("Cache-Control" = String, description = "`no-cache`: revalidate every time"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`",
            headers(("ETag" = String, description = "The answer's version"))),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`invalid_range`: `from` after `to`; `no_services`, `unknown_service`, `service_retired`, `too_many_of_service`, `appointment_too_long`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/slots")]
pub async fn search_slots(
    req: HttpRequest,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    MultiQuery(q): MultiQuery<SlotQuery>,
) -> Result<HttpResponse, ApiError> {
    let services = service_ids(&q.service)?;
    let (from, to) = q.range()?;
    let publish = |offer| serde_json::to_vec(&SlotsDto::from(offer));
    let answer = offers::slots(&state, id, services, (from, to), publish).await?;
    Ok(conditional(&req, answer.body, answer.etag))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DayTicketQuery {
    /// The services wanted; with them, `slots` lists the free times today.
    #[serde(default)]
    #[param(example = json!(["ausweis-abholung"]))]
    service: Vec<String>,
}

/// Today's Tagesticket contingent: whether it is open, what remains, and free times.
#[utoipa::path(
    tag = "citizens",
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), DayTicketQuery,
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of an earlier answer")),
    responses(
        (status = 200, description = "Today's Tagesticket situation for online booking", body = DayTicketsDto,
            headers(("ETag" = String, description = "The answer's version: send it as `If-None-Match` to get 304 while nothing changed (the 07:00 refreshers)"),
                    ("Cache-Control" = String, description = "`no-cache`: revalidate every time"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`",
            headers(("ETag" = String, description = "The answer's version"))),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`unknown_service`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/day-tickets")]
pub async fn day_tickets(
    req: HttpRequest,
    state: web::Data<AppState>,
    office: OfficePath,
    query: MultiQuery<DayTicketQuery>,
) -> Result<HttpResponse, ApiError> {
    let OfficePath(id) = office;
    let services = service_ids(&query.0.service)?;
    let publish = |offer| serde_json::to_vec(&DayTicketsDto::from(offer));
    let answer = offers::day_tickets(&state, id, services, publish).await?;
    Ok(conditional(&req, answer.body, answer.etag))
}

/// Today's Tagesticket situation of an office as `channel` sees it (R13:
/// online from 07:00, the desk and the telephone from 08:00).
pub(crate) async fn day_ticket_status(
    state: &Arc<AppState>,
    OfficePath(id): OfficePath,
    MultiQuery(q): MultiQuery<DayTicketQuery>,
    channel: Channel,
) -> Result<web::Json<DayTicketsDto>, ApiError> {
    let services = service_ids(&q.service)?;
    let offer = offers::day_ticket_status(state, id, services, channel).await?;
    Ok(web::Json(offer.into()))
}
