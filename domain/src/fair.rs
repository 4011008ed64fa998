//! Fair to citizens, closed to bots (R24, R26, R27, R32): the values of
//! the office's settings for fair use (declared in `settings.rs`).

use crate::booking::{BookingKind, Channel};
use crate::text_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

text_enum! {
    /// Which online requests need a solved proof-of-work challenge (R26).
    pub enum ChallengePolicy {
        Off = "off",
        DayTickets = "day_tickets",
        All = "all",
    }
}

impl ChallengePolicy {
    /// R26: whether a booking of `kind` through `channel` must carry a
    /// solution: online only; staff book without.
    pub fn requires(self, kind: BookingKind, channel: Channel) -> bool {
        channel == Channel::Online
            && match self {
                ChallengePolicy::Off => false,
                ChallengePolicy::DayTickets => kind == BookingKind::DayTicket,
                ChallengePolicy::All => true,
            }
    }
}

text_enum! {
    /// How the day's Tagestickets are released (R27).
    pub enum DayTicketRelease {
        /// First come, first served from the release time (the seed's way).
        FirstCome = "first_come",
        /// By lot among the requests filed before the release time.
        Draw = "draw",
    }
}

/// A German postal code: five digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl TryFrom<String> for Postcode {
    type Error = InvalidPostcode;
    fn try_from(raw: String) -> Result<Self, InvalidPostcode> {
        Self::parse(&raw)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a postcode has five digits, like 41564")]
pub struct InvalidPostcode;

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, InvalidPostcode> {
        let code = raw.trim();
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(InvalidPostcode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r26_the_policy_says_which_kinds_need_a_challenge() {
        use BookingKind::*;
        use Channel::*;
        assert!(!ChallengePolicy::Off.requires(DayTicket, Online));
        assert!(ChallengePolicy::DayTickets.requires(DayTicket, Online));
        assert!(!ChallengePolicy::DayTickets.requires(Regular, Online));
        assert!(ChallengePolicy::All.requires(Regular, Online));
        assert!(
            !ChallengePolicy::All.requires(DayTicket, Desk),
            "staff book without"
        );
    }

    #[test]
    fn r32_postcodes_have_five_digits() {
        assert_eq!(
            Postcode::parse(" 41564 ").map(|p| p.to_string()),
            Ok("41564".into())
        );
        for bad in ["4156", "415645", "41a64", ""] {
            assert_eq!(Postcode::parse(bad), Err(InvalidPostcode), "{bad}");
        }
    }
}
