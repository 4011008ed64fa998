//! The Tagesticket draw (R27), where an office gives its Tagestickets out
//! by lot: a request in the hour before the online release, and what it
//! came to.

use crate::http::dto::{CreatedRequestDto, DrawRequestDto, DrawRequestStatusDto, RequestStatusDto};
use crate::http::error::{ApiError, BodyLimits, Problem};
use crate::http::extract::{
    Altcha, ContactTokenHeader, JsonBody, OfficePath, RequestPath, RequestToken, service_ids,
};
use crate::state::AppState;
use crate::usecases::draws;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use domain::{Citizen, Postcode, RequestStatus};
use persistence::NewDayTicketRequest;

/// Files a request for today's Tagesticket draw (R27).
///
/// Taken in the hour before the online release (06:00–07:00 where the
/// release is at 07:00), one per e-mail address and phone number a day. At
/// the release the requests are put in a random order and each in turn gets
/// the earliest free start in its window; the rest of the contingent is then
/// first come.
#[utoipa::path(
    tag = "citizens",
    request_body = DrawRequestDto,
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("X-Altcha" = Option<String>, Header, description = "A solved challenge of `GET /api/v1/challenge`, where the office asks for one with Tagestickets (R26)"),
        ("X-Contact-Token" = Option<String>, Header, description = "A contact token of `POST /api/v1/verifications/{id}/confirm` for the request's e-mail, where the office asks for a verified contact (R33)"),
    ),
    responses(
        BodyLimits,
        (status = 202, description = "Filed; `token` (header `X-Request-Token`) is shown only here", body = CreatedRequestDto,
            headers(("Location" = String, description = "The request: `/api/v1/day-tickets/requests/{id}`"))),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This e-mail address or phone number has a request for today already (`already_requested`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`draw_not_used`: the office releases first come; `draw_closed`: outside the hour before the release; `not_a_day_ticket_day`, `invalid_window`, `unknown_service`, `invalid_name`, `contact_required`, `invalid_email`, `invalid_phone`, `invalid_postcode`, `not_resident`, `challenge_required`, `challenge_invalid`, `contact_unverified`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/offices/{office}/day-tickets/requests")]
pub async fn request_day_ticket(
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
    altcha: Altcha,
    ContactTokenHeader(contact_token): ContactTokenHeader,
    body: JsonBody<DrawRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let c = &body.citizen;
    let postcode = c.postcode.as_deref().map(Postcode::parse).transpose()?;
    let citizen =
        Citizen::new(&c.name, c.email.as_deref(), c.phone.as_deref())?.with_postcode(postcode);
    let request = NewDayTicketRequest {
        office,
        services: service_ids(&body.services)?,
        citizen,
        window: body.window.as_ref().map(|w| w.parse()).transpose()?,
        challenge: altcha.verify(&state)?,
        contact_token,
    };
    let made = draws::request(&state, request).await?;
    tracing::info!(request = %made.id, "Tagesticket draw request filed");
    Ok(HttpResponse::Accepted()
        .insert_header((
            LOCATION,
            format!("/api/v1/day-tickets/requests/{}", made.id),
        ))
        .json(CreatedRequestDto {
            id: made.id,
            token: made.token,
            status: RequestStatusDto(RequestStatus::Pending),
        }))
}

/// What a request for the Tagesticket draw came to (R27).
///
/// After the release, the first look runs the draw if no one has yet. A
/// request that `won` shows its booking; the booking's token is in the
/// first answer after the draw only: keep it.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Request id"),
        ("X-Request-Token" = String, Header, description = "The token returned when filing the request"),
    ),
    responses(
        (status = 200, description = "The request", body = DrawRequestStatusDto),
        (status = 401, description = "No token (`request_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or the token does not fit (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/day-tickets/requests/{id}")]
pub async fn day_ticket_request(
    state: web::Data<AppState>,
    RequestPath(id): RequestPath,
    RequestToken(token): RequestToken,
) -> Result<web::Json<DrawRequestStatusDto>, ApiError> {
    let request = draws::status(&state, id, token).await?;
    Ok(web::Json(request.into()))
}
