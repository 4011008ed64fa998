//! At the counter (R28): check-in, the call, served, no-show and the queue.
//! Every role may do it (the desk checks in, the clerk calls), on the
//! offices the user acts on (R29).

use crate::auth::AnyStaff;
use crate::http::dto::{BookingDto, NextDto, QueueDto};
use crate::http::error::{ApiError, BodyLimits, Problem, StaffAuth};
use crate::http::extract::{Authorized, BookingPath, JsonBody, OfficePath};
use crate::state::AppState;
use crate::usecases::staff::{Actor, counter};
use actix_web::{get, post, web};

/// Checks a booking in on arrival: on its appointment's day, early arrivals
/// welcome (R28). Audited (`booking.check_in`).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id (look it up by code first)")),
    responses(
        StaffAuth,
        (status = 200, description = "Checked in: waiting in the queue", body = BookingDto),
        (status = 404, description = "No such booking, or one of an office the user does not act on (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_checked_in`, `already_called`, `already_served`, `marked_no_show`, `already_cancelled`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not the appointment's day (`check_in_too_early`, `check_in_day_passed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/bookings/{id}/check-in")]
pub async fn check_in(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
) -> Result<web::Json<BookingDto>, ApiError> {
    let booking = counter::check_in(&state, Actor::from(&staff), id).await?;
    Ok(web::Json(booking.into()))
}

/// Calls the next checked-in booking of the office today to the clerk's
/// counter, in order of appointment time (Tagestickets in the same queue).
/// Two clerks pressing at once never get the same citizen (R28). Audited
/// (`booking.call`); the display shows the call.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    request_body = NextDto,
    responses(
        BodyLimits,
        StaffAuth,
        (status = 200, description = "The booking called", body = BookingDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or one the user does not act on (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No one is waiting (`queue_empty`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The office has no such counter (`no_such_counter`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/offices/{office}/queue/next")]
pub async fn call_next(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    body: JsonBody<NextDto>,
) -> Result<web::Json<BookingDto>, ApiError> {
    let counter = body.into_inner().counter;
    let booking = counter::call_next(&state, Actor::from(&staff), office, counter).await?;
    Ok(web::Json(booking.into()))
}

/// Closes a called booking as served (R28). Audited (`booking.served`).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        StaffAuth,
        (status = 200, description = "Served", body = BookingDto),
        (status = 404, description = "No such booking, or one of an office the user does not act on (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not called (`not_called`), or `already_served`, `marked_no_show`, `already_cancelled`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/bookings/{id}/done")]
pub async fn done(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
) -> Result<web::Json<BookingDto>, ApiError> {
    let booking = counter::serve(&state, Actor::from(&staff), id).await?;
    Ok(web::Json(booking.into()))
}

/// Marks a booking not checked in as a no-show, from its start plus the
/// office's `no_show_grace_minutes` (R28; Kaarst 10). Audited
/// (`booking.no_show`).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        StaffAuth,
        (status = 200, description = "Marked as a no-show", body = BookingDto),
        (status = 404, description = "No such booking, or one of an office the user does not act on (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_checked_in`, `already_called`, `already_served`, `marked_no_show`, `already_cancelled`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Before the start plus the grace time (`no_show_too_early`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/bookings/{id}/no-show")]
pub async fn no_show(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
) -> Result<web::Json<BookingDto>, ApiError> {
    let booking = counter::no_show(&state, Actor::from(&staff), id).await?;
    Ok(web::Json(booking.into()))
}

/// Today's queue of an office: who waits since when (in the order they
/// will be called), and who is being served at which counter (R28).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    responses(
        StaffAuth,
        (status = 200, description = "The queue", body = QueueDto),
        (status = 404, description = "Unknown office, or one the user does not act on (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/offices/{office}/queue")]
pub async fn queue(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
) -> Result<web::Json<QueueDto>, ApiError> {
    let queue = counter::queue(&state, Actor::from(&staff), office).await?;
    Ok(web::Json(queue.into()))
}
