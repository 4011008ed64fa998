//! At the counter (R28): check-in on arrival, the call to a counter, served
//! or no-show. Which step may follow which, and from when, is decided here;
//! the claim that gives one citizen to one clerk is the store's.

use crate::booking::BookingStatus;
use crate::calendar::Berlin;
use time::{Date, Duration, OffsetDateTime};

/// The most minutes an office may wait past a start before a no-show.
pub const MAX_NO_SHOW_GRACE_MINUTES: u32 = 240;

/// Why a step at the counter cannot be taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    #[error("the booking is cancelled")]
    Cancelled,
    #[error("the booking is already checked in")]
    AlreadyCheckedIn,
    #[error("the booking has been called already")]
    AlreadyCalled,
    #[error("the booking is served already")]
    AlreadyServed,
    #[error("the booking was marked as a no-show")]
    NoShow,
    #[error("check-in opens on the appointment's day, {day}")]
    CheckInTooEarly { day: Date },
    #[error("the appointment was on {day}; check-in is only on that day")]
    CheckInDayPassed { day: Date },
    #[error("only a called booking can be closed as served")]
    NotCalled,
    #[error(
        "a no-show can be marked from {:02}:{:02} (the start plus the office's grace time)",
        Berlin::local(*.from).hour(),
        Berlin::local(*.from).minute()
    )]
    NoShowTooEarly { from: OffsetDateTime },
    #[error("counters are numbered from 1 to the office's {counters}")]
    NoSuchCounter { counters: u32 },
}

/// Where a booking that is not waiting for its call stands: the error for
/// a step that needs it `Confirmed` or `CheckedIn`.
fn settled(status: BookingStatus) -> Option<CounterError> {
    match status {
        BookingStatus::Cancelled => Some(CounterError::Cancelled),
        BookingStatus::Called => Some(CounterError::AlreadyCalled),
        BookingStatus::Served => Some(CounterError::AlreadyServed),
        BookingStatus::NoShow => Some(CounterError::NoShow),
        BookingStatus::Confirmed | BookingStatus::CheckedIn => None,
    }
}

/// R28: a booking neither settled nor checked in: one whose citizen has not
/// arrived yet.
fn not_arrived(status: BookingStatus) -> Result<(), CounterError> {
    if let Some(e) = settled(status) {
        return Err(e);
    }
    if status == BookingStatus::CheckedIn {
        return Err(CounterError::AlreadyCheckedIn);
    }
    Ok(())
}

/// R28: a confirmed booking checks in on its appointment's day, early
/// arrivals welcome (a citizen at 08:00 for 10:30 waits in the queue), late
/// ones too as long as no one has marked them as a no-show.
pub fn check_check_in(
    status: BookingStatus,
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), CounterError> {
    not_arrived(status)?;
    let day = Berlin::local(start).date();
    let today = Berlin::today(now);
    if today < day {
        return Err(CounterError::CheckInTooEarly { day });
    }
    if today > day {
        return Err(CounterError::CheckInDayPassed { day });
    }
    Ok(())
}

/// R28: a clerk calls to one of the office's counters, numbered from 1.
pub fn check_counter(counter: u32, counters: u32) -> Result<(), CounterError> {
    if (1..=counters).contains(&counter) {
        Ok(())
    } else {
        Err(CounterError::NoSuchCounter { counters })
    }
}

/// R28: only a called booking is closed as served.
pub fn check_done(status: BookingStatus) -> Result<(), CounterError> {
    match status {
        BookingStatus::Called => Ok(()),
        BookingStatus::Cancelled => Err(CounterError::Cancelled),
        BookingStatus::Served => Err(CounterError::AlreadyServed),
        BookingStatus::NoShow => Err(CounterError::NoShow),
        BookingStatus::Confirmed | BookingStatus::CheckedIn => Err(CounterError::NotCalled),
    }
}

/// R28: a booking not checked in can be marked as a no-show once its start
/// plus the office's grace time (Kaarst 10 minutes) has passed.
pub fn check_no_show(
    status: BookingStatus,
    start: OffsetDateTime,
    grace_minutes: u32,
    now: OffsetDateTime,
) -> Result<(), CounterError> {
    not_arrived(status)?;
    let from = start + Duration::minutes(i64::from(grace_minutes));
    if now < from {
        return Err(CounterError::NoShowTooEarly { from });
    }
    Ok(())
}

/// R28: a booking that was served or did not come is closed: it can no
/// longer be cancelled or moved.
pub fn closed(status: BookingStatus) -> Option<CounterError> {
    match status {
        BookingStatus::Served => Some(CounterError::AlreadyServed),
        BookingStatus::NoShow => Some(CounterError::NoShow),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const START: OffsetDateTime = datetime!(2026-12-03 10:30 +01:00);

    #[test]
    fn r28_check_in_on_the_day_early_arrivals_welcome() {
        let s = BookingStatus::Confirmed;
        assert_eq!(
            check_check_in(s, START, datetime!(2026-12-02 23:59 +01:00)),
            Err(CounterError::CheckInTooEarly {
                day: date!(2026 - 12 - 03)
            })
        );
        assert_eq!(
            check_check_in(s, START, datetime!(2026-12-03 00:00 +01:00)),
            Ok(())
        );
        assert_eq!(
            check_check_in(s, START, datetime!(2026-12-03 11:00 +01:00)),
            Ok(())
        );
        assert_eq!(
            check_check_in(s, START, datetime!(2026-12-04 08:00 +01:00)),
            Err(CounterError::CheckInDayPassed {
                day: date!(2026 - 12 - 03)
            })
        );
        assert_eq!(
            check_check_in(BookingStatus::CheckedIn, START, START),
            Err(CounterError::AlreadyCheckedIn)
        );
        assert_eq!(
            check_check_in(BookingStatus::Cancelled, START, START),
            Err(CounterError::Cancelled)
        );
    }

    #[test]
    fn r28_only_a_called_booking_is_done() {
        assert_eq!(check_done(BookingStatus::Called), Ok(()));
        assert_eq!(
            check_done(BookingStatus::CheckedIn),
            Err(CounterError::NotCalled)
        );
        assert_eq!(
            check_done(BookingStatus::Served),
            Err(CounterError::AlreadyServed)
        );
    }

    #[test]
    fn r28_no_show_only_after_start_plus_grace_and_not_when_checked_in() {
        let s = BookingStatus::Confirmed;
        assert_eq!(
            check_no_show(s, START, 10, datetime!(2026-12-03 10:39:59 +01:00)),
            Err(CounterError::NoShowTooEarly {
                from: datetime!(2026-12-03 10:40 +01:00)
            })
        );
        assert_eq!(
            check_no_show(s, START, 10, datetime!(2026-12-03 10:40 +01:00)),
            Ok(())
        );
        let early = check_no_show(s, START, 10, START).map_err(|e| e.to_string());
        assert_eq!(
            early,
            Err(
                "a no-show can be marked from 10:40 (the start plus the office's grace time)"
                    .into()
            )
        );
        assert_eq!(
            check_no_show(BookingStatus::CheckedIn, START, 10, START),
            Err(CounterError::AlreadyCheckedIn)
        );
        assert_eq!(
            check_no_show(BookingStatus::NoShow, START, 10, START),
            Err(CounterError::NoShow)
        );
    }

    #[test]
    fn r28_counters_are_numbered_from_one() {
        assert_eq!(check_counter(1, 4), Ok(()));
        assert_eq!(check_counter(4, 4), Ok(()));
        assert_eq!(
            check_counter(0, 4),
            Err(CounterError::NoSuchCounter { counters: 4 })
        );
        assert_eq!(
            check_counter(5, 4),
            Err(CounterError::NoSuchCounter { counters: 4 })
        );
    }

    #[test]
    fn r28_served_and_no_show_are_closed() {
        assert_eq!(
            closed(BookingStatus::Served),
            Some(CounterError::AlreadyServed)
        );
        assert_eq!(closed(BookingStatus::NoShow), Some(CounterError::NoShow));
        assert_eq!(closed(BookingStatus::CheckedIn), None);
    }
}
