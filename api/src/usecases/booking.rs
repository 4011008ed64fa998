//! Booking online (R1–R26, R32), with the 07:00 rush (R15, I2, issue #13)
//! refused in this process: once the store has said that an office's
//! Tagestickets of today are gone, later attempts whose day stamp is
//! unchanged are refused without asking it again (see [`super::exhausted`]).
//! The store's locked transaction stays the only authority for a yes.

use crate::state::AppState;
use domain::{Berlin, BookingError, day_ticket_date};
use persistence::{CreatedBooking, NewBooking, OfferStamp, StoreError};
use std::sync::Arc;
use time::Date;

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
