//! A day at the office for staff: the appointments with personal data, and
//! the Tagestickets as the desk sees them (R11, R13, R15).

use crate::auth::AnyStaff;
use crate::http::dto::{BookingDto, DayTicketsDto};
use crate::http::error::{ApiError, Problem, StaffAuth};
use crate::http::extract::{Authorized, MultiQuery, OfficePath, parse_date};
use crate::http::routes::citizen::offers::{DayTicketQuery, day_ticket_status};
use crate::state::AppState;
use crate::usecases::staff::{Actor, days};
use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// The day (`YYYY-MM-DD`); default today.
    #[param(value_type = Option<String>, format = Date, pattern = "^(19[0-9]{2}|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-03")]
    pub(crate) date: Option<String>,
}

/// A day's appointments of an office with personal data, by start; cancelled
/// ones included (with their status).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), DayQuery),
    responses(
        StaffAuth,
        (status = 200, description = "The day's bookings", body = [BookingDto]),
        (status = 400, description = "Malformed date (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or one the user does not act on (`unknown_office`, R29)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/offices/{office}/appointments")]
pub async fn appointments(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    OfficePath(id): OfficePath,
    query: web::Query<DayQuery>,
) -> Result<web::Json<Vec<BookingDto>>, ApiError> {
    let date = query
        .date
        .as_deref()
        .map(|d| parse_date("date", d))
        .transpose()?;
    let list = days::appointments(&state, Actor::from(&staff), id, date).await?;
    Ok(web::Json(list.into_iter().map(Into::into).collect()))
}

/// Today's Tagesticket situation as the Infotheke and telephone see it
/// (released at 08:00).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), crate::http::routes::citizen::offers::DayTicketQuery),
    responses(
        StaffAuth,
        (status = 200, description = "Today's contingent for staff", body = DayTicketsDto),
        (status = 404, description = "Unknown office, or one the user does not act on (`unknown_office`, R29)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown service", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/offices/{office}/day-tickets")]
pub async fn staff_day_tickets(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    office: OfficePath,
    query: MultiQuery<DayTicketQuery>,
) -> Result<web::Json<DayTicketsDto>, ApiError> {
    Actor::from(&staff).acts_on(&office.0)?;
    day_ticket_status(&state, office, query, domain::Channel::Desk).await
}
