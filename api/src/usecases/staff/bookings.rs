//! Staff work on bookings (R10, R29): booking for a citizen from the one
//! pool, and lookup, on the offices the user acts on. Moving and cancelling
//! are the citizens' operations with the user's authority
//! (`usecases::booking::ChangeAuth::Staff`: the store checks the office and
//! audits the change).

use super::Actor;
use crate::state::AppState;
use domain::BookingCode;
use persistence::{Booking, CreatedBooking, NewBooking, StoreError};
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
