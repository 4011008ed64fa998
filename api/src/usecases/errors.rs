//! The errors of the citizens' use cases that say more than the store's
//! `StoreError`. They stand apart from the use cases, which take the state,
//! so that the state (which keeps the offers' shared lookups) and the
//! mapping to HTTP answers (`crate::http::error`) need not import those.

use persistence::StoreError;
use std::sync::Arc;

/// Why an online offer has no answer (see [`super::offers`]); clonable, as
/// one lookup answers every request that shared it.
#[derive(Debug, Clone)]
pub enum OfferError {
    /// The store refused or failed.
    Store(Arc<StoreError>),
    /// The offer could not be published (not expected to happen).
    Publish(Arc<serde_json::Error>),
}

impl From<StoreError> for OfferError {
    fn from(e: StoreError) -> Self {
        OfferError::Store(Arc::new(e))
    }
}

/// Why a waiting-room screen gets no stream (see [`super::screens`]).
#[derive(Debug)]
pub enum ScreenError {
    Store(StoreError),
    /// This address holds `per_address` streams already.
    AddressFull {
        per_address: u32,
    },
    /// The server holds all the streams it may.
    ServerFull,
}

impl From<StoreError> for ScreenError {
    fn from(e: StoreError) -> Self {
        ScreenError::Store(e)
    }
}
