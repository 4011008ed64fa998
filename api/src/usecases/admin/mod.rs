//! Administration (R11, R21, R22, R23, R29, R30): what the routes under
//! `/api/v1/admin` do between HTTP and the store. Every write is audited by
//! the store as the acting admin.
//!
//! - [`users`]: staff accounts, their passwords hashed on the bounded pool;
//! - [`offices`]: an office's configuration and its typed edits;
//! - [`records`]: the audit log, the outbox, the statistics;
//! - [`error`]: what a use case here answers besides the store's errors.

pub mod error;
pub mod offices;
pub mod records;
pub mod users;
