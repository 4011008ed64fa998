//! Moving a booking (R20): what must hold before the new start is checked
//! like a new booking, with the booking's own capacity counted as free.

use crate::booking::{BookingKind, BookingStatus};
use crate::calendar::Berlin;
use time::{Date, OffsetDateTime};

/// Why a booking cannot be moved (apart from the rules of the new start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("the booking is cancelled and cannot be moved; book a new time instead")]
    Cancelled,
    #[error("the appointment has already begun and can no longer be moved")]
    Begun,
    #[error("the booking was served and can no longer be moved")]
    Served,
    #[error("the booking was marked as a no-show and can no longer be moved")]
    NoShow,
    #[error("a Tagesticket moves only within its day, {day}")]
    DayTicketOtherDay { day: Date },
}

/// R20: a confirmed booking not yet begun can move; a Tagesticket only
/// within its day (a regular booking never becomes one: the kind stays).
pub fn check_move(
    status: BookingStatus,
    kind: BookingKind,
    start: OffsetDateTime,
    new_start: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), MoveError> {
    match status {
        BookingStatus::Cancelled => return Err(MoveError::Cancelled),
        // R28: closed at the counter.
        BookingStatus::Served => return Err(MoveError::Served),
        BookingStatus::NoShow => return Err(MoveError::NoShow),
        _ => {}
    }
    if start <= now {
        return Err(MoveError::Begun);
    }
    let day = Berlin::local(start).date();
    if kind == BookingKind::DayTicket && Berlin::local(new_start).date() != day {
        return Err(MoveError::DayTicketOtherDay { day });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const START: OffsetDateTime = datetime!(2026-12-03 10:00 +01:00);
    const NOW: OffsetDateTime = datetime!(2026-12-03 08:00 +01:00);

    #[test]
    fn r20_a_confirmed_booking_moves_until_it_begins() {
        let to = datetime!(2026-12-04 09:00 +01:00);
        let ok = check_move(
            BookingStatus::Confirmed,
            BookingKind::Regular,
            START,
            to,
            NOW,
        );
        assert_eq!(ok, Ok(()));
        let begun = check_move(
            BookingStatus::Confirmed,
            BookingKind::Regular,
            START,
            to,
            START,
        );
        assert_eq!(begun, Err(MoveError::Begun));
        let cancelled = check_move(
            BookingStatus::Cancelled,
            BookingKind::Regular,
            START,
            to,
            NOW,
        );
        assert_eq!(cancelled, Err(MoveError::Cancelled));
    }

    #[test]
    fn r20_a_day_ticket_moves_only_within_its_day() {
        let later_that_day = datetime!(2026-12-03 11:30 +01:00);
        let next_day = datetime!(2026-12-04 08:00 +01:00);
        let kind = BookingKind::DayTicket;
        let status = BookingStatus::Confirmed;
        assert_eq!(check_move(status, kind, START, later_that_day, NOW), Ok(()));
        assert_eq!(
            check_move(status, kind, START, next_day, NOW),
            Err(MoveError::DayTicketOtherDay {
                day: date!(2026 - 12 - 03)
            })
        );
        // The day is the local one: 23:30 UTC on the 3rd is 00:30 on the 4th in Berlin.
        let just_after_midnight = datetime!(2026-12-03 23:30 UTC);
        assert!(check_move(status, kind, START, just_after_midnight, NOW).is_err());
    }
}
