//! The citizen's rights over their data (R31, GDPR Art. 15 and 17), with
//! the booking's secret.

use crate::http::dto::{BookingDto, HeldDataDto};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{BookingPath, BookingToken};
use crate::state::AppState;
use crate::usecases::privacy;
use actix_web::{delete, get, web};

/// Everything held on the booking (Art. 15): the booking with the citizen's
/// data, the messages sent or due about it, and the staff's actions on it.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = String, Header, description = "The token returned when booking"),
    ),
    responses(
        (status = 200, description = "All data held on the booking", body = HeldDataDto),
        (status = 401, description = "No token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/bookings/{id}/data")]
pub async fn held_data(
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    BookingToken(token): BookingToken,
) -> Result<web::Json<HeldDataDto>, ApiError> {
    let held = privacy::held_data(&state, id, token).await?;
    Ok(web::Json(held.into()))
}

/// Erases the citizen's personal data on the booking at once (Art. 17): a
/// booking still to come is cancelled first (its time is free again).
/// What stays is anonymous: the booking's kind, channel, time and steps,
/// for the statistics (R30).
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = String, Header, description = "The token returned when booking"),
    ),
    responses(
        (status = 200, description = "Erased: the anonymous booking that stays", body = BookingDto),
        (status = 401, description = "No token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/bookings/{id}/data")]
pub async fn erase_data(
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    BookingToken(token): BookingToken,
) -> Result<web::Json<BookingDto>, ApiError> {
    let erased = privacy::erase(&state, id, token).await?;
    tracing::info!(booking = %id, "personal data erased at the citizen's request");
    Ok(web::Json(erased.into()))
}
