//! Administration: staff accounts, office configuration, the audit log,
//! the outbox of messages, the statistics (R30).

pub mod audit;
pub mod closures;
pub mod messages;
pub mod municipalities;
pub mod offices;
pub mod services;
pub mod statistics;
pub mod users;
