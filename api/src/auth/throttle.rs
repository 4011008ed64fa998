//! Limits on logins: per client address, and per username at an address.

use crate::clock::Clock;
use crate::limits::{AddressLimiter, KeyedLimiter, RateLimit, address_key};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Attempts per username at one address: a burst of 5, then one every 12 s.
const PER_USERNAME: RateLimit = RateLimit {
    count: NonZeroU32::new(5).unwrap(),
    seconds: NonZeroU32::new(60).unwrap(),
};
/// Attempts from one address over all usernames: a burst of 30 (an office
/// behind one address logging in at 8:00), then one every 2 s.
const PER_ADDRESS: RateLimit = RateLimit {
    count: NonZeroU32::new(30).unwrap(),
    seconds: NonZeroU32::new(60).unwrap(),
};

/// R11: slows down guessing. A username is throttled per client address,
/// so a stranger hammering someone's name from elsewhere cannot lock its
/// owner out; each address also has a limit over all usernames, so guessing
/// many names from one place is slow too. Kept in memory per process, on the
/// injected clock (see the README for why not in the database).
pub struct LoginThrottle {
    per_username: KeyedLimiter<(String, IpAddr)>,
    per_address: AddressLimiter,
}

impl LoginThrottle {
    pub fn new(clock: &Clock) -> Self {
        Self {
            per_username: KeyedLimiter::new(PER_USERNAME, clock.clone()),
            per_address: AddressLimiter::new(PER_ADDRESS, clock.clone()),
        }
    }

    /// `Err(seconds to wait)` when this address, or this username from this
    /// address, has tried too often.
    pub fn attempt(&self, username: &str, addr: IpAddr) -> Result<(), u64> {
        let addr = address_key(addr);
        self.per_address.check(addr)?;
        self.per_username
            .check((username.trim().to_lowercase(), addr))
    }
}
