//! The clock every rule is given: the real one, or one frozen at an instant
//! (`TERMIN_NOW`) for demos, training and tests, which tests may move.

use std::sync::{Arc, RwLock};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Frozen(Arc<RwLock<OffsetDateTime>>),
}

impl Clock {
    pub fn frozen(at: OffsetDateTime) -> Self {
        Clock::Frozen(Arc::new(RwLock::new(at)))
    }

    /// The current instant. Handlers call this once per request.
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Frozen(at) => *at.read().unwrap_or_else(std::sync::PoisonError::into_inner),
        }
    }

    /// Moves a frozen clock; the real clock cannot be set (returns false).
    pub fn set(&self, to: OffsetDateTime) -> bool {
        match self {
            Clock::System => false,
            Clock::Frozen(at) => {
                *at.write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = to;
                true
            }
        }
    }
}
