//! Booking online, and the citizen's own booking by its secret (R17, R18).

use crate::http::dto::{BookingDto, BookingRequestDto, CreatedBookingDto, MoveDto};
use crate::http::error::{ApiError, BodyLimits, Problem};
use crate::http::extract::{
    Altcha, BookingPath, BookingToken, ClientKey, ContactTokenHeader, HolderAuth, IdempotencyKey,
    JsonBody, service_ids,
};
use crate::state::AppState;
use crate::usecases::booking;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::{BookingError, Channel, Citizen, OfficeId, Postcode, Username};
use persistence::{CreatedBooking, MoveRequest, NewBooking};

/// Turns a request body into the store's request, for any channel. An
/// office in the body that does not exist is a rule error (422), not a
/// missing resource.
pub(crate) fn new_booking(
    body: BookingRequestDto,
    channel: Channel,
    created_by: Option<Username>,
) -> Result<NewBooking, ApiError> {
    let office = OfficeId::parse(&body.office)
        .map_err(|_| BookingError::UnknownOffice(body.office.clone()))?;
    let c = &body.citizen;
    let postcode = c.postcode.as_deref().map(Postcode::parse).transpose()?;
    let citizen =
        Citizen::new(&c.name, c.email.as_deref(), c.phone.as_deref())?.with_postcode(postcode);
    Ok(NewBooking {
        office,
        services: service_ids(&body.services)?,
        start: body.start,
        kind: body.kind.0,
        channel,
        citizen,
        created_by,
        challenge: None,
        contact_token: None,
        idempotency_key: None,
    })
}

/// Turns a move's body into the store's request (R20).
pub(crate) fn move_request(body: MoveDto) -> Result<MoveRequest, ApiError> {
    Ok(MoveRequest {
        start: body.start,
        services: body.services.as_deref().map(service_ids).transpose()?,
    })
}

/// Counts a booking attempt's outcome in the metrics, by channel and kind
/// (a refusal by its code), and passes it on.
pub(crate) fn counted(
    state: &AppState,
    channel: Channel,
    kind: Option<domain::BookingKind>,
    outcome: Result<CreatedBooking, ApiError>,
) -> Result<CreatedBooking, ApiError> {
    match &outcome {
        Ok(made) => state.metrics.booked(channel, made.booking.kind),
        Err(e) => state.metrics.refused(channel, kind, e.code().as_str()),
    }
    outcome
}

/// The answer to a booking made: 201 with the booking and its token.
pub(crate) fn created(made: CreatedBooking) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/bookings/{}", made.booking.id)))
        .json(CreatedBookingDto {
            booking: made.booking.into(),
            token: made.token,
        })
}

/// Books an appointment or a Tagesticket online.
#[utoipa::path(
    tag = "citizens",
    request_body = BookingRequestDto,
    params(
        ("X-Altcha" = Option<String>, Header, description = "A solved challenge of `GET /api/v1/challenge` (base64 of the solution's JSON), where the office asks for one (R26; Kaarst: with Tagestickets)"),
        ("X-Contact-Token" = Option<String>, Header, description = "A contact token of `POST /api/v1/verifications/{id}/confirm` for the booking's e-mail, where the office asks for a verified contact (R33, setting `verify_contact`)"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Any unique string (e.g. a UUID) to make retrying safe: the same key with the same body from the same client (address, IPv6 per /64) within 24 h answers with the booking the first request made (with a new token, the first one stops working), never a second booking; with another body, or from another client, 422 `idempotency_key_reused`"),
    ),
    responses(
        BodyLimits,
        (status = 201, description = "Booked; `token` is shown only here", body = CreatedBookingDto),
        (status = 400, description = "Malformed body (`invalid_body`) or Idempotency-Key (`invalid_idempotency_key`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Taken meanwhile (`slot_taken`, `day_tickets_exhausted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`unknown_office`, `unknown_service`, `off_grid`, `outside_opening_hours`, `holiday`, `closure_day`, `in_past`, `before_lead_time`, `beyond_horizon`, `day_ticket_not_released`, `day_ticket_not_today`, `not_a_day_ticket_day`, `invalid_name`, `contact_required`, `invalid_email`, `invalid_phone`, `challenge_required`, `challenge_invalid`, `contact_unverified`, `contact_limit`, `not_resident`, `idempotency_key_reused`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/bookings")]
pub async fn create_booking(
    state: web::Data<AppState>,
    altcha: Altcha,
    ContactTokenHeader(contact_token): ContactTokenHeader,
    ClientKey(client): ClientKey,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody<BookingRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let mut request = new_booking(body.into_inner(), Channel::Online, None)?;
    request.challenge = altcha.verify(&state)?;
    request.contact_token = contact_token;
    // Bound to the client address (issue #23): from another, the same key
    // is another request (422 `idempotency_key_reused`).
    request.idempotency_key = key.map(|key| persistence::IdempotencyKey::from_client(key, client));
    let kind = request.kind;
    let outcome = booking::book_online(&state, request)
        .await
        .map_err(ApiError::from);
    let made = counted(&state, Channel::Online, Some(kind), outcome)?;
    tracing::info!(booking = %made.booking.id, office = %made.booking.office, kind = %made.booking.kind, "booked online");
    Ok(created(made))
}

/// A booking, for the holder of its token or (R33, "Meine Termine") of a
/// contact token of its e-mail address.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = Option<String>, Header, description = "The token returned when booking; or instead:"),
        ("X-Contact-Token" = Option<String>, Header, description = "R33: a contact token of the booking's e-mail address (`POST /api/v1/verifications`)"),
    ),
    responses(
        (status = 200, description = "The booking", body = BookingDto),
        (status = 401, description = "Neither token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`; so does a contact token of another address or an expired one)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/bookings/{id}")]
pub async fn get_booking(
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    HolderAuth(auth): HolderAuth,
) -> Result<web::Json<BookingDto>, ApiError> {
    let booking = booking::booking(&state, id, auth).await?;
    Ok(web::Json(booking.into()))
}

/// Cancels a booking, for the holder of its token or of a contact token of
/// its e-mail address (R33); the time is free at once.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = Option<String>, Header, description = "The token returned when booking; or instead:"),
        ("X-Contact-Token" = Option<String>, Header, description = "R33: a contact token of the booking's e-mail address (`POST /api/v1/verifications`)"),
    ),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 401, description = "Neither token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`; so does a contact token of another address or an expired one)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`already_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The appointment has begun (`appointment_passed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/bookings/{id}")]
pub async fn cancel_booking(
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    HolderAuth(auth): HolderAuth,
) -> Result<HttpResponse, ApiError> {
    booking::cancel(&state, id, auth).await?;
    tracing::info!(booking = %id, "cancelled by its holder");
    Ok(HttpResponse::NoContent().finish())
}

/// Moves a booking to another start, optionally with other services (R20),
/// in one step: if the new time cannot be had, nothing changes. Id, code and
/// token stay. For the holder of its token or of a contact token of its
/// e-mail address (R33).
#[utoipa::path(
    tag = "citizens",
    request_body = MoveDto,
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = Option<String>, Header, description = "The token returned when booking; or instead:"),
        ("X-Contact-Token" = Option<String>, Header, description = "R33: a contact token of the booking's e-mail address (`POST /api/v1/verifications`)"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Optional: a repeated move answers the same anyway; the same key with another move within 24 h is refused (422 `idempotency_key_reused`)"),
    ),
    responses(
        BodyLimits,
        (status = 200, description = "Moved", body = BookingDto),
        (status = 400, description = "Malformed body (`invalid_body`) or Idempotency-Key (`invalid_idempotency_key`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`; so does a contact token of another address or an expired one)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new time was taken (`slot_taken`), or the booking is cancelled (`already_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (as for booking; `idempotency_key_reused`), the appointment has begun (`appointment_passed`), or a Tagesticket to another day (`day_ticket_other_day`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/bookings/{id}")]
pub async fn move_booking(
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    HolderAuth(auth): HolderAuth,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody<MoveDto>,
) -> Result<web::Json<BookingDto>, ApiError> {
    let request = move_request(body.into_inner())?;
    let moved = booking::move_booking(&state, id, auth, request, key).await?;
    tracing::info!(booking = %id, "moved by its holder");
    Ok(web::Json(moved.into()))
}

/// The booking's calendar entry as it is now (RFC 5545): `METHOD:REQUEST`,
/// or `METHOD:CANCEL` with `STATUS:CANCELLED` once cancelled; `UID` stable
/// per booking, `SEQUENCE` rising with every change; times in UTC (R23).
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = String, Header, description = "The token returned when booking"),
    ),
    responses(
        (status = 200, description = "The calendar entry", body = String, content_type = "text/calendar; charset=utf-8"),
        (status = 401, description = "No token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/bookings/{id}/calendar.ics")]
pub async fn booking_calendar(
    state: web::Data<AppState>,
    BookingPath(id): BookingPath,
    BookingToken(token): BookingToken,
) -> Result<HttpResponse, ApiError> {
    let body = booking::calendar(&state, id, token).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body))
}
