//! How many passes a background task (the outbox's sender, the retention
//! run) has completed. Tests wait on it to know that the task has looked
//! since a given moment (a pass begun after it has ended), rather than
//! sleeping and hoping it has.

use std::sync::atomic::{AtomicU64, Ordering};

/// The passes a task has completed, each having read what it reads through.
#[derive(Debug, Default)]
pub struct Passes(AtomicU64);

impl Passes {
    /// Passes completed so far. The one under way when this is read may
    /// have begun before; the one after it began after.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// One more pass done.
    pub(crate) fn completed(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}
