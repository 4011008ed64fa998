//! Staff work on bookings (R10, R18, R20, R29): booking for a citizen from
//! the one pool, lookup, moving and cancelling on the offices the user acts
//! on. Moves and cancels are audited by the store.

use super::Actor;
use crate::state::AppState;
use domain::BookingCode;
use persistence::{
    Booking, CancelAuth, CreatedBooking, MoveAuth, MoveRequest, NewBooking, StoreError,
};
use uuid::Uuid;

/// Books for a citizen by phone or at the Infotheke (R10): the request's
/// channel and `created_by` are the user's; Tagestickets from the staff
/// release (R13); on an office the user acts on (R29).
pub async fn book(
    state: &AppState,
    actor: Actor,
    request: NewBooking,
) -> Result<CreatedBooking, StoreError> {
    actor.acts_on(&request.office)?;
    state
        .call(move |store, now| store.book(&request, now))
        .await
}

/// A booking by id, if it is of an office the user acts on (R29).
pub async fn booking(state: &AppState, actor: Actor, id: Uuid) -> Result<Booking, StoreError> {
    state
        .call(move |store, _| store.staff_booking(id, &actor.offices))
        .await
}

/// A booking by the code the citizen quotes, if it is of an office the user
/// acts on (R29).
pub async fn booking_by_code(
    state: &AppState,
    actor: Actor,
    code: BookingCode,
) -> Result<Booking, StoreError> {
    state
        .call(move |store, _| store.staff_booking_by_code(&code, &actor.offices))
        .await
}

/// Cancels a booking (R18); the time is free at once.
pub async fn cancel(state: &AppState, actor: Actor, id: Uuid) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| {
            let auth = CancelAuth::Staff {
                actor: &actor.username,
                offices: &actor.offices,
            };
            store.cancel(id, auth, now)
        })
        .await
}

/// Moves a booking in one step (R20), under the optional idempotency key.
pub async fn move_booking(
    state: &AppState,
    actor: Actor,
    id: Uuid,
    request: MoveRequest,
    idempotency_key: Option<String>,
) -> Result<Booking, StoreError> {
    state
        .call(move |store, now| {
            let auth = MoveAuth::Staff {
                actor: &actor.username,
                offices: &actor.offices,
            };
            store.move_booking(id, &request, auth, idempotency_key.as_deref(), now)
        })
        .await
}
