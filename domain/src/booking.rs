//! What a booking is apart from its time: channel, kind, status, code, and
//! the rules for cancelling it.

use crate::occupancy::Pool;
use crate::text_enum;
use std::fmt;
use time::OffsetDateTime;

text_enum! {
    /// Where a booking comes from (R10).
    pub enum Channel {
        Online = "online",
        Phone = "phone",
        Desk = "desk",
    }
}

text_enum! {
    /// A regular appointment or a same-day Tagesticket (R12).
    pub enum BookingKind {
        Regular = "regular",
        DayTicket = "day_ticket",
    }
}

impl BookingKind {
    /// The capacity a booking of this kind draws on (R12, I1).
    pub fn pool(self) -> Pool {
        match self {
            BookingKind::Regular => Pool::Regular,
            BookingKind::DayTicket => Pool::DayTicket,
        }
    }
}

text_enum! {
    /// Whether a booking still holds its time, and where it stands at the
    /// counter (R28). Every status but `cancelled` holds its capacity.
    pub enum BookingStatus {
        Confirmed = "confirmed",
        Cancelled = "cancelled",
        /// R28: the citizen has arrived and waits to be called.
        CheckedIn = "checked_in",
        /// R28: called to a counter, being served.
        Called = "called",
        /// R28: served and closed.
        Served = "served",
        /// R28: did not come by the start plus the office's grace time.
        NoShow = "no_show",
    }
}

text_enum! {
    /// Whether a booking holds its time (R18): the database's `status`
    /// column. An active booking is stored as `confirmed`, whatever its
    /// stage at the counter.
    pub enum Standing {
        Active = "confirmed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// Where an active booking stands at the counter (R28): the database's
    /// `stage` column, none before the check-in.
    pub enum Stage {
        CheckedIn = "checked_in",
        Called = "called",
        Served = "served",
        NoShow = "no_show",
    }
}

impl BookingStatus {
    /// The status a booking shows: `cancelled` whatever happened before,
    /// else its stage at the counter, else `confirmed`.
    pub fn of(standing: Standing, stage: Option<Stage>) -> Self {
        match (standing, stage) {
            (Standing::Cancelled, _) => Self::Cancelled,
            (Standing::Active, None) => Self::Confirmed,
            (Standing::Active, Some(Stage::CheckedIn)) => Self::CheckedIn,
            (Standing::Active, Some(Stage::Called)) => Self::Called,
            (Standing::Active, Some(Stage::Served)) => Self::Served,
            (Standing::Active, Some(Stage::NoShow)) => Self::NoShow,
        }
    }
}

/// No 0/O, no 1/I: a code read over the phone cannot be misheard as another (R17).
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// 32^8 ≈ 1.1 · 10^12 codes; a collision is caught by the database's unique
/// index and the booking is tried again with a new code.
pub const CODE_LENGTH: usize = 8;

/// The short code a citizen quotes at the desk (R17): [`CODE_LENGTH`]
/// characters of [`CODE_ALPHABET`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BookingCode(String);

/// A text that cannot be a booking code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a booking code has {CODE_LENGTH} letters and digits (no 0, O, 1 or I)")]
pub struct InvalidCode;

impl BookingCode {
    /// A new code; `random(n)` must return a uniformly drawn index below `n`
    /// (the caller owns the randomness: the domain draws nothing itself).
    pub fn generate(mut random: impl FnMut(usize) -> usize) -> Self {
        Self(
            (0..CODE_LENGTH)
                .map(|_| {
                    let i = random(CODE_ALPHABET.len()) % CODE_ALPHABET.len();
                    char::from(CODE_ALPHABET[i])
                })
                .collect(),
        )
    }

    /// A code as a person types it: case, spaces and dashes do not matter;
    /// a control character (NUL, a tab, a line break) makes it no code.
    pub fn parse(input: &str) -> Result<Self, InvalidCode> {
        if crate::texts::has_forbidden(input) {
            return Err(InvalidCode);
        }
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        if valid {
            Ok(Self(code))
        } else {
            Err(InvalidCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BookingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a booking cannot be cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    #[error("the booking is already cancelled")]
    AlreadyCancelled,
    #[error("the appointment has already begun and can no longer be cancelled")]
    AppointmentPassed,
    #[error("the booking was served and can no longer be cancelled")]
    Served,
    #[error("the booking was marked as a no-show and can no longer be cancelled")]
    NoShow,
}

/// R18: a confirmed booking can be cancelled until its start; a cancelled
/// one stays cancelled; R28: a served or no-show one is closed (an early
/// arrival checked in or called before the start can still be cancelled).
pub fn check_cancel(
    status: BookingStatus,
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), CancelError> {
    match status {
        BookingStatus::Cancelled => return Err(CancelError::AlreadyCancelled),
        BookingStatus::Served => return Err(CancelError::Served),
        BookingStatus::NoShow => return Err(CancelError::NoShow),
        _ => {}
    }
    if start <= now {
        return Err(CancelError::AppointmentPassed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r18_r28_status_is_cancelled_else_the_stage_else_confirmed() {
        use Stage::*;
        assert_eq!(
            BookingStatus::of(Standing::Active, None),
            BookingStatus::Confirmed
        );
        assert_eq!(
            BookingStatus::of(Standing::Cancelled, Some(CheckedIn)),
            BookingStatus::Cancelled
        );
        let stages = [CheckedIn, Called, Served, NoShow];
        for stage in stages {
            // The stage's text is the status's: the API shows it as stored.
            let status = BookingStatus::of(Standing::Active, Some(stage));
            assert_eq!(status.as_str(), stage.as_str());
        }
        assert_eq!(
            Standing::Active.as_str(),
            "confirmed",
            "as stored since R18"
        );
    }
    use time::macros::datetime;

    #[test]
    fn r17_codes_avoid_ambiguous_characters() {
        let mut n = 0usize;
        for _ in 0..200 {
            let code = BookingCode::generate(|len| {
                n = n.wrapping_mul(31).wrapping_add(7);
                n % len
            });
            assert_eq!(code.as_str().len(), CODE_LENGTH);
            assert!(!code.as_str().contains(['0', 'O', '1', 'I']), "{code}");
            assert_eq!(BookingCode::parse(code.as_str()), Ok(code));
        }
    }

    #[test]
    fn r17_codes_are_read_as_typed() {
        assert_eq!(
            BookingCode::parse(" ab3d-ef7g ").map(|c| c.to_string()),
            Ok("AB3DEF7G".to_owned())
        );
        assert_eq!(BookingCode::parse("AB3DEF7"), Err(InvalidCode));
        assert_eq!(BookingCode::parse("AB3DEF70"), Err(InvalidCode));
        assert_eq!(BookingCode::parse("AB3DEF7GÄ"), Err(InvalidCode));
        for bad in [
            "AB3D\u{0}EF7G",
            "AB3D\tEF7G",
            "AB3DEF7G\n",
            "AB3D\u{85}EF7G",
        ] {
            assert_eq!(BookingCode::parse(bad), Err(InvalidCode), "{bad:?}");
        }
    }

    #[test]
    fn r18_cancel_only_confirmed_and_before_the_start() {
        let start = datetime!(2026-12-03 09:00 +01:00);
        let before = datetime!(2026-12-03 08:59 +01:00);
        assert_eq!(
            check_cancel(BookingStatus::Confirmed, start, before),
            Ok(())
        );
        assert_eq!(
            check_cancel(BookingStatus::Confirmed, start, start),
            Err(CancelError::AppointmentPassed)
        );
        assert_eq!(
            check_cancel(BookingStatus::Cancelled, start, before),
            Err(CancelError::AlreadyCancelled)
        );
    }

    #[test]
    fn r28_served_and_no_show_bookings_cannot_be_cancelled() {
        let start = datetime!(2026-12-03 09:00 +01:00);
        let before = datetime!(2026-12-03 08:50 +01:00);
        assert_eq!(
            check_cancel(BookingStatus::Served, start, before),
            Err(CancelError::Served)
        );
        assert_eq!(
            check_cancel(BookingStatus::NoShow, start, before),
            Err(CancelError::NoShow)
        );
        assert_eq!(
            check_cancel(BookingStatus::CheckedIn, start, before),
            Ok(())
        );
    }

    #[test]
    fn r10_one_text_per_value() {
        for kind in BookingKind::ALL {
            assert_eq!(kind.as_str().parse::<BookingKind>(), Ok(*kind));
        }
        assert_eq!(Channel::Desk.as_str(), "desk");
        assert!("Desk".parse::<Channel>().is_err());
    }
}
