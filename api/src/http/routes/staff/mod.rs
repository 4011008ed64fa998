//! Staff work (R10, R11, R13, R15, R18, R28, R29), behind a bearer token.

pub mod bookings;
pub mod counter;
pub mod days;
pub mod login;

use crate::http::extract::Authorized;
use crate::usecases::staff::Actor;

/// The user a bearer token proved, as the use cases act for it.
impl<P> From<&Authorized<P>> for Actor {
    fn from(staff: &Authorized<P>) -> Self {
        Actor {
            username: staff.username.clone(),
            role: staff.role,
            offices: staff.offices.clone(),
            municipality: staff.municipality.clone(),
        }
    }
}
