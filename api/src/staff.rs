//! Staff work (R10, R11, R13, R15, R18): booking for citizens by phone and at
//! the Infotheke from the one pool, the day's list, lookup and cancelling.

use crate::AppState;
use crate::auth::{AnyStaff, Authorized, Bookers};
use crate::citizen::{
    book, booking_id, day_ticket_status, new_booking, not_found_to_unknown_office, office_id,
};
use crate::error::{ApiError, BodyLimits, Problem, StaffAuth};
use crate::model::{BookingDto, BookingRequestDto, CreatedBookingDto, DayTicketsDto, parse_date};
use actix_web::{HttpResponse, delete, get, post, web};
use persistence::CancelAuth;
use serde::Deserialize;
use utoipa::IntoParams;

/// Books for a citizen from the same pool as online (R10). The channel is
/// the caller's: `phone` for the telephone service, `desk` for the Infotheke
/// (and admins); Tagestickets from the staff release time (08:00, R13).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    request_body = BookingRequestDto,
    responses(
        BodyLimits,
        StaffAuth,
        (status = 201, description = "Booked; hand the code (and token) to the citizen", body = CreatedBookingDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role does not book (`forbidden_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Taken meanwhile (`slot_taken`, `day_tickets_exhausted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (as for online booking)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/bookings")]
pub async fn staff_book(
    staff: Authorized<Bookers>,
    state: web::Data<AppState>,
    body: web::Json<BookingRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let channel = staff
        .role
        .booking_channel()
        .ok_or_else(|| ApiError::internal(&"a booking role without a channel"))?;
    let request = new_booking(body.into_inner(), channel, Some(staff.username.clone()))?;
    let created = book(&state, request).await?;
    tracing::info!(booking = %created.booking.id, by = %staff.username, channel = channel.as_str(), "booked by staff");
    Ok(HttpResponse::Created().json(CreatedBookingDto {
        booking: created.booking.into(),
        token: created.token,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// The day (`YYYY-MM-DD`); default today.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-03")]
    date: Option<String>,
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
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/offices/{office}/appointments")]
pub async fn appointments(
    _staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<DayQuery>,
) -> Result<web::Json<Vec<BookingDto>>, ApiError> {
    let raw = path.into_inner();
    let id = office_id(&raw)?;
    let date = match &query.date {
        Some(d) => parse_date("date", d)?,
        None => domain::Berlin::today(state.clock.now()),
    };
    let store = state.store.clone();
    let list = web::block(move || -> Result<_, ApiError> {
        store
            .office(&id)
            .map_err(|e| not_found_to_unknown_office(e, &raw))?;
        Ok(store.day_appointments(&id, date)?)
    })
    .await??;
    Ok(web::Json(list.into_iter().map(Into::into).collect()))
}

/// Today's Tagesticket situation as the Infotheke and telephone see it
/// (released at 08:00).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), crate::citizen::DayTicketQuery),
    responses(
        StaffAuth,
        (status = 200, description = "Today's contingent for staff", body = DayTicketsDto),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown service", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/offices/{office}/day-tickets")]
pub async fn staff_day_tickets(
    _staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<web::Json<DayTicketsDto>, ApiError> {
    day_ticket_status(&state, path.into_inner(), &req, domain::Channel::Desk)
        .await
        .map(web::Json)
}

/// A booking by id, with personal data.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        StaffAuth,
        (status = 200, description = "The booking", body = BookingDto),
        (status = 404, description = "No such booking (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/bookings/{id}")]
pub async fn staff_get_booking(
    _staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<BookingDto>, ApiError> {
    let id = booking_id(&path)?;
    let store = state.store.clone();
    let booking = web::block(move || store.booking(id)).await??;
    Ok(web::Json(booking.into()))
}

/// A booking by the code the citizen quotes (case, spaces and dashes ignored).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Booking code", example = "K7M3QX9A")),
    responses(
        StaffAuth,
        (status = 200, description = "The booking", body = BookingDto),
        (status = 404, description = "No booking has this code (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/bookings/by-code/{code}")]
pub async fn booking_by_code(
    _staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<BookingDto>, ApiError> {
    let code = path.into_inner();
    let store = state.store.clone();
    let booking = web::block(move || store.booking_by_code(&code)).await??;
    Ok(web::Json(booking.into()))
}

/// Cancels any booking (R18); the time is free at once. Audited.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        StaffAuth,
        (status = 204, description = "Cancelled"),
        (status = 404, description = "No such booking (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`already_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The appointment has begun (`appointment_passed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/staff/bookings/{id}")]
pub async fn staff_cancel(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = booking_id(&path)?;
    let now = state.clock.now();
    let store = state.store.clone();
    let actor = staff.username.clone();
    web::block(move || store.cancel(id, CancelAuth::Staff { actor: &actor }, now)).await??;
    tracing::info!(booking = %id, by = %staff.username, "cancelled by staff");
    Ok(HttpResponse::NoContent().finish())
}
