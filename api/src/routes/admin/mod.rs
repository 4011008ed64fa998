//! Administration: staff accounts, office configuration, the audit log,
//! the outbox of messages.

pub mod audit;
pub mod closures;
pub mod messages;
pub mod offices;
pub mod services;
pub mod users;
