//! Booking online (R1–R26, R32), with the 07:00 rush (R15, I2, issue #13)
//! refused in this process: once the store has said that an office's
//! Tagestickets of today are gone, later attempts whose day stamp is
//! unchanged are refused without asking it again (see [`super::exhausted`]).
//! The store's locked transaction stays the only authority for a yes.
//!
//! And the booking by its secret (R17, R18, R20): look and the calendar
//! entry (R23); cancel and move, once for whoever may change a booking
//! ([`ChangeAuth`]: the holder of its token, or a staff user, R29).

use crate::state::AppState;
use crate::usecases::staff::Actor;
use domain::{Berlin, BookingError, day_ticket_date};
use persistence::{
    Booking, CancelAuth, CreatedBooking, MoveRequest, NewBooking, OfferStamp, StoreError,
};
use std::sync::Arc;
use time::Date;
use uuid::Uuid;

/// Books `request` online: refused at once while today's Tagestickets are
/// known to be gone, else by the store, whose "gone" is remembered with the
/// stamp read before it was asked.
pub async fn book_online(
    state: &Arc<AppState>,
    request: NewBooking,
) -> Result<CreatedBooking, StoreError> {
    let rush = rush_stamp(state, &request).await;
    let office = request.office.clone();
    if let Some((day, stamp)) = &rush
        && state
            .exhausted
            .gone(office.as_str(), *day, stamp, state.clock.now())
    {
        return Err(BookingError::DayTicketsExhausted.into());
    }
    let outcome = state
        .call(move |store, now| store.book(&request, now))
        .await;
    if let (Err(StoreError::Rule(BookingError::DayTicketsExhausted)), Some((day, stamp))) =
        (&outcome, rush)
    {
        state.exhausted.remember(office.as_str(), day, stamp);
    }
    outcome
}

/// For a request of today that may be refused without the lock
/// (`NewBooking::refusable_as_gone_without_lock`), today's stamp of its
/// office, read once for the attempts that arrive together. `None`: another
/// request, or the stamp could not be read (then the store decides alone).
async fn rush_stamp(state: &Arc<AppState>, request: &NewBooking) -> Option<(Date, OfferStamp)> {
    let day = day_ticket_date(state.clock.now());
    if !request.refusable_as_gone_without_lock() || Berlin::local(request.start).date() != day {
        return None;
    }
    let read = {
        let (state, office) = (Arc::clone(state), request.office.clone());
        move || {
            let (state, office) = (Arc::clone(&state), office.clone());
            async move {
                state
                    .call(move |store, now| store.offer_stamp(&office, None, now))
                    .await
                    .ok()
            }
        }
    };
    let key = (request.office.as_str().to_owned(), day);
    let stamp = state.stamps.run(key, read).await??;
    Some((day, stamp))
}

/// The booking `id`, for whoever `auth` names (as they may change it).
pub async fn booking(
    state: &Arc<AppState>,
    id: Uuid,
    auth: ChangeAuth,
) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| store.booking_for(id, auth.as_store(), now))
        .await
}

/// Who changes a booking (R18, R20): the holder of its token, the holder
/// of a contact token of its mailbox (R33, "Meine Termine"), or a staff
/// user on the offices they act on (R29; the store checks the office and
/// audits the user's change). Whoever may cancel a booking may move it.
/// No `Debug`: the tokens are secrets.
pub enum ChangeAuth {
    Token(String),
    Contact(String),
    Staff(Actor),
}

impl ChangeAuth {
    /// As the store takes it (its `MoveAuth` is the same type).
    fn as_store(&self) -> CancelAuth<'_> {
        match self {
            Self::Token(token) => CancelAuth::Token(token),
            Self::Contact(token) => CancelAuth::Contact(token),
            Self::Staff(actor) => CancelAuth::Staff {
                actor: &actor.username,
                offices: &actor.offices,
            },
        }
    }
}

/// Cancels the booking `id` for `auth` (R18); its time is free at once.
pub async fn cancel(state: &AppState, id: Uuid, auth: ChangeAuth) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| store.cancel(id, auth.as_store(), now))
        .await
}

/// Moves the booking `id` for `auth` (R20), in one step: if the new time
/// cannot be had, nothing changes; `key` the request's `Idempotency-Key`.
pub async fn move_booking(
    state: &AppState,
    id: Uuid,
    auth: ChangeAuth,
    request: MoveRequest,
    key: Option<String>,
) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| {
            store.move_booking(id, &request, auth.as_store(), key.as_deref(), now)
        })
        .await
}

/// The calendar entry (RFC 5545) of the booking `id` as it is now, for the
/// holder of its `token`: the same entry the messages carry (R23), so it
/// is written by the messages' own `ics::calendar`.
pub async fn calendar(
    state: &Arc<AppState>,
    id: Uuid,
    token: String,
) -> Result<String, StoreError> {
    let (booking, office, municipality, now) = state
        .call(move |store, now| {
            let booking = store.booking_for(id, CancelAuth::Token(&token), now)?;
            let office = store.office(&booking.office)?;
            let municipality = store.municipality(&office.municipality)?;
            Ok((booking, office, municipality, now))
        })
        .await?;
    // R39: the municipality's sender and host, as its messages carry them.
    let origin = state.mail.origin(&municipality);
    let from = origin.from.email.to_string();
    Ok(crate::usecases::mail::ics::calendar(
        &booking,
        &office,
        origin.public_url.host(),
        &from,
        now,
    ))
}
