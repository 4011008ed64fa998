//! Fixtures for tests and benchmarks (feature `test-support`, never in the
//! server): the shipped Kaarst offices and a fixed Monday morning.
#![allow(clippy::panic)]

use crate::{Office, ServiceId};
use time::OffsetDateTime;
use time::macros::datetime;

/// Monday 30 November 2026, 10:00 in Kaarst: regular bookings from
/// Tuesday on, today's Tagestickets already released.
pub const MONDAY_10: OffsetDateTime = datetime!(2026-11-30 10:00 +01:00);

fn kaarst(index: usize) -> Office {
    match crate::kaarst::offices() {
        Ok(mut offices) if index < offices.len() => offices.swap_remove(index),
        other => panic!("the shipped Kaarst configuration: {other:?}"),
    }
}

/// The Bürgerbüro as shipped (4 counters, 1 held back for 12 Tagestickets).
pub fn buergerbuero() -> Office {
    kaarst(0)
}

/// The Infobüro Bauen as shipped (1 counter, no Tagestickets).
pub fn bauen() -> Office {
    kaarst(1)
}

/// Service ids from slugs known to be valid.
pub fn service_ids(ids: &[&str]) -> Vec<ServiceId> {
    ids.iter()
        .map(|s| ServiceId::parse(s).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}
