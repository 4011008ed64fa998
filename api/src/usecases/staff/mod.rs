//! Staff work (R10, R11, R13, R15, R18, R20, R28, R29): what the routes
//! under `/api/v1/staff` and the login do between HTTP and the store.
//!
//! - [`login`]: the throttle, the password check and the token (R11);
//! - [`bookings`]: booking for a citizen, lookup (moving and cancelling are
//!   [`super::booking`]'s, with the user's [`super::booking::ChangeAuth`]);
//! - [`days`]: a day's appointments (the Tagestickets as the desk sees
//!   them are the offers' use case for the desk's channel);
//! - [`counter`]: check-in, the call, served, no-show and the queue (R28);
//! - [`error`]: what a use case here answers besides the store's errors.

pub mod bookings;
pub mod counter;
pub mod days;
pub mod error;
pub mod login;

use domain::{MunicipalityId, OfficeId, OfficeScope, Role, Username};
use persistence::StoreError;

/// The staff user a use case acts for: who is audited, and the offices the
/// user acts on (R29; the role taken into account).
#[derive(Debug, Clone)]
pub struct Actor {
    pub username: Username,
    pub role: Role,
    pub offices: OfficeScope,
    /// R39: the municipality the user acts within; `None`: across all.
    pub municipality: Option<MunicipalityId>,
}

impl Actor {
    /// R29: the user acts on `office`; else the office is unknown to them
    /// (404, as one that does not exist: nothing to probe).
    pub fn acts_on(&self, office: &OfficeId) -> Result<(), StoreError> {
        if self.offices.covers(office) {
            Ok(())
        } else {
            Err(StoreError::UnknownOffice)
        }
    }

    /// R39: the user acts within `municipality` (operators and users across
    /// municipalities in every one); else it is unknown to them.
    pub fn within(&self, municipality: &MunicipalityId) -> bool {
        self.municipality.as_ref().is_none_or(|m| m == municipality)
    }
}
