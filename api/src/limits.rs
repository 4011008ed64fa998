//! Rate limits per client address (R25), with `governor` (GCRA): a burst of
//! COUNT requests, then one more each SECONDS/COUNT. The limiter reads the
//! injected clock, so tests move time instead of sleeping.

use crate::clock::Clock;
use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// `COUNT/SECONDS`: at most COUNT requests in any SECONDS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: NonZeroU32,
    pub seconds: NonZeroU32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a rate limit: write COUNT/SECONDS (e.g. 10/600) or off")]
pub struct InvalidRateLimit(String);

impl RateLimit {
    /// `COUNT/SECONDS`, or `off` (`None`).
    pub fn parse(text: &str) -> Result<Option<Self>, InvalidRateLimit> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let invalid = || InvalidRateLimit(text.to_owned());
        let (count, seconds) = text.split_once('/').ok_or_else(invalid)?;
        Ok(Some(Self {
            count: count.trim().parse().map_err(|_| invalid())?,
            seconds: seconds.trim().parse().map_err(|_| invalid())?,
        }))
    }

    fn quota(self) -> Quota {
        let period = Duration::from_secs(u64::from(self.seconds.get())) / self.count.get();
        Quota::with_period(period.max(Duration::from_nanos(1))).map_or_else(
            || Quota::per_second(self.count),
            |q| q.allow_burst(self.count),
        )
    }
}

/// The injected clock as governor's clock: nanoseconds since the epoch.
#[derive(Debug, Clone)]
pub struct LimiterClock(Clock);

impl GovernorClock for LimiterClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let nanos = self.0.now().unix_timestamp_nanos();
        Nanos::from(u64::try_from(nanos).unwrap_or(0))
    }
}

/// A slot of the table: a key, or the bucket all share while it is full.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Slot<K> {
    Key(K),
    Overflow,
}

/// What a limit per address counts per: an IPv4 address, or the /64
/// network of an IPv6 address (what one subscriber usually gets).
pub fn address_key(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::from(octets)
        }
        v4 => v4,
    }
}

/// Addresses one limiter remembers at most. An attacker who cycles through
/// more (spoofing needs a trusted proxy, so this takes real addresses) makes
/// every new request share one bucket until idle entries are swept: memory
/// stays bounded, and the limit fails closed, not open.
pub const MAX_ADDRESSES: usize = 100_000;

/// One limit per key (an address, or a username at an address).
pub struct KeyedLimiter<K: Hash + Eq + Clone> {
    limiter:
        RateLimiter<Slot<K>, DefaultKeyedStateStore<Slot<K>>, LimiterClock, NoOpMiddleware<Nanos>>,
    clock: Clock,
    capacity: usize,
    /// Unix second of the last sweep of idle entries (at most one a second).
    last_sweep: AtomicI64,
}

/// One limit per client address (R25).
pub type AddressLimiter = KeyedLimiter<IpAddr>;

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    pub fn new(limit: RateLimit, clock: Clock) -> Self {
        Self::with_capacity(limit, clock, MAX_ADDRESSES)
    }

    pub fn with_capacity(limit: RateLimit, clock: Clock, capacity: usize) -> Self {
        let state = DefaultKeyedStateStore::default();
        Self {
            limiter: RateLimiter::new(limit.quota(), state, LimiterClock(clock.clone())),
            clock,
            capacity,
            last_sweep: AtomicI64::new(i64::MIN),
        }
    }

    /// `Err(seconds to wait)` when `key` has used its limit.
    pub fn check(&self, key: K) -> Result<(), u64> {
        let mut key = Slot::Key(key);
        if self.limiter.len() >= self.capacity {
            self.sweep();
            if self.limiter.len() >= self.capacity {
                key = Slot::Overflow;
            }
        }
        self.limiter.check_key(&key).map_err(|not_until| {
            let now = GovernorClock::now(&LimiterClock(self.clock.clone()));
            not_until.wait_time_from(now).as_secs().max(1)
        })
    }

    /// Forgets addresses whose bucket is full again; at most once a second.
    fn sweep(&self) {
        let second = self.clock.now().unix_timestamp();
        if self.last_sweep.swap(second, Ordering::Relaxed) != second {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }

    /// Addresses remembered now.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }
}

/// Which limit a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    Read,
    Write,
}

/// The citizens' limits (R25); `None` = off.
pub struct CitizenLimits {
    pub reads: Option<AddressLimiter>,
    pub writes: Option<AddressLimiter>,
}

impl CitizenLimits {
    pub fn new(reads: Option<RateLimit>, writes: Option<RateLimit>, clock: &Clock) -> Self {
        Self {
            reads: reads.map(|l| AddressLimiter::new(l, clock.clone())),
            writes: writes.map(|l| AddressLimiter::new(l, clock.clone())),
        }
    }

    /// R25: which limit a request to `path` with `method` counts against:
    /// the citizens' paths only (staff and admins are authenticated, the
    /// login has its own limit, operations none); reads and writes apart.
    pub fn traffic(method: &actix_web::http::Method, path: &str) -> Option<Traffic> {
        use actix_web::http::Method;
        let citizen = crate::routes::is_citizen_path(path);
        let read = [Method::GET, Method::HEAD, Method::OPTIONS].contains(method);
        citizen.then_some(if read { Traffic::Read } else { Traffic::Write })
    }

    /// `Err(seconds to wait)` when `addr` has used its limit for `traffic`.
    pub fn check(&self, traffic: Traffic, addr: IpAddr) -> Result<(), u64> {
        let limiter = match traffic {
            Traffic::Read => &self.reads,
            Traffic::Write => &self.writes,
        };
        limiter
            .as_ref()
            .map_or(Ok(()), |l| l.check(address_key(addr)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::http::Method;
    use time::macros::datetime;

    fn limit(text: &str) -> RateLimit {
        RateLimit::parse(text).unwrap().unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn r25_limits_read_as_count_per_seconds_or_off() {
        assert_eq!(limit("10/600").count.get(), 10);
        assert_eq!(limit(" 120 / 60 ").seconds.get(), 60);
        assert_eq!(RateLimit::parse("off"), Ok(None));
        for bad in ["10", "0/60", "10/0", "ten/60", "-1/60", ""] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn r25_a_burst_then_one_more_per_interval_per_address() {
        let clock = Clock::frozen(datetime!(2026-11-30 07:00 +01:00));
        let writes = AddressLimiter::new(limit("10/600"), clock.clone());
        for _ in 0..10 {
            assert_eq!(writes.check(ip("203.0.113.7")), Ok(()));
        }
        assert_eq!(writes.check(ip("203.0.113.7")), Err(60));
        assert_eq!(writes.check(ip("203.0.113.8")), Ok(()), "another address");
        clock.set(datetime!(2026-11-30 07:01 +01:00));
        assert_eq!(writes.check(ip("203.0.113.7")), Ok(()));
        assert!(writes.check(ip("203.0.113.7")).is_err());
    }

    #[test]
    fn r25_an_ipv6_subscriber_is_limited_per_64_network() {
        let clock = Clock::frozen(datetime!(2026-11-30 07:00 +01:00));
        let writes = CitizenLimits {
            reads: None,
            writes: Some(AddressLimiter::new(limit("2/600"), clock)),
        };
        let write = |a| writes.check(Traffic::Write, ip(a));
        assert!(write("2001:db8:1:2::1").is_ok());
        assert!(write("2001:db8:1:2:ffff::9").is_ok());
        assert!(write("2001:db8:1:2::77").is_err());
        assert!(write("2001:db8:1:3::1").is_ok());
    }

    #[test]
    fn r25_the_address_table_stays_bounded_and_fails_closed() {
        let clock = Clock::frozen(datetime!(2026-11-30 07:00 +01:00));
        let writes = AddressLimiter::with_capacity(limit("1/600"), clock.clone(), 100);
        for i in 0..100u32 {
            assert!(writes.check(IpAddr::from(i.to_be_bytes())).is_ok());
        }
        // Full of live entries: newcomers share one bucket.
        assert!(writes.check(ip("198.51.100.1")).is_ok());
        assert!(writes.check(ip("198.51.100.2")).is_err());
        assert!(writes.len() <= 101);
        // Once the entries are idle again, they are swept and space returns.
        clock.set(datetime!(2026-11-30 08:00 +01:00));
        assert!(writes.check(ip("198.51.100.3")).is_ok());
        assert!(writes.len() < 10, "{}", writes.len());
    }

    #[test]
    fn r25_citizen_paths_count_reads_and_writes_apart() {
        let t = CitizenLimits::traffic;
        assert_eq!(t(&Method::GET, "/api/v1/offices"), Some(Traffic::Read));
        assert_eq!(t(&Method::POST, "/api/v1/bookings"), Some(Traffic::Write));
        assert_eq!(
            t(&Method::DELETE, "/api/v1/bookings/x"),
            Some(Traffic::Write)
        );
        assert_eq!(t(&Method::POST, "/api/v1/staff/bookings"), None);
        assert_eq!(t(&Method::POST, "/api/v1/auth/token"), None);
        assert_eq!(t(&Method::GET, "/healthz"), None);
    }
}
