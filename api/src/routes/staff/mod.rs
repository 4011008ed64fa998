//! Staff work (R10, R11, R13, R15, R18), behind a bearer token.

pub mod bookings;
pub mod days;
pub mod login;
