//! Rate limits per client address (R25), with `governor` (GCRA): a burst of
//! COUNT requests, then one more each SECONDS/COUNT. The limiter reads the
//! injected clock, so tests move time instead of sleeping.

use crate::address::address_key;
use crate::clock::Clock;
use crate::http::protocol::Area;
use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::{Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
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

/// A slot of the table under pressure: a wider network, or the bucket all
/// share once that table is full too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Slot<K> {
    Key(K),
    Overflow,
}

/// A key as counted while the table is full: its wider network.
pub trait Widen {
    fn wider(&self) -> Self;
}

/// An IPv4 address's /24, an IPv6 address's /48 (a site).
impl Widen for IpAddr {
    fn wider(&self) -> Self {
        match self.to_canonical() {
            IpAddr::V6(v6) => {
                let mut octets = v6.octets();
                octets[6..].fill(0);
                IpAddr::from(octets)
            }
            IpAddr::V4(v4) => {
                let mut octets = v4.octets();
                octets[3] = 0;
                IpAddr::from(octets)
            }
        }
    }
}

/// A username at an address: under pressure, the address's network alone.
impl Widen for (String, IpAddr) {
    fn wider(&self) -> Self {
        (String::new(), self.1.wider())
    }
}

/// Addresses one limiter remembers at most (R25). Entries whose bucket is
/// full again are forgotten when space runs out. While it is still full,
/// newcomers are counted by their wider network (IPv4 /24, IPv6 /48) in a
/// second table of a tenth of the size (issue #23: a flood of distinct
/// addresses from one IPv6 /47 filled the table and every honest newcomer
/// then shared one exhausted bucket); only when that is full too do they
/// share one bucket. Memory stays bounded and the limit fails closed.
pub const MAX_ADDRESSES: usize = 100_000;

thread_local! {
    /// Set while [`KeyedLimiter::peek`] asks governor whether a request
    /// would pass: the table then answers without storing the new state.
    static DRY_RUN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// governor's concurrent table, shared so the limiter can ask whether a key
/// is in it, and able to answer a dry run ([`KeyedLimiter::peek`]).
struct Table<K: Hash + Eq + Clone>(Arc<DashMapStateStore<K>>);

impl<K: Hash + Eq + Clone> Table<K> {
    fn new() -> Self {
        Self(Arc::new(DashMapStateStore::default()))
    }
}

impl<K: Hash + Eq + Clone> Clone for Table<K> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<K: Hash + Eq + Clone> StateStore for Table<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        if DRY_RUN.with(std::cell::Cell::get) {
            // The decision governor would make, with nothing stored.
            let mut seen = None;
            if self.0.contains_key(key) {
                // Reads the state: the closure fails, so nothing changes.
                seen = self
                    .0
                    .measure_and_replace(key, Err::<((), Nanos), Option<Nanos>>)
                    .err()
                    .flatten();
            }
            return f(seen).map(|(t, _)| t);
        }
        self.0.measure_and_replace(key, f)
    }
}

impl<K: Hash + Eq + Clone> ShrinkableKeyedStateStore<K> for Table<K> {
    fn retain_recent(&self, drop_below: Nanos) {
        self.0.retain_recent(drop_below);
    }

    fn shrink_to_fit(&self) {
        ShrinkableKeyedStateStore::shrink_to_fit(&*self.0);
    }

    fn len(&self) -> usize {
        ShrinkableKeyedStateStore::len(&*self.0)
    }

    fn is_empty(&self) -> bool {
        ShrinkableKeyedStateStore::is_empty(&*self.0)
    }
}

type Limiter<K> = RateLimiter<K, Table<K>, LimiterClock, NoOpMiddleware<Nanos>>;

/// One limit per key (an address, or a username at an address).
pub struct KeyedLimiter<K: Hash + Eq + Clone + Widen> {
    keys: Limiter<K>,
    table: Table<K>,
    /// Newcomers while `keys` is full, by their wider network.
    wide: Limiter<Slot<K>>,
    wide_table: Table<Slot<K>>,
    clock: Clock,
    capacity: usize,
    /// Unix second of the last sweep of idle entries (at most one a second).
    last_sweep: AtomicI64,
}

/// One limit per client address (R25).
pub type AddressLimiter = KeyedLimiter<IpAddr>;

impl<K: Hash + Eq + Clone + Widen> KeyedLimiter<K> {
    pub fn new(limit: RateLimit, clock: Clock) -> Self {
        Self::with_capacity(limit, clock, MAX_ADDRESSES)
    }

    pub fn with_capacity(limit: RateLimit, clock: Clock, capacity: usize) -> Self {
        let (table, wide_table) = (Table::new(), Table::new());
        let governor_clock = LimiterClock(clock.clone());
        Self {
            keys: RateLimiter::new(limit.quota(), table.clone(), governor_clock.clone()),
            table,
            wide: RateLimiter::new(limit.quota(), wide_table.clone(), governor_clock),
            wide_table,
            clock,
            capacity,
            last_sweep: AtomicI64::new(i64::MIN),
        }
    }

    /// Counts a request of `key`; `Err(seconds to wait)` when `key` has
    /// used its limit.
    pub fn check(&self, key: K) -> Result<(), u64> {
        self.decide(key, false)
    }

    /// Whether a request of `key` would pass now, without counting it.
    pub fn peek(&self, key: K) -> Result<(), u64> {
        self.decide(key, true)
    }

    /// governor's decision for `key` in its slot; with `dry_run` the table
    /// answers without storing it.
    fn decide(&self, key: K, dry_run: bool) -> Result<(), u64> {
        /// Puts the flag back however the call ends (a panic included).
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                DRY_RUN.with(|d| d.set(self.0));
            }
        }
        let slot = self.slot(key);
        let _restore = Restore(DRY_RUN.with(|d| d.replace(dry_run)));
        let answer = match &slot {
            Ok(key) => self.keys.check_key(key),
            Err(slot) => self.wide.check_key(slot),
        };
        answer.map_err(|not_until| self.wait(&not_until))
    }

    fn wait(&self, not_until: &governor::NotUntil<Nanos>) -> u64 {
        let now = GovernorClock::now(&LimiterClock(self.clock.clone()));
        not_until.wait_time_from(now).as_secs().max(1)
    }

    /// Where `key` is counted: its own entry (`Ok`) while there is room or
    /// it has one; else (`Err`) its wider network, or the shared bucket.
    fn slot(&self, key: K) -> Result<K, Slot<K>> {
        if self.table.0.contains_key(&key) {
            return Ok(key);
        }
        if ShrinkableKeyedStateStore::len(&self.table) >= self.capacity {
            self.sweep();
        }
        if ShrinkableKeyedStateStore::len(&self.table) < self.capacity {
            return Ok(key);
        }
        let wide = Slot::Key(key.wider());
        let room = ShrinkableKeyedStateStore::len(&self.wide_table) < self.wide_capacity();
        if room || self.wide_table.0.contains_key(&wide) {
            Err(wide)
        } else {
            Err(Slot::Overflow)
        }
    }

    fn wide_capacity(&self) -> usize {
        (self.capacity / 10).max(1)
    }

    /// Forgets keys whose bucket is full again; at most once a second.
    fn sweep(&self) {
        let second = self.clock.now().unix_timestamp();
        if self.last_sweep.swap(second, Ordering::Relaxed) != second {
            self.keys.retain_recent();
            self.keys.shrink_to_fit();
            self.wide.retain_recent();
            self.wide.shrink_to_fit();
        }
    }

    /// Keys remembered now (both tables).
    pub fn len(&self) -> usize {
        self.keys.len() + self.wide.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// R25: which limit a request counts against, by the route it matches
    /// ([`Area`], never the raw path): the citizens' routes only (staff and
    /// admins are authenticated, the login has its own limit, operations
    /// none); reads and writes apart. A path no route serves counts as a
    /// citizen's read (a 404 costs the server little, but a flood of them
    /// should not be free).
    pub fn traffic(method: &actix_web::http::Method, area: Option<Area>) -> Option<Traffic> {
        use actix_web::http::Method;
        let citizen = area.is_none_or(Area::is_citizens);
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
        // Full of live entries: those in it keep their own bucket, and
        // newcomers are counted by their /24.
        assert!(writes.check(IpAddr::from(7u32.to_be_bytes())).is_err());
        assert!(writes.check(ip("198.51.100.1")).is_ok());
        assert!(writes.check(ip("198.51.100.2")).is_err(), "the same /24");
        assert!(writes.check(ip("198.51.101.2")).is_ok(), "another /24");
        // The second table (a tenth) full too: one shared bucket.
        for i in 0..20u8 {
            let _ = writes.check(IpAddr::from([192, 0, i, 1]));
        }
        assert!(writes.check(ip("203.0.113.1")).is_err());
        assert!(writes.len() <= 100 + 11, "{}", writes.len());
        // Once the entries are idle again, they are swept and space returns.
        clock.set(datetime!(2026-11-30 08:00 +01:00));
        assert!(writes.check(ip("198.51.100.3")).is_ok());
        assert!(writes.len() < 10, "{}", writes.len());
    }

    /// Issue #23: a flood of distinct addresses filled the table and every
    /// honest newcomer then shared one exhausted bucket.
    #[test]
    fn r25_honest_newcomers_are_served_while_a_flood_fills_the_table() {
        let clock = Clock::frozen(datetime!(2026-11-30 07:00 +01:00));
        let writes = AddressLimiter::with_capacity(limit("10/600"), clock.clone(), 1000);
        // A flood from one IPv6 /47: a new /64 every request.
        let mut refused = 0;
        for i in 0..20_000u32 {
            let [_, b, c, d] = i.to_be_bytes();
            let addr = IpAddr::from([
                0x2001,
                0xdb8,
                0x1e,
                u16::from(b),
                u16::from(c) << 8 | u16::from(d),
                0,
                0,
                1,
            ]);
            refused += usize::from(writes.check(addr).is_err());
        }
        assert!(
            refused > 18_000,
            "the flood is limited by its /48: {refused}"
        );
        for newcomer in [
            "203.0.113.7",
            "198.51.100.9",
            "2001:db8:77::1",
            "192.0.2.1",
            "2a00:1::5",
        ] {
            assert_eq!(writes.check(ip(newcomer)), Ok(()), "{newcomer}");
        }
        assert!(writes.len() <= 1000 + 100);
    }

    #[test]
    fn r11_peek_says_what_check_would_without_counting() {
        let clock = Clock::frozen(datetime!(2026-11-30 07:00 +01:00));
        let tries = AddressLimiter::new(limit("3/60"), clock.clone());
        let a = ip("203.0.113.7");
        for _ in 0..10 {
            assert_eq!(tries.peek(a), Ok(()));
        }
        for _ in 0..3 {
            assert_eq!(tries.peek(a), Ok(()));
            assert_eq!(tries.check(a), Ok(()));
        }
        assert_eq!(tries.peek(a), Err(20));
        assert_eq!(tries.check(a), Err(20));
        clock.set(datetime!(2026-11-30 07:00:20 +01:00));
        assert_eq!(tries.peek(a), Ok(()));
        assert_eq!(tries.check(a), Ok(()));
        assert!(tries.peek(a).is_err());
    }

    #[test]
    fn r25_citizen_routes_count_reads_and_writes_apart() {
        let t = CitizenLimits::traffic;
        let citizens = Some(Area::Citizens);
        assert_eq!(t(&Method::GET, citizens), Some(Traffic::Read));
        assert_eq!(t(&Method::POST, citizens), Some(Traffic::Write));
        assert_eq!(t(&Method::DELETE, citizens), Some(Traffic::Write));
        assert_eq!(t(&Method::GET, Some(Area::Display)), Some(Traffic::Read));
        assert_eq!(t(&Method::POST, Some(Area::Staff)), None);
        assert_eq!(t(&Method::POST, Some(Area::Login)), None);
        assert_eq!(t(&Method::GET, Some(Area::Operations)), None);
        assert_eq!(t(&Method::GET, Some(Area::Pages)), None);
        assert_eq!(t(&Method::POST, None), Some(Traffic::Write), "no route");
    }
}
