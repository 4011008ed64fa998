//! Holding a slot while the citizen types (R19): hold, look, extend,
//! release, confirm into a booking. The store's locked transactions decide;
//! a Tagesticket hold runs a due draw first (R27).

use crate::state::AppState;
use domain::Citizen;
use persistence::{CreatedBooking, CreatedHold, Hold, NewHold, StoreError};
use std::sync::Arc;
use uuid::Uuid;

/// Holds a slot for the office's hold time.
pub async fn hold(state: &Arc<AppState>, request: NewHold) -> Result<CreatedHold, StoreError> {
    state
        .call(move |store, now| store.hold(&request, now))
        .await
}

/// The live hold `id`, for the holder of its `token`.
pub async fn held(state: &Arc<AppState>, id: Uuid, token: String) -> Result<Hold, StoreError> {
    state
        .call(move |store, now| store.held(id, &token, now))
        .await
}

/// Extends the live hold `id` by the office's hold time, as often as its
/// kind allows.
pub async fn extend(state: &Arc<AppState>, id: Uuid, token: String) -> Result<Hold, StoreError> {
    state
        .call(move |store, now| store.extend_hold(id, &token, now))
        .await
}

/// Releases the hold `id`: its slot is free at once.
pub async fn release(state: &Arc<AppState>, id: Uuid, token: String) -> Result<(), StoreError> {
    state
        .call(move |store, now| store.release_hold(id, &token, now))
        .await
}

/// Turns the live hold `id` into a booking for `citizen`; `key` the
/// request's `Idempotency-Key`.
pub async fn confirm(
    state: &Arc<AppState>,
    id: Uuid,
    token: String,
    citizen: Citizen,
    contact_token: Option<String>,
    key: Option<String>,
) -> Result<CreatedBooking, StoreError> {
    state
        .call(move |store, now| {
            let contact = contact_token.as_deref();
            store.confirm_hold(id, &token, &citizen, contact, key.as_deref(), now)
        })
        .await
}
