//! The citizens' endpoints: no authentication.

pub mod bookings;
pub mod challenge;
pub mod display;
pub mod draws;
pub mod holds;
pub mod municipalities;
pub mod offers;
pub mod offices;
pub mod privacy;
pub mod verifications;
