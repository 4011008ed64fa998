//! A throttle on login attempts.

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

/// Slows down repeated login attempts per username: a burst of 5, then one
/// attempt every 12 seconds. Kept in memory per process (governor's GCRA); the
/// durable defence is the argon2 cost of every guess.
pub struct LoginThrottle {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        let quota = Quota::per_minute(NonZeroU32::MIN.saturating_add(4))
            .allow_burst(NonZeroU32::MIN.saturating_add(4));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }
}

impl LoginThrottle {
    /// `Err(seconds to wait)` when this username has tried too often.
    pub fn attempt(&self, username: &str) -> Result<(), u64> {
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&username.to_lowercase())
            .map_err(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1)
            })
    }
}
