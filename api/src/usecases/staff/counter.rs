//! At the counter (R28): check-in, the call, served, no-show and the queue,
//! on the offices the user acts on (R29). Each step is audited by the
//! store; a call wakes the waiting-room displays.

use super::Actor;
use crate::state::AppState;
use domain::OfficeId;
use persistence::{Booking, Queue, StoreError};
use uuid::Uuid;

/// Checks a booking in on arrival, on its appointment's day.
pub async fn check_in(state: &AppState, actor: Actor, id: Uuid) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| store.check_in(id, &actor.username, &actor.offices, now))
        .await
}

/// Calls the office's next checked-in booking of today to `counter`; the
/// displays show it at once.
pub async fn call_next(
    state: &AppState,
    actor: Actor,
    office: OfficeId,
    counter: u32,
) -> Result<Booking, StoreError> {
    let called = state
        .call(move |store, now| {
            store.call_next(&office, counter, &actor.username, &actor.offices, now)
        })
        .await?;
    state.display.wake();
    Ok(called)
}

/// Closes a called booking as served.
pub async fn serve(state: &AppState, actor: Actor, id: Uuid) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| store.serve(id, &actor.username, &actor.offices, now))
        .await
}

/// Marks a booking not checked in as a no-show, from its start plus the
/// office's grace time.
pub async fn no_show(state: &AppState, actor: Actor, id: Uuid) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| store.no_show(id, &actor.username, &actor.offices, now))
        .await
}

/// Today's queue of an office: who waits, who is being served where.
pub async fn queue(state: &AppState, actor: Actor, office: OfficeId) -> Result<Queue, StoreError> {
    state
        .call(move |store, now| store.queue(&office, &actor.offices, now))
        .await
}
