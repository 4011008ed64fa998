//! The citizen's rights over their data (R31, GDPR Art. 15 and 17), for
//! the holder of the booking's secret.

use crate::state::AppState;
use persistence::{Booking, HeldData, StoreError};
use std::sync::Arc;
use uuid::Uuid;

/// Everything held on the booking `id` (Art. 15).
pub async fn held_data(
    state: &Arc<AppState>,
    id: Uuid,
    token: String,
) -> Result<HeldData, StoreError> {
    state
        .call(move |store, _| store.held_data(id, &token))
        .await
}

/// Erases the citizen's personal data on the booking `id` at once
/// (Art. 17), cancelling it first if it is still to come; the anonymous
/// booking that stays.
pub async fn erase(state: &Arc<AppState>, id: Uuid, token: String) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| store.erase_booking(id, &token, now))
        .await
}
