//! The Tagesticket draw (R27) for citizens: a request in the hour before
//! the online release, and what it came to (the first look after the
//! release runs a due draw).

use crate::state::AppState;
use persistence::{CreatedRequest, DayTicketRequest, NewDayTicketRequest, StoreError};
use std::sync::Arc;
use uuid::Uuid;

/// Files `request` for today's draw.
pub async fn request(
    state: &Arc<AppState>,
    request: NewDayTicketRequest,
) -> Result<CreatedRequest, StoreError> {
    state
        .call(move |store, now| store.request_day_ticket(&request, now))
        .await
}

/// The request `id` for the holder of its `token`, with the draw run first
/// if it is due.
pub async fn status(
    state: &Arc<AppState>,
    id: Uuid,
    token: String,
) -> Result<DayTicketRequest, StoreError> {
    state
        .call(move |store, now| store.day_ticket_request(id, &token, now))
        .await
}
