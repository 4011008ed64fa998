//! Verified contacts (R33): a code sent to an address (through the
//! sender, `mail`), entered for a contact token.

use crate::state::AppState;
use domain::CitizenError;
use persistence::{ContactToken, NewVerification, StoreError};
use uuid::Uuid;

/// Why no code was asked for.
#[derive(Debug, thiserror::Error)]
pub enum VerificationRequestError {
    /// R17: not an address a code could go to.
    #[error(transparent)]
    Email(#[from] CitizenError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// R33: a code for `email`, waiting for the sender; the answer is the same
/// whether the address has bookings or not.
pub async fn request(
    state: &AppState,
    email: String,
) -> Result<NewVerification, VerificationRequestError> {
    let email = email.trim().to_owned();
    if !domain::valid_email(&email) {
        return Err(CitizenError::Email.into());
    }
    Ok(state
        .call(move |store, now| store.request_verification(&email, now))
        .await?)
}

/// R33, "Meine Termine": the bookings of the mailbox the contact token
/// proves, not yet begun.
pub async fn contact_bookings(
    state: &AppState,
    token: Option<String>,
) -> Result<Vec<persistence::Booking>, StoreError> {
    state
        .call(move |store, now| store.contact_bookings(token.as_deref(), now))
        .await
}

/// R33: enters `code` for verification `id`: the contact token, once.
pub async fn confirm(state: &AppState, id: Uuid, code: String) -> Result<ContactToken, StoreError> {
    state
        .call(move |store, now| store.confirm_verification(id, &code, now))
        .await
}
