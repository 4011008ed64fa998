//! Holds (R19, I5): a slot kept for a citizen while they type their details.
//!
//! A hold takes capacity exactly as a booking does (the persistence layer
//! adds every live hold to the occupancy as an [`crate::ActiveBooking`]), so
//! the same rules decide it. A hold is live while `expires_at > now`; an
//! expired one counts for nothing, whether or not anyone has deleted it.

use time::{Duration, OffsetDateTime};

/// R19: a client address has at most this many live holds.
pub const LIVE_HOLDS_PER_CLIENT: u32 = 2;
/// R19: a hold can be extended this many times (WCAG 2.2.1, timing adjustable).
pub const HOLD_EXTENSIONS: u32 = 3;

/// Why a hold cannot be made, extended or confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HoldError {
    #[error("the hold has expired or was released or confirmed; choose a time and hold it again")]
    Expired,
    #[error(
        "this address already holds {limit} slots; confirm or release one of them before holding another"
    )]
    Limit { limit: u32 },
    #[error("the hold was extended {max} times already; confirm it before it expires")]
    NoExtensionsLeft { max: u32 },
}

/// R19: whether a hold that expires at `expires_at` still keeps its slot.
pub fn is_live(expires_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    expires_at > now
}

/// R19: when a hold made at `now` expires.
/// Whole seconds, so the expiry reads well (a fraction of a second less).
pub fn hold_expiry(hold_minutes: u32, now: OffsetDateTime) -> OffsetDateTime {
    let expiry = now + Duration::minutes(i64::from(hold_minutes));
    expiry.replace_nanosecond(0).unwrap_or(expiry)
}

/// R19: a client that holds `live` slots may hold one more while under the limit.
pub fn check_new_hold(live: u32) -> Result<(), HoldError> {
    if live >= LIVE_HOLDS_PER_CLIENT {
        return Err(HoldError::Limit {
            limit: LIVE_HOLDS_PER_CLIENT,
        });
    }
    Ok(())
}

/// R19: extending a live hold adds the office's hold time to its expiry, up
/// to [`HOLD_EXTENSIONS`] times; returns the new expiry.
pub fn extend_hold(
    expires_at: OffsetDateTime,
    extensions_left: u32,
    hold_minutes: u32,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, HoldError> {
    if !is_live(expires_at, now) {
        return Err(HoldError::Expired);
    }
    if extensions_left == 0 {
        return Err(HoldError::NoExtensionsLeft {
            max: HOLD_EXTENSIONS,
        });
    }
    Ok(expires_at + Duration::minutes(i64::from(hold_minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 08:00 +01:00);

    #[test]
    fn r19_a_hold_lives_until_its_expiry_and_not_a_moment_longer() {
        let expires = hold_expiry(10, NOW);
        assert_eq!(expires, datetime!(2026-12-03 08:10 +01:00));
        assert!(is_live(expires, NOW));
        assert!(is_live(expires, expires - Duration::nanoseconds(1)));
        assert!(!is_live(expires, expires));
    }

    #[test]
    fn r19_expiry_in_whole_seconds() {
        let now = datetime!(2026-12-03 08:00:00.123456 +01:00);
        assert_eq!(hold_expiry(10, now), datetime!(2026-12-03 08:10 +01:00));
    }

    #[test]
    fn r19_two_live_holds_per_client_then_refused() {
        assert_eq!(check_new_hold(0), Ok(()));
        assert_eq!(check_new_hold(1), Ok(()));
        assert_eq!(check_new_hold(2), Err(HoldError::Limit { limit: 2 }));
    }

    #[test]
    fn r19_extending_adds_the_hold_time_until_none_is_left() {
        let expires = hold_expiry(10, NOW);
        assert_eq!(
            extend_hold(expires, 3, 10, NOW),
            Ok(datetime!(2026-12-03 08:20 +01:00))
        );
        assert_eq!(
            extend_hold(expires, 0, 10, NOW),
            Err(HoldError::NoExtensionsLeft { max: 3 })
        );
        assert_eq!(
            extend_hold(expires, 3, 10, expires),
            Err(HoldError::Expired)
        );
    }
}
