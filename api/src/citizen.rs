//! The citizens' endpoints: no authentication.

use crate::AppState;
use crate::error::{ApiError, BodyLimits, Problem};
use crate::model::{
    BookingDto, BookingRequestDto, CreatedBookingDto, DayTicketsDto, OfficeDto, ServiceDto,
    SlotsDto, format_date, parse_date,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use domain::{BookingKind, Channel, Citizen, OfficeId, Selection, ServiceId};
use persistence::{CancelAuth, NewBooking};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// The header that carries a booking's secret token.
pub const TOKEN_HEADER: &str = "X-Booking-Token";

/// A path's office id; an id that cannot exist is as unknown as a missing one.
pub(crate) fn office_id(raw: &str) -> Result<OfficeId, ApiError> {
    OfficeId::parse(raw).map_err(|_| unknown_office(raw))
}

pub(crate) fn unknown_office(raw: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_office",
        format!("there is no office `{raw}`"),
    )
}

pub(crate) fn service_ids(raw: &[String]) -> Result<Vec<ServiceId>, ApiError> {
    raw.iter()
        .map(|s| {
            ServiceId::parse(s).map_err(|_| {
                ApiError::unprocessable(
                    "unknown_service",
                    format!("the office offers no service `{s}`"),
                )
            })
        })
        .collect()
}

pub(crate) fn booking_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::not_found(format!("there is no booking `{raw}`")))
}

pub(crate) fn not_found_to_unknown_office(e: persistence::StoreError, raw: &str) -> ApiError {
    match e {
        persistence::StoreError::NotFound => unknown_office(raw),
        other => other.into(),
    }
}

/// Parses a query string in which keys may repeat (`service=a&service=a`).
fn query<T: serde::de::DeserializeOwned>(req: &HttpRequest) -> Result<T, ApiError> {
    serde_html_form::from_str(req.query_string())
        .map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))
}

/// Every office that takes appointments.
#[utoipa::path(
    tag = "citizens",
    responses((status = 200, description = "The offices", body = [OfficeDto]))
)]
#[get("/api/v1/offices")]
pub async fn list_offices(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<OfficeDto>>, ApiError> {
    let store = state.store.clone();
    let offices = web::block(move || store.offices()).await??;
    Ok(web::Json(
        offices.iter().map(|o| OfficeDto::from(&**o)).collect(),
    ))
}

/// The services an office offers now.
#[utoipa::path(
    tag = "citizens",
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    responses(
        (status = 200, description = "The bookable services", body = [ServiceDto]),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/services")]
pub async fn list_services(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<Vec<ServiceDto>>, ApiError> {
    let raw = path.into_inner();
    let id = office_id(&raw)?;
    let store = state.store.clone();
    let office = web::block(move || store.office(&id))
        .await?
        .map_err(|e| not_found_to_unknown_office(e, &raw))?;
    Ok(web::Json(
        office
            .services
            .iter()
            .filter(|s| s.active)
            .map(|s| ServiceDto {
                id: s.id.as_str().to_owned(),
                name: s.name.clone(),
                duration_minutes: s.minutes,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    /// A service id; repeat the parameter to book a service more than once.
    #[serde(default)]
    #[param(example = json!(["personalausweis", "anmeldung"]))]
    service: Vec<String>,
    /// First day to search (`YYYY-MM-DD`); default: the first bookable day.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-03")]
    from: Option<String>,
    /// Last day to search; default: 13 days after `from`. Capped at the horizon.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-16")]
    to: Option<String>,
}

/// Bookable regular appointments for a selection of services, and the earliest.
#[utoipa::path(
    tag = "citizens",
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), SlotQuery),
    responses(
        (status = 200, description = "Every bookable start in the range and the earliest", body = SlotsDto),
        (status = 400, description = "Malformed query (`invalid_query`, `invalid_range`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`no_services`, `unknown_service`, `service_retired`, `too_many_of_service`, `appointment_too_long`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/slots")]
pub async fn search_slots(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<SlotsDto>, ApiError> {
    let raw = path.into_inner();
    let id = office_id(&raw)?;
    let q: SlotQuery = query(&req)?;
    let services = service_ids(&q.service)?;
    let from = q
        .from
        .as_deref()
        .map(|v| parse_date("from", v))
        .transpose()?;
    let to = q.to.as_deref().map(|v| parse_date("to", v)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(ApiError::bad_request(
            "invalid_range",
            format!("`from` ({f}) is after `to` ({t})"),
        ));
    }
    let now = state.clock.now();
    let store = state.store.clone();
    let offer = web::block(move || -> Result<_, ApiError> {
        let office = store
            .office(&id)
            .map_err(|e| not_found_to_unknown_office(e, &raw))?;
        let selection =
            Selection::new(&office, &services).map_err(persistence::StoreError::from)?;
        let Some((from, to)) = domain::search_days(&office, now, from, to) else {
            return Ok(domain::SlotOffer {
                minutes: selection.minutes(),
                earliest: None,
                slots: Vec::new(),
            });
        };
        let occupancy = store.occupancy(&id, from, to)?;
        Ok(domain::search_slots(
            &office, &selection, from, to, now, &occupancy,
        ))
    })
    .await??;
    Ok(web::Json(SlotsDto {
        duration_minutes: offer.minutes,
        earliest: offer.earliest.map(Into::into),
        slots: offer.slots.into_iter().map(Into::into).collect(),
    }))
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
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), DayTicketQuery),
    responses(
        (status = 200, description = "Today's Tagesticket situation for online booking", body = DayTicketsDto),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`unknown_service`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/day-tickets")]
pub async fn day_tickets(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<DayTicketsDto>, ApiError> {
    day_ticket_status(&state, path.into_inner(), &req, Channel::Online)
        .await
        .map(web::Json)
}

/// Today's Tagesticket situation of an office as `channel` sees it.
pub(crate) async fn day_ticket_status(
    state: &AppState,
    raw: String,
    req: &HttpRequest,
    channel: Channel,
) -> Result<DayTicketsDto, ApiError> {
    let id = office_id(&raw)?;
    let q: DayTicketQuery = query(req)?;
    let services = service_ids(&q.service)?;
    let now = state.clock.now();
    let store = state.store.clone();
    let offer = web::block(move || -> Result<_, ApiError> {
        let office = store
            .office(&id)
            .map_err(|e| not_found_to_unknown_office(e, &raw))?;
        let selection = if services.is_empty() {
            None
        } else {
            Some(Selection::new(&office, &services).map_err(persistence::StoreError::from)?)
        };
        let today = domain::Berlin::today(now);
        let occupancy = store.occupancy(&id, today, today)?;
        Ok(domain::day_ticket_offer(
            &office,
            selection.as_ref(),
            channel,
            now,
            &occupancy,
        ))
    })
    .await??;
    Ok(DayTicketsDto {
        date: format_date(offer.date),
        available: offer.available,
        remaining: offer.remaining,
        online_from: offer.online_from,
        desk_from: offer.desk_from,
        slots: offer.slots.into_iter().map(Into::into).collect(),
    })
}

/// Turns a request body into the store's request, for any channel.
pub(crate) fn new_booking(
    body: BookingRequestDto,
    channel: Channel,
    created_by: Option<String>,
) -> Result<NewBooking, ApiError> {
    let office = office_id(&body.office).map_err(|_| {
        ApiError::unprocessable(
            "unknown_office",
            format!("there is no office `{}`", body.office),
        )
    })?;
    let citizen = Citizen::new(
        &body.citizen.name,
        body.citizen.email.as_deref(),
        body.citizen.phone.as_deref(),
    )
    .map_err(|e| ApiError::unprocessable(e.code(), e.to_string()))?;
    Ok(NewBooking {
        office,
        services: service_ids(&body.services)?,
        start: body.start,
        kind: BookingKind::from(body.kind),
        channel,
        citizen,
        created_by,
    })
}

/// Books in the store; an unknown office in the body is a 422, not a 404.
pub(crate) async fn book(
    state: &AppState,
    request: NewBooking,
) -> Result<persistence::CreatedBooking, ApiError> {
    let now = state.clock.now();
    let store = state.store.clone();
    let office = request.office.as_str().to_owned();
    web::block(move || store.book(&request, now))
        .await?
        .map_err(|e| match e {
            persistence::StoreError::NotFound => {
                ApiError::unprocessable("unknown_office", format!("there is no office `{office}`"))
            }
            other => other.into(),
        })
}

/// Books an appointment or a Tagesticket online.
#[utoipa::path(
    tag = "citizens",
    request_body = BookingRequestDto,
    responses(
        BodyLimits,
        (status = 201, description = "Booked; `token` is shown only here", body = CreatedBookingDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Taken meanwhile (`slot_taken`, `day_tickets_exhausted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Against a rule (`unknown_office`, `unknown_service`, `off_grid`, `outside_opening_hours`, `holiday`, `closure_day`, `in_past`, `before_lead_time`, `beyond_horizon`, `day_ticket_not_released`, `day_ticket_not_today`, `not_a_day_ticket_day`, `invalid_name`, `contact_required`, `invalid_email`, `invalid_phone`, …)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database busy (`busy`); retry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/bookings")]
pub async fn create_booking(
    state: web::Data<AppState>,
    body: web::Json<BookingRequestDto>,
) -> Result<HttpResponse, ApiError> {
    let request = new_booking(body.into_inner(), Channel::Online, None)?;
    let created = book(&state, request).await?;
    tracing::info!(booking = %created.booking.id, office = %created.booking.office.as_str(), kind = created.booking.kind.as_str(), "booked online");
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/bookings/{}", created.booking.id),
        ))
        .json(CreatedBookingDto {
            booking: created.booking.into(),
            token: created.token,
        }))
}

fn token(req: &HttpRequest) -> Result<String, ApiError> {
    req.headers()
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "booking_token_required",
                format!("send the booking's token in the `{TOKEN_HEADER}` header"),
            )
        })
}

/// A booking, for the holder of its token.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = String, Header, description = "The token returned when booking"),
    ),
    responses(
        (status = 200, description = "The booking", body = BookingDto),
        (status = 401, description = "No token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/bookings/{id}")]
pub async fn get_booking(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<BookingDto>, ApiError> {
    let id = booking_id(&path)?;
    let token = token(&req)?;
    let store = state.store.clone();
    let booking = web::block(move || store.booking_with_token(id, &token)).await??;
    Ok(web::Json(booking.into()))
}

/// Cancels a booking, for the holder of its token; the time is free at once.
#[utoipa::path(
    tag = "citizens",
    params(
        ("id" = Uuid, Path, description = "Booking id"),
        ("X-Booking-Token" = String, Header, description = "The token returned when booking"),
    ),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 401, description = "No token (`booking_token_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking, or the token does not fit (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`already_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The appointment has begun (`appointment_passed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/bookings/{id}")]
pub async fn cancel_booking(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = booking_id(&path)?;
    let token = token(&req)?;
    let now = state.clock.now();
    let store = state.store.clone();
    web::block(move || store.cancel(id, CancelAuth::Token(&token), now)).await??;
    tracing::info!(booking = %id, "cancelled by its holder");
    Ok(HttpResponse::NoContent().finish())
}
