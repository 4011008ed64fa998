//! What can be booked: slot search (R9) and today's Tagesticket offer
//! (R12–R15), online from the cache of answers (issue #13), and for the
//! desk and the telephone as computed.
//!
//! The online offers answer with an [`Answer`]: the published JSON and its
//! ETag, not the store's `SlotOffer`. That is what the cache keeps, so a
//! hit costs no conversion and no serialisation, and the ETag is the hash
//! of exactly the bytes sent; a typed answer would have to be serialised
//! again on every hit. The caller says how an offer is published
//! ([`Publish`]), so the representation (the DTOs) stays with HTTP.

use crate::state::AppState;
pub use crate::usecases::errors::OfferError;
use crate::usecases::offer_cache::{Answer, OfferKey};
use domain::{Channel, DayTicketOffer, OfficeId, ServiceId, SlotOffer};
use persistence::{OfferStamp, Store, StoreError};
use std::sync::Arc;
use time::{Date, OffsetDateTime};

/// How an offer becomes the bytes sent (its DTO as JSON).
pub type Publish<T> = fn(T) -> serde_json::Result<Vec<u8>>;

/// The bookable regular starts of `services` at `office` from `from` to
/// `to` (defaults: the first bookable day, 13 days more), published.
pub async fn slots(
    state: &Arc<AppState>,
    office: OfficeId,
    services: Vec<ServiceId>,
    (from, to): (Option<Date>, Option<Date>),
    publish: Publish<SlotOffer>,
) -> Result<Answer, OfferError> {
    let key = OfferKey {
        what: "slots",
        office: office.as_str().to_owned(),
        services: services.iter().map(|s| s.as_str().to_owned()).collect(),
        from,
        to,
        minute: 0,
    };
    let compute =
        move |store: &Store, id: &OfficeId, now| store.search_slots(id, &services, from, to, now);
    offer(state, office, key, Some((from, to)), compute, publish).await
}

/// Today's Tagesticket situation of `office` online, with the free times
/// for `services`, published.
pub async fn day_tickets(
    state: &Arc<AppState>,
    office: OfficeId,
    services: Vec<ServiceId>,
    publish: Publish<DayTicketOffer>,
) -> Result<Answer, OfferError> {
    let key = OfferKey {
        what: "day_tickets",
        office: office.as_str().to_owned(),
        services: services.iter().map(|s| s.as_str().to_owned()).collect(),
        from: None,
        to: None,
        minute: 0,
    };
    let compute = move |store: &Store, id: &OfficeId, now| {
        // R27: computing the status runs a due draw first; the key's
        // minute changes at the release, so no hit hides it.
        store.day_tickets(id, &services, Channel::Online, now)
    };
    offer(state, office, key, None, compute, publish).await
}

/// Today's Tagesticket situation of `office` as `channel` sees it (R13:
/// online from 07:00, the desk and the telephone from 08:00), computed
/// afresh.
pub async fn day_ticket_status(
    state: &Arc<AppState>,
    office: OfficeId,
    services: Vec<ServiceId>,
    channel: Channel,
) -> Result<DayTicketOffer, StoreError> {
    state
        .call(move |store, now| store.day_tickets(&office, &services, channel, now))
        .await
}

/// The answer for `key` (an offer of office `id` over `range`, as
/// [`Store::offer_stamp`] takes it): from the cache while the stamp says
/// nothing changed, else computed by `compute`, published and kept.
/// Requests for the same key that arrive together share one lookup started
/// after they came (`crate::usecases::coalesce`), so a 07:00 burst reads
/// the stamp twice, not a thousand times.
async fn offer<T, F>(
    state: &Arc<AppState>,
    id: OfficeId,
    key: OfferKey,
    range: Option<(Option<Date>, Option<Date>)>,
    compute: F,
    publish: Publish<T>,
) -> Result<Answer, OfferError>
where
    T: Send + 'static,
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
        publish,
    };
    let shared = {
        let (state, lookup) = (Arc::clone(state), lookup.clone());
        move || lookup.clone().run(Arc::clone(&state))
    };
    match state.lookups.run(lookup.key.clone(), shared).await {
        Some(answer) => answer,
        // The shared lookup was lost: this request looks up itself.
        None => lookup.run(Arc::clone(state)).await,
    }
}

/// One lookup of [`offer`], run once for every request that shares it.
struct Lookup<F, T> {
    key: OfferKey,
    id: OfficeId,
    range: Option<(Option<Date>, Option<Date>)>,
    compute: F,
    publish: Publish<T>,
}

impl<F: Clone, T> Clone for Lookup<F, T> {
    fn clone(&self) -> Self {
        Self {
            key: self.key.clone(),
            id: self.id.clone(),
            range: self.range,
            compute: self.compute.clone(),
            publish: self.publish,
        }
    }
}

/// A cached answer, or one just computed (then kept).
enum Looked<T> {
    Hit(Answer),
    Miss(OfferKey, OfferStamp, T),
}

impl<F, T> Lookup<F, T>
where
    T: Send + 'static,
    F: Fn(&Store, &OfficeId, OffsetDateTime) -> Result<T, StoreError> + Send + 'static,
{
    /// The stamp, then the cached answer or `compute`'s, published and kept.
    async fn run(self, state: Arc<AppState>) -> Result<Answer, OfferError> {
        let Self {
            key,
            id,
            range,
            compute,
            publish,
        } = self;
        let cache = Arc::clone(&state.offers);
        let looked = state
            .call(move |store, now| {
                let key = OfferKey {
                    minute: OfferKey::minute_of(now),
                    ..key
                };
                let stamp = store.offer_stamp(&id, range, now)?;
                if let Some(answer) = cache.get(&key, &stamp, now) {
                    return Ok(Looked::Hit(answer));
                }
                let offer = compute(store, &id, now)?;
                Ok(Looked::Miss(key, stamp, offer))
            })
            .await?;
        match looked {
            Looked::Hit(answer) => Ok(answer),
            Looked::Miss(key, stamp, offer) => {
                let body = publish(offer).map_err(|e| OfferError::Publish(Arc::new(e)))?;
                let answer = Answer::new(body);
                state.offers.put(key, stamp, answer.clone());
                Ok(answer)
            }
        }
    }
}
