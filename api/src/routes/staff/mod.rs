//! Staff work (R10, R11, R13, R15, R18, R28, R29), behind a bearer token.

pub mod bookings;
pub mod counter;
pub mod days;
pub mod login;
