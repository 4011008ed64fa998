//! The proof-of-work challenge (R26): issued here with the state's clock.
//!
//! A solution is checked where it arrives (`crate::http::extract::Altcha`, with
//! the same key and clock) and reaches the booking use cases as a typed
//! `SolvedChallenge`, like the rest of the request's input; that it is used
//! once is decided in the store's transaction.

use crate::challenge::ChallengeDto;
use crate::state::AppState;
use std::sync::Arc;

/// A new challenge (ALTCHA v1), valid for [`crate::challenge::LIFETIME`].
/// Its type is the ALTCHA format itself, as `crate::challenge` writes it.
pub async fn issue(state: &Arc<AppState>) -> ChallengeDto {
    state.challenges.issue(state.clock.now())
}
