//! Holding a slot while the citizen types (R19): hold, look, extend,
//! release, confirm into a booking.

use super::bookings::created;
use crate::http::dto::{ConfirmHoldDto, CreatedHoldDto, HoldDto, HoldExtendedDto, HoldRequestDto};
use crate::http::error::{ApiError, BodyLimits, HoldAccess, Problem};
use crate::http::extract::{
    Altcha, ClientKey, ContactTokenHeader, HoldPath, HoldToken, IdempotencyKey, JsonBody,
    service_ids,
};
use crate::state::AppState;
use crate::usecases::holds;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, delete, get, post, web};
use domain::{BookingError, Citizen, OfficeId, Postcode};
use persistence::NewHold;

/// Holds a slot for the office's hold time (Kaarst: 10 minutes).
///
/// A Tagesticket hold needs the proof of work where the office asks for it
/// (its confirmation then needs none); one client address holds one
/// Tagesticket at a time.
#[utoipa::path(
    tag = "citizens",
    request_body = HoldRequestDto,
    params(
        ("X-Altcha" = Option<String>, Header, description = "A solved challenge of `GET /api/v1/challenge`, where the office asks for one (R26; Kaarst: with Tagestickets)"),
        ("X-Contact-Token" = Option<String>, Header, description = "A contact token of `POST /api/v1/verifications/{id}/confirm`, where the office asks for a verified contact (R33): its mailbox holds one live Tagesticket hold, and the hold is confirmed for it"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Any unique string (e.g. a UUID) to make retrying safe: the same key with the same body from the same client within 24 h answers with the hold the first request made (with a new token, the first one stops working), never a second hold; with another body 422 `idempotency_key_reused`"),
    ),
    responses(
        BodyLimits,
        (status = 201, description = "Held; `token` is shown only here", body = CreatedHoldDto,
            headers(("Location" = String, description = "The hold: `/api/v1/holds/{id}`"))),
        (status = 400, description = "Malformed body (`invalid_body`) or Idempotency-Key (`invalid_idempotency_key`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Taken meanwhile (`slot_taken`, `day_tickets_exhausted`); a retried request whose hold has expired (`hold_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`idempotency_key_reused`; `hold_limit`: this address holds 2 slots already, or a Tagesticket and asks for another; `unknown_office`, `unknown_service`, `off_grid`, `outside_opening_hours`, `holiday`, `closure_day`, `in_past`, `before_lead_time`, `beyond_horizon`, `day_ticket_not_released`, `day_ticket_not_today`, `not_a_day_ticket_day`, `challenge_required`, `challenge_invalid`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/holds")]
pub async fn create_hold(
    state: web::Data<AppState>,
    altcha: Altcha,
    ContactTokenHeader(contact_token): ContactTokenHeader,
    ClientKey(client): ClientKey,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody<HoldRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let office = OfficeId::parse(&body.office)
        .map_err(|_| BookingError::UnknownOffice(body.office.clone()))?;
    let request = NewHold {
        office,
        services: service_ids(&body.services)?,
        start: body.start,
        kind: body.kind.0,
        client,
        challenge: altcha.verify(&state)?,
        contact_token,
        idempotency_key: key,
    };
    let made = holds::hold(&state, request).await?;
    tracing::info!(hold = %made.hold.id, office = %made.hold.office, kind = %made.hold.kind, "held");
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/holds/{}", made.hold.id)))
        .json(CreatedHoldDto {
            hold: made.hold.into(),
            token: made.token,
        }))
}

/// A live hold, for the holder of its token (e.g. to show the countdown).
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Hold id"),
        ("X-Hold-Token" = String, Header, description = "The token returned when holding"),
    ),
    responses(
        (status = 200, description = "The hold", body = HoldDto),
        HoldAccess,
        (status = 409, description = "Expired, released, confirmed, or the token does not fit (`hold_expired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/holds/{id}")]
pub async fn get_hold(
    state: web::Data<AppState>,
    HoldPath(id): HoldPath,
    HoldToken(token): HoldToken,
) -> Result<web::Json<HoldDto>, ApiError> {
    let hold = holds::held(&state, id, token).await?;
    Ok(web::Json(hold.into()))
}

/// Extends a live hold by the office's hold time, up to 3 times (a Tagesticket hold once).
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Hold id"),
        ("X-Hold-Token" = String, Header, description = "The token returned when holding"),
    ),
    responses(
        (status = 200, description = "Extended", body = HoldExtendedDto),
        HoldAccess,
        (status = 409, description = "Expired or gone (`hold_expired`), or extended 3 times already, a Tagesticket hold once (`hold_extensions_used`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/holds/{id}/extend")]
pub async fn extend_hold(
    state: web::Data<AppState>,
    HoldPath(id): HoldPath,
    HoldToken(token): HoldToken,
) -> Result<web::Json<HoldExtendedDto>, ApiError> {
    let hold = holds::extend(&state, id, token).await?;
    Ok(web::Json(HoldExtendedDto {
        expires_at: hold.expires_at,
        extensions_left: hold.extensions_left,
    }))
}

/// Releases a hold: the slot is free at once.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Hold id"),
        ("X-Hold-Token" = String, Header, description = "The token returned when holding"),
    ),
    responses(
        (status = 204, description = "Released"),
        HoldAccess,
        (status = 409, description = "Expired or gone already (`hold_expired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/holds/{id}")]
pub async fn release_hold(
    state: web::Data<AppState>,
    HoldPath(id): HoldPath,
    HoldToken(token): HoldToken,
) -> Result<HttpResponse, ApiError> {
    holds::release(&state, id, token).await?;
    tracing::info!(hold = %id, "released");
    Ok(HttpResponse::NoContent().finish())
}

/// Turns a live hold into a booking for the citizen; it cannot fail for
/// capacity while the hold lives (R19).
#[utoipa::path(
    tag = "citizens",
    request_body = ConfirmHoldDto,
    params(
        ("id" = Uuid, Path, description = "Hold id"),
        ("X-Hold-Token" = String, Header, description = "The token returned when holding"),
        ("X-Contact-Token" = Option<String>, Header, description = "A contact token for the citizen's e-mail, where the office asks for a verified contact (R33); a hold made with one is confirmed for that mailbox only"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Any unique string (e.g. a UUID) to make retrying safe: the same key with the same hold token and citizen within 24 h answers with the booking the first request made (with a new token), instead of `hold_expired`; with another body 422 `idempotency_key_reused`"),
    ),
    responses(
        BodyLimits,
        (status = 201, description = "Booked; the booking's own `token` is shown only here", body = crate::http::dto::CreatedBookingDto,
            headers(("Location" = String, description = "The booking: `/api/v1/bookings/{id}`"))),
        (status = 400, description = "Malformed body (`invalid_body`) or Idempotency-Key (`invalid_idempotency_key`)", body = Problem, content_type = "application/problem+json"),
        HoldAccess,
        (status = 409, description = "Expired or gone (`hold_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`idempotency_key_reused`, the citizen's data (`invalid_name`, `contact_required`, `invalid_email`, `invalid_phone`, `invalid_postcode`, `not_resident`, `contact_limit`, `contact_unverified`) or the start has passed (`in_past`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/holds/{id}/booking")]
pub async fn confirm_hold(
    state: web::Data<AppState>,
    HoldPath(id): HoldPath,
    HoldToken(token): HoldToken,
    ContactTokenHeader(contact_token): ContactTokenHeader,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody<ConfirmHoldDto>,
) -> Result<HttpResponse, ApiError> {
    let c = body.into_inner().citizen;
    let postcode = c.postcode.as_deref().map(Postcode::parse).transpose()?;
    let citizen =
        Citizen::new(&c.name, c.email.as_deref(), c.phone.as_deref())?.with_postcode(postcode);
    let made = super::bookings::counted(
        &state,
        domain::Channel::Online,
        None,
        holds::confirm(&state, id, token, citizen, contact_token, key)
            .await
            .map_err(ApiError::from),
    )?;
    tracing::info!(booking = %made.booking.id, hold = %id, "hold confirmed");
    Ok(created(made))
}
