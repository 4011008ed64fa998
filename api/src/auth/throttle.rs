//! Limits on logins: per client address, and per username at an address.

use crate::address::address_key;
use crate::clock::Clock;
use crate::http::limits::{AddressLimiter, KeyedLimiter, RateLimit};
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
/// injected clock (docs/OPERATIONS.md, "Logins under attack", says why not in
/// the database).
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
    /// address, has failed too often; counts nothing (issue #23: counting
    /// successful logins too locked out a whole office behind one address).
    pub fn may_try(&self, username: &str, addr: IpAddr) -> Result<(), u64> {
        let addr = address_key(addr);
        self.per_address.peek(addr)?;
        self.per_username.peek((username_key(username), addr))
    }

    /// Counts a failed attempt of `username` from `addr` against both
    /// limits; once one is used up, [`LoginThrottle::may_try`] refuses.
    pub fn failed(&self, username: &str, addr: IpAddr) {
        let addr = address_key(addr);
        // A failure beyond a limit is counted as far as it goes; the next
        // attempt is the one refused.
        let _ = self.per_address.check(addr);
        let _ = self.per_username.check((username_key(username), addr));
    }
}

fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn r11_only_failures_count() {
        let clock = Clock::frozen(datetime!(2026-11-30 08:00 +01:00));
        let throttle = LoginThrottle::new(&clock);
        let office = ip("203.0.113.7");
        // A whole office logging in at 8:00 from one address, twice over.
        for _ in 0..100 {
            assert_eq!(throttle.may_try("anna", office), Ok(()));
        }
        for i in 0..5 {
            assert_eq!(throttle.may_try("bernd", office), Ok(()), "{i}");
            throttle.failed("bernd", office);
        }
        assert_eq!(throttle.may_try("Bernd ", office), Err(12));
        assert_eq!(throttle.may_try("anna", office), Ok(()));
        assert_eq!(throttle.may_try("bernd", ip("198.51.100.1")), Ok(()));
    }
}
