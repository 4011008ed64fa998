//! R33: a verified contact. A citizen asks for a code sent to an e-mail
//! address, enters it, and gets a contact token that proves the mailbox
//! (R34) for a while. The rules of a code's life are here; drawing the code,
//! hashing it and storing it are the store's, sending it the outbox's.

use crate::booking::{BookingKind, Channel};
use crate::text_enum;
use time::{Duration, OffsetDateTime};

/// R33: a code has this many digits, written together (`482913`).
pub const CODE_DIGITS: usize = 6;
/// R33: a code can be entered for 15 minutes after it was sent.
pub const CODE_VALID: Duration = Duration::minutes(15);
/// R33: the fifth wrong code voids the verification.
pub const MAX_WRONG_CODES: u32 = 5;
/// R33: a contact token proves its mailbox for 2 hours.
pub const TOKEN_VALID: Duration = Duration::hours(2);
/// R33: at most this many codes per mailbox …
pub const CODES_PER_MAILBOX: u32 = 3;
/// … within this window.
pub const CODES_WINDOW: Duration = Duration::hours(1);

text_enum! {
    /// R33: which online requests of an office need a verified contact.
    pub enum VerifyContact {
        Off = "off",
        DayTickets = "day_tickets",
        All = "all",
    }
}

impl VerifyContact {
    /// R33: whether a request of `kind` through `channel` must carry a
    /// contact token: online only; staff book without.
    pub fn requires(self, kind: BookingKind, channel: Channel) -> bool {
        channel == Channel::Online
            && match self {
                VerifyContact::Off => false,
                VerifyContact::DayTickets => kind == BookingKind::DayTicket,
                VerifyContact::All => true,
            }
    }
}

/// Where a verification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    pub expires_at: OffsetDateTime,
    /// Wrong codes entered so far.
    pub wrong: u32,
    /// A right code was entered (its token was given).
    pub confirmed: bool,
}

/// Why a code was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerificationError {
    #[error("the code is wrong; {attempts_left} attempt(s) left")]
    Wrong { attempts_left: u32 },
    #[error(
        "this verification was used, voided by wrong codes, or has expired; ask for a new code"
    )]
    Expired,
}

impl Verification {
    /// R33: whether a code may still be entered at `now`.
    pub fn open(&self, now: OffsetDateTime) -> bool {
        !self.confirmed && self.wrong < MAX_WRONG_CODES && now < self.expires_at
    }

    /// R33: the outcome of entering a code at `now` that is `right` or
    /// not: the state after it, and the answer. A code for a verification
    /// no longer open is refused whether right or not (and counts nothing).
    pub fn enter(
        self,
        right: bool,
        now: OffsetDateTime,
    ) -> (Verification, Result<(), VerificationError>) {
        if !self.open(now) {
            return (self, Err(VerificationError::Expired));
        }
        if right {
            return (
                Verification {
                    confirmed: true,
                    ..self
                },
                Ok(()),
            );
        }
        let wrong = self.wrong + 1;
        let after = Verification { wrong, ..self };
        match MAX_WRONG_CODES.saturating_sub(wrong) {
            0 => (after, Err(VerificationError::Expired)),
            attempts_left => (after, Err(VerificationError::Wrong { attempts_left })),
        }
    }
}

/// R33: a code as typed is six digits (spaces around ignored); anything
/// else is simply wrong.
pub fn is_code(typed: &str) -> bool {
    let t = typed.trim();
    t.len() == CODE_DIGITS && t.bytes().all(|b| b.is_ascii_digit())
}

/// Equal bytes, compared in time that does not depend on where they differ
/// (R33: a code's hash against the stored one).
pub fn same_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// R33: whether a mailbox may be sent another code at `now`, given when its
/// earlier codes were sent; `Err(seconds)` until the oldest of the window
/// leaves it.
pub fn may_send_code(sent: &[OffsetDateTime], now: OffsetDateTime) -> Result<(), u64> {
    let mut recent: Vec<_> = sent
        .iter()
        .filter(|at| **at > now - CODES_WINDOW && **at <= now)
        .copied()
        .collect();
    if u32::try_from(recent.len()).unwrap_or(u32::MAX) < CODES_PER_MAILBOX {
        return Ok(());
    }
    recent.sort();
    let free_at = recent[recent.len() - CODES_PER_MAILBOX as usize] + CODES_WINDOW;
    let wait = (free_at - now).whole_seconds().max(1);
    Err(u64::try_from(wait).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 07:00 +01:00);

    fn fresh() -> Verification {
        Verification {
            expires_at: NOW + CODE_VALID,
            wrong: 0,
            confirmed: false,
        }
    }

    #[test]
    fn r33_a_code_works_once() {
        let (used, ok) = fresh().enter(true, NOW);
        assert_eq!(ok, Ok(()));
        assert_eq!(used.enter(true, NOW).1, Err(VerificationError::Expired));
    }

    #[test]
    fn r33_five_wrong_codes_void_it() {
        let mut v = fresh();
        for left in (1..MAX_WRONG_CODES).rev() {
            let (after, answer) = v.enter(false, NOW);
            assert_eq!(
                answer,
                Err(VerificationError::Wrong {
                    attempts_left: left
                })
            );
            v = after;
        }
        let (after, answer) = v.enter(false, NOW);
        assert_eq!(
            answer,
            Err(VerificationError::Expired),
            "the fifth voids it"
        );
        assert_eq!(
            after.enter(true, NOW).1,
            Err(VerificationError::Expired),
            "even the right one"
        );
    }

    #[test]
    fn r33_a_code_expires_after_15_minutes() {
        let late = NOW + CODE_VALID;
        assert_eq!(fresh().enter(true, late).1, Err(VerificationError::Expired));
        assert_eq!(fresh().enter(true, late - Duration::seconds(1)).1, Ok(()));
    }

    #[test]
    fn r33_three_codes_per_mailbox_an_hour() {
        let sent = [
            NOW - Duration::minutes(50),
            NOW - Duration::minutes(10),
            NOW,
        ];
        assert_eq!(may_send_code(&sent[..2], NOW), Ok(()));
        assert_eq!(
            may_send_code(&sent, NOW),
            Err(600),
            "until the first leaves the hour"
        );
        assert_eq!(may_send_code(&sent, NOW + Duration::minutes(10)), Ok(()));
    }

    #[test]
    fn r33_codes_are_six_digits_and_compared_in_constant_time() {
        assert!(is_code(" 482913 "));
        for bad in ["48291", "4829131", "48291a", "", "４８２９１３"] {
            assert!(!is_code(bad), "{bad}");
        }
        assert!(same_in_constant_time(b"abc", b"abc"));
        assert!(!same_in_constant_time(b"abc", b"abd"));
        assert!(!same_in_constant_time(b"abc", b"ab"));
    }

    #[test]
    fn r33_the_policy_says_which_requests_need_a_verified_contact() {
        use BookingKind::*;
        use Channel::*;
        assert!(!VerifyContact::Off.requires(DayTicket, Online));
        assert!(VerifyContact::DayTickets.requires(DayTicket, Online));
        assert!(!VerifyContact::DayTickets.requires(Regular, Online));
        assert!(VerifyContact::All.requires(Regular, Online));
        assert!(
            !VerifyContact::All.requires(DayTicket, Desk),
            "staff need none"
        );
    }
}
