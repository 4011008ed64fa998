//! What an admin use case answers besides the store's errors. It knows
//! nothing of the state, so the one place that turns errors into answers
//! (`crate::http::error`) may name it without a cycle.

use crate::auth::{PasswordError, PoolBusy};
use domain::MAX_STATISTICS_DAYS;
use persistence::StoreError;

/// Why an account was not written.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// Too short or too long, or the hash failed.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// No turn on the password pool within its wait.
    #[error(transparent)]
    Busy(#[from] PoolBusy),
    /// R39: only an operator makes or names an operator.
    #[error("only an operator may give the role `operator`")]
    OperatorsOnly,
    /// R39: an operator acts across municipalities, so belongs to none.
    #[error("an operator belongs to no municipality")]
    OperatorWithMunicipality,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why no statistics were read (R30).
#[derive(Debug, thiserror::Error)]
pub enum StatisticsError {
    /// `from` after `to`, or more days than [`MAX_STATISTICS_DAYS`].
    #[error("`from` must not be after `to`, and the range at most {MAX_STATISTICS_DAYS} days")]
    InvalidRange,
    #[error(transparent)]
    Store(#[from] StoreError),
}
