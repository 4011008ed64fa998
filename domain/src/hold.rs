//! Holds (R19, I5): a slot kept for a citizen while they type their details.
//!
//! A hold takes capacity exactly as a booking does (the persistence layer
//! adds every live hold to the occupancy as an [`crate::ActiveBooking`]), so
//! the same rules decide it. A hold is live while `expires_at > now`; an
//! expired one counts for nothing, whether or not anyone has deleted it.
//!
//! A Tagesticket hold takes one of a small contingent given out first come
//! within minutes, so it is held tighter: one live Tagesticket hold per
//! client address, extended once.

use crate::BookingKind;
use time::{Duration, OffsetDateTime};

/// R19: a client address has at most this many live holds.
pub const LIVE_HOLDS_PER_CLIENT: u32 = 2;
/// R19: of them at most this many Tagesticket holds.
pub const LIVE_DAY_TICKET_HOLDS_PER_CLIENT: u32 = 1;
/// R19: a regular hold can be extended this many times (WCAG 2.2.1, timing
/// adjustable).
pub const HOLD_EXTENSIONS: u32 = 3;
/// R19: a Tagesticket hold can be extended this many times: the office's
/// hold time twice over (Kaarst 20 minutes) is enough to type a name, a
/// contact and a postcode, and a contingent gone within minutes is a
/// real-time event (WCAG 2.2.1's exception) that longer holds would hand to
/// whoever holds the most.
pub const DAY_TICKET_HOLD_EXTENSIONS: u32 = 1;

/// R19: how many times a hold of `kind` can be extended.
pub fn hold_extensions(kind: BookingKind) -> u32 {
    match kind {
        BookingKind::Regular => HOLD_EXTENSIONS,
        BookingKind::DayTicket => DAY_TICKET_HOLD_EXTENSIONS,
    }
}

/// Why a hold cannot be made, extended or confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HoldError {
    #[error("the hold has expired or was released or confirmed; choose a time and hold it again")]
    Expired,
    #[error(
        "this address already holds {limit} slots; confirm or release one of them before holding another"
    )]
    Limit { limit: u32 },
    #[error(
        "this address already holds a Tagesticket; confirm or release that hold before holding another"
    )]
    DayTicketLimit,
    /// R33: one live Tagesticket hold per verified mailbox.
    #[error(
        "this e-mail address already holds a Tagesticket; confirm or release that hold before holding another"
    )]
    MailboxDayTicketLimit,
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

/// The live holds of one client address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveHolds {
    /// All of them, of either kind.
    pub all: u32,
    /// Those of Tagestickets.
    pub day_tickets: u32,
}

/// R19: a client holding `live` may hold one more of `kind` while under
/// both limits.
pub fn check_new_hold(live: LiveHolds, kind: BookingKind) -> Result<(), HoldError> {
    if live.all >= LIVE_HOLDS_PER_CLIENT {
        return Err(HoldError::Limit {
            limit: LIVE_HOLDS_PER_CLIENT,
        });
    }
    if kind == BookingKind::DayTicket && live.day_tickets >= LIVE_DAY_TICKET_HOLDS_PER_CLIENT {
        return Err(HoldError::DayTicketLimit);
    }
    Ok(())
}

/// R19: the extensions a hold of `kind` has left when `stored` are
/// recorded: never more than its kind allows now (a hold made before a
/// lower limit for its kind keeps no more).
pub fn extensions_left(stored: u32, kind: BookingKind) -> u32 {
    stored.min(hold_extensions(kind))
}

/// R19: extending a live hold of `kind` with `extensions_left` (see
/// [`extensions_left`]) adds the office's hold time to its expiry; returns
/// the new expiry.
pub fn extend_hold(
    expires_at: OffsetDateTime,
    extensions_left: u32,
    kind: BookingKind,
    hold_minutes: u32,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, HoldError> {
    if !is_live(expires_at, now) {
        return Err(HoldError::Expired);
    }
    if extensions_left == 0 {
        return Err(HoldError::NoExtensionsLeft {
            max: hold_extensions(kind),
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

    fn live(all: u32, day_tickets: u32) -> LiveHolds {
        LiveHolds { all, day_tickets }
    }

    #[test]
    fn r19_two_live_holds_per_client_then_refused() {
        for kind in [BookingKind::Regular, BookingKind::DayTicket] {
            assert_eq!(check_new_hold(live(0, 0), kind), Ok(()));
            assert_eq!(check_new_hold(live(1, 0), kind), Ok(()));
            assert_eq!(
                check_new_hold(live(2, 0), kind),
                Err(HoldError::Limit { limit: 2 })
            );
        }
    }

    #[test]
    fn r19_one_live_day_ticket_hold_per_client() {
        assert_eq!(
            check_new_hold(live(1, 1), BookingKind::DayTicket),
            Err(HoldError::DayTicketLimit)
        );
        assert_eq!(check_new_hold(live(1, 1), BookingKind::Regular), Ok(()));
        assert_eq!(
            check_new_hold(live(2, 1), BookingKind::Regular),
            Err(HoldError::Limit { limit: 2 })
        );
    }

    #[test]
    fn r19_extending_adds_the_hold_time_until_none_is_left() {
        let expires = hold_expiry(10, NOW);
        let regular = BookingKind::Regular;
        assert_eq!(
            extend_hold(expires, 3, regular, 10, NOW),
            Ok(datetime!(2026-12-03 08:20 +01:00))
        );
        assert_eq!(
            extend_hold(expires, 0, regular, 10, NOW),
            Err(HoldError::NoExtensionsLeft { max: 3 })
        );
        assert_eq!(
            extend_hold(expires, 3, regular, 10, expires),
            Err(HoldError::Expired)
        );
    }

    #[test]
    fn r19_a_day_ticket_hold_extends_once() {
        let expires = hold_expiry(10, NOW);
        let ticket = BookingKind::DayTicket;
        assert_eq!(hold_extensions(ticket), 1);
        assert_eq!(
            extend_hold(expires, 1, ticket, 10, NOW),
            Ok(datetime!(2026-12-03 08:20 +01:00))
        );
        assert_eq!(
            extend_hold(expires, 0, ticket, 10, NOW),
            Err(HoldError::NoExtensionsLeft { max: 1 })
        );
    }

    #[test]
    fn r19_a_day_ticket_hold_stored_with_3_extensions_has_1() {
        let ticket = BookingKind::DayTicket;
        assert_eq!(extensions_left(3, ticket), 1, "a row from before the limit");
        assert_eq!(extensions_left(0, ticket), 0);
        assert_eq!(extensions_left(3, BookingKind::Regular), 3);
        assert_eq!(extensions_left(2, BookingKind::Regular), 2);
    }
}
