//! The proof-of-work challenge (R26): issued here with the state's clock.
//!
//! A solution is checked where it arrives (`crate::http::extract::Altcha`, with
//! the same key and clock) and reaches the booking use cases as a typed
//! `SolvedChallenge`, like the rest of the request's input; that it is used
//! once is decided in the store's transaction.

use crate::challenge::Challenge;
use crate::state::AppState;
use std::sync::Arc;

/// A new challenge (ALTCHA v1), valid for [`crate::challenge::LIFETIME`];
/// the route hands it out in the ALTCHA format.
pub async fn issue(state: &Arc<AppState>) -> Challenge {
    state.challenges.issue(state.clock.now())
}
