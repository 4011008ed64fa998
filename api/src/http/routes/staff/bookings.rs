//! Staff work on bookings (R10, R11, R18): booking for citizens by phone and
//! at the Infotheke from the one pool, lookup, moving (R20), cancelling.

use crate::auth::{AnyStaff, Bookers};
use crate::http::dto::{BookingDto, BookingRequestDto, CreatedBookingDto, MoveDto};
use crate::http::error::{ApiError, BodyLimits, Problem, StaffAuth};
use crate::http::extract::{Authorized, BookingPath, CodePath, IdempotencyKey, JsonBody};
use crate::http::routes::citizen::bookings::{created, move_request, new_booking};
use crate::state::AppState;
use crate::usecases::booking::{self, ChangeAuth};
use crate::usecases::staff::{Actor, bookings};
use actix_web::{HttpResponse, delete, get, patch, post, web};

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
        (status = 404, description = "An office the user does not act on, as an unknown one (`unknown_office`, R29)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Taken meanwhile (`slot_taken`, `day_tickets_exhausted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (as for online booking)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/bookings")]
pub async fn staff_book(
    staff: Authorized<Bookers>,
    state: web::Data<AppState>,
    body: JsonBody<BookingRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let channel = staff
        .role
        .booking_channel()
        .ok_or_else(|| ApiError::internal(&"a booking role without a channel"))?;
    let request = new_booking(body.into_inner(), channel, Some(staff.username.clone()))?;
    let kind = request.kind;
    let made = crate::http::routes::citizen::bookings::counted(
        &state,
        channel,
        Some(kind),
        bookings::book(&state, Actor::from(&staff), request)
            .await
            .map_err(ApiError::from),
    )?;
    tracing::info!(booking = %made.booking.id, by = %staff.username, %channel, "booked by staff");
    Ok(created(made))
}

/// A booking by id, with personal data.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        StaffAuth,
        (status = 200, description = "The booking", body = BookingDto),
        (status = 404, description = "No such booking, or one of an office the user does not act on (`not_found`, R29)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/bookings/{id}")]
pub async fn staff_get_booking(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
) -> Result<web::Json<BookingDto>, ApiError> {
    let booking = bookings::booking(&state, Actor::from(&staff), id).await?;
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
        (status = 404, description = "No booking has this code, or one of an office the user does not act on (`not_found`, R29)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/staff/bookings/by-code/{code}")]
pub async fn booking_by_code(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    CodePath(code): CodePath,
) -> Result<web::Json<BookingDto>, ApiError> {
    let booking = bookings::booking_by_code(&state, Actor::from(&staff), code).await?;
    Ok(web::Json(booking.into()))
}

/// Cancels a booking of the user's offices (R18, R29); the time is free at
/// once. Audited.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        StaffAuth,
        (status = 204, description = "Cancelled"),
        (status = 404, description = "No such booking, or one of an office the user does not act on (`not_found`, R29)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`already_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The appointment has begun (`appointment_passed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/staff/bookings/{id}")]
pub async fn staff_cancel(
    staff: Authorized<AnyStaff>,
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
) -> Result<HttpResponse, ApiError> {
    booking::cancel(&state, id, ChangeAuth::Staff(Actor::from(&staff))).await?;
    tracing::info!(booking = %id, by = %staff.username, "cancelled by staff");
    Ok(HttpResponse::NoContent().finish())
}

/// Moves a booking to another start, optionally with other services (R20),
/// in one step: if the new time cannot be had, nothing changes. Audited.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Optional: a repeated move answers the same anyway; the same key with another move within 24 h is refused (422 `idempotency_key_reused`)"),
    ),
    request_body = MoveDto,
    responses(
        BodyLimits,
        StaffAuth,
        (status = 200, description = "Moved; id, code and token stay", body = BookingDto),
        (status = 400, description = "Malformed body (`invalid_body`) or Idempotency-Key (`invalid_idempotency_key`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role does not book (`forbidden_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or one of an office the user does not act on (`not_found`, R29)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new time was taken (`slot_taken`), or the booking is cancelled (`already_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (as for booking; `idempotency_key_reused`), the appointment has begun (`appointment_passed`), or a Tagesticket to another day (`day_ticket_other_day`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/staff/bookings/{id}")]
pub async fn staff_move(
    staff: Authorized<Bookers>,
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody<MoveDto>,
) -> Result<web::Json<BookingDto>, ApiError> {
    let request = move_request(body.into_inner())?;
    let auth = ChangeAuth::Staff(Actor::from(&staff));
    let moved = booking::move_booking(&state, id, auth, request, key).await?;
    tracing::info!(booking = %id, by = %staff.username, "moved by staff");
    Ok(web::Json(moved.into()))
}
