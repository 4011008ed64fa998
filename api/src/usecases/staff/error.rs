//! What a staff use case answers besides the store's errors. It knows
//! nothing of the state, so the one place that turns errors into answers
//! (`crate::http::error`) may name it without a cycle.

use crate::auth::{PoolBusy, TokenError};
use persistence::StoreError;

/// Why a login was refused (R11).
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The address, or the username from it, failed too often: wait this
    /// many seconds.
    #[error("too many login attempts; try again in {0} s")]
    Throttled(u64),
    /// Wrong username or password, or a disabled account: which of them is
    /// not told.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// No turn on the password pool within its wait.
    #[error(transparent)]
    Busy(#[from] PoolBusy),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
