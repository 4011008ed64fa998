//! Administration: staff accounts, office configuration, the audit log.

pub mod audit;
pub mod closures;
pub mod offices;
pub mod services;
pub mod users;
