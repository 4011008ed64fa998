//! What can be booked: slot search (R9) and today's Tagesticket offer
//! (R12–R15).

use crate::dto::{DayTicketsDto, SlotsDto};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::etag::conditional;
use crate::extract::{MultiQuery, OfficePath, parse_date, service_ids};
use crate::state::AppState;
use crate::usecases::offer_cache::{Answer, OfferKey};
use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::Channel;
use domain::OfficeId;
use persistence::{OfferStamp, Store, StoreError};
use serde::Deserialize;
use std::sync::Arc;
use time::{Date, OffsetDateTime};
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
    let key = OfferKey {
        what: "slots",
        office: id.as_str().to_owned(),
        services: services.iter().map(|s| s.as_str().to_owned()).collect(),
        from,
        to,
        minute: 0,
    };
    offer(
        &req,
        state,
        id,
        key,
        Some((from, to)),
        move |store, id, now| {
            let offer = store.search_slots(id, &services, from, to, now)?;
            Ok(SlotsDto::from(offer))
        },
    )
    .await
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
    let key = OfferKey {
        what: "day_tickets",
        office: id.as_str().to_owned(),
        services: services.iter().map(|s| s.as_str().to_owned()).collect(),
        from: None,
        to: None,
        minute: 0,
    };
    offer(&req, state, id, key, None, move |store, id, now| {
        // R27: computing the status runs a due draw first; the key's
        // minute changes at the release, so no hit hides it.
        let offer = store.day_tickets(id, &services, Channel::Online, now)?;
        Ok(DayTicketsDto::from(offer))
    })
    .await
}

/// The answer for `key` (an offer of office `id` over `range`, as
/// [`Store::offer_stamp`] takes it): from the cache while the stamp says
/// nothing changed, else computed by `compute` and kept. Requests for the
/// same key that arrive together share one lookup started after they came
/// (`crate::usecases::coalesce`), so a 07:00 burst reads the stamp twice, not a
/// thousand times.
async fn offer<T, F>(
    req: &HttpRequest,
    state: web::Data<AppState>,
    id: OfficeId,
    key: OfferKey,
    range: Option<(Option<Date>, Option<Date>)>,
    compute: F,
) -> Result<HttpResponse, ApiError>
where
    T: serde::Serialize + Send + 'static,
    F: Fn(&Store, &OfficeId, OffsetDateTime) -> Result<T, StoreError> + Clone + Send + 'static,
{
    let lookup = Lookup {
        key: OfferKey {
            minute: OfferKey::minute_of(state.clock.now()),
            ..key
        },
        id,
        range,
        compute,
    };
    let shared = {
        let (state, lookup) = (state.clone(), lookup.clone());
        move || lookup.clone().run(state.clone())
    };
    let answer = match state.lookups.run(lookup.key.clone(), shared).await {
        Some(answer) => answer?,
        // The shared lookup was lost: this request looks up itself.
        None => lookup.run(state).await?,
    };
    Ok(conditional(req, answer.body, answer.etag))
}

/// One lookup of [`offer`], run once for every request that shares it.
#[derive(Clone)]
struct Lookup<F> {
    key: OfferKey,
    id: OfficeId,
    range: Option<(Option<Date>, Option<Date>)>,
    compute: F,
}

/// A cached answer, or one just computed (then kept).
enum Looked<T> {
    Hit(Answer),
    Miss(OfferKey, OfferStamp, T),
}

impl<F> Lookup<F> {
    /// The stamp, then the cached answer or `compute`'s, serialised and kept.
    async fn run<T>(self, state: web::Data<AppState>) -> Result<Answer, ApiError>
    where
        T: serde::Serialize + Send + 'static,
        F: Fn(&Store, &OfficeId, OffsetDateTime) -> Result<T, StoreError> + Send + 'static,
    {
        let Self {
            key,
            id,
            range,
            compute,
        } = self;
        let cache = Arc::clone(&state.offers);
        let looked = state
            .run(move |store, now| {
                let key = OfferKey {
                    minute: OfferKey::minute_of(now),
                    ..key
                };
                let stamp = store.offer_stamp(&id, range, now)?;
                if let Some(answer) = cache.get(&key, &stamp, now) {
                    return Ok(Looked::Hit(answer));
                }
                let dto = compute(store, &id, now)?;
                Ok(Looked::Miss(key, stamp, dto))
            })
            .await?;
        match looked {
            Looked::Hit(answer) => Ok(answer),
            Looked::Miss(key, stamp, dto) => {
                let body = serde_json::to_vec(&dto).map_err(|e| ApiError::internal(&e))?;
                let answer = Answer::new(body);
                state.offers.put(key, stamp, answer.clone());
                Ok(answer)
            }
        }
    }
}

/// Today's Tagesticket situation of an office as `channel` sees it (R13:
/// online from 07:00, the desk and the telephone from 08:00).
pub(crate) async fn day_ticket_status(
    state: &AppState,
    OfficePath(id): OfficePath,
    MultiQuery(q): MultiQuery<DayTicketQuery>,
    channel: Channel,
) -> Result<web::Json<DayTicketsDto>, ApiError> {
    let services = service_ids(&q.service)?;
    let offer = state
        .run(move |store, now| store.day_tickets(&id, &services, channel, now))
        .await?;
    Ok(web::Json(offer.into()))
}
