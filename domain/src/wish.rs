//! R35, I7: the waitlist. A citizen with a verified contact (R33) who finds
//! no suitable time leaves a wish: days, optionally weekdays and a time of
//! day. When a regular start becomes free, the oldest wish it matches gets
//! an offer, held for it like a hold (R19). The rules of a wish's window,
//! an offer's deadline and a wish's end are here; finding the free start,
//! holding it and sending the offer are the store's and the outbox's.

use crate::calendar::Berlin;
use crate::config::Office;
use crate::search::bookable_days;
use crate::text_enum;
use time::{Date, Duration, OffsetDateTime, Time, Weekday};

/// R35: a wish ends after this many offers expired unanswered.
pub const MAX_EXPIRED_OFFERS: u32 = 3;
/// R35: the longest `offer_minutes` an office may set: a day.
pub const MAX_OFFER_MINUTES: u32 = 24 * 60;

text_enum! {
    /// R35: where a wish stands.
    pub enum WishStatus {
        /// Waiting for a matching time.
        Waiting = "waiting",
        /// A time is held for it and offered.
        Offered = "offered",
        /// An offer was accepted: the wish is a booking.
        Booked = "booked",
        /// The citizen withdrew it.
        Withdrawn = "withdrawn",
        /// Its range passed, or 3 offers expired unanswered.
        Ended = "ended",
    }
}

impl WishStatus {
    /// Whether the wish still takes part: waiting, or holding an offer.
    pub fn is_live(self) -> bool {
        matches!(self, WishStatus::Waiting | WishStatus::Offered)
    }
}

/// R35: why a wish's window is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WishError {
    #[error("`from` must not be after `to`")]
    RangeReversed,
    /// The range must lie inside the days bookable now (R8).
    #[error("the range must lie within the bookable days {first_day} to {last_day}")]
    OutsideBookableDays { first_day: Date, last_day: Date },
    #[error("weekdays are 1 (Monday) to 6 (Saturday), each at most once, at least one")]
    InvalidWeekdays,
    #[error("the time-of-day window must end after it begins")]
    TimesReversed,
}

/// R35: the times of day a wish accepts: the whole appointment inside
/// `from`–`to`, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimesOfDay {
    pub from: Time,
    pub to: Time,
}

/// R35: when a wish's citizen can come: days `from`–`to`, on `weekdays`
/// (Monday to Saturday; `None`: any), within `times` (`None`: any time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishWindow {
    from: Date,
    to: Date,
    weekdays: Option<Vec<Weekday>>,
    times: Option<TimesOfDay>,
}

impl WishWindow {
    /// A window for `office` at `now`: its days inside the bookable days
    /// (R8), weekdays given as 1 (Monday) to 6 (Saturday).
    pub fn new(
        office: &Office,
        now: OffsetDateTime,
        (from, to): (Date, Date),
        weekdays: Option<&[u8]>,
        times: Option<TimesOfDay>,
    ) -> Result<Self, WishError> {
        if from > to {
            return Err(WishError::RangeReversed);
        }
        let (first_day, last_day) = bookable_days(office, now);
        if from < first_day || to > last_day {
            return Err(WishError::OutsideBookableDays {
                first_day,
                last_day,
            });
        }
        let weekdays = weekdays.map(weekdays_of).transpose()?;
        if times.is_some_and(|t| t.from >= t.to) {
            return Err(WishError::TimesReversed);
        }
        Ok(Self {
            from,
            to,
            weekdays,
            times,
        })
    }

    /// A window as stored, without the checks of the moment it was made.
    pub fn stored(
        (from, to): (Date, Date),
        weekdays: Option<Vec<Weekday>>,
        times: Option<TimesOfDay>,
    ) -> Self {
        Self {
            from,
            to,
            weekdays,
            times,
        }
    }

    pub fn days(&self) -> (Date, Date) {
        (self.from, self.to)
    }

    pub fn weekdays(&self) -> Option<&[Weekday]> {
        self.weekdays.as_deref()
    }

    pub fn times(&self) -> Option<TimesOfDay> {
        self.times
    }

    /// R35: whether an appointment `start`–`end` lies in the window (local
    /// day, weekday and time of day).
    pub fn matches(&self, start: OffsetDateTime, end: OffsetDateTime) -> bool {
        let (start, end) = (Berlin::local(start), Berlin::local(end));
        let day = start.date();
        day >= self.from
            && day <= self.to
            && end.date() == day
            && self
                .weekdays
                .as_ref()
                .is_none_or(|w| w.contains(&day.weekday()))
            && self
                .times
                .is_none_or(|t| start.time() >= t.from && end.time() <= t.to)
    }

    /// R35: the range has passed for `office` at `now` once its last day is
    /// before the first day regular appointments can be booked (R8).
    pub fn passed(&self, office: &Office, now: OffsetDateTime) -> bool {
        self.to < bookable_days(office, now).0
    }
}

/// Weekdays 1 (Monday) to 6 (Saturday), each once, at least one.
fn weekdays_of(numbers: &[u8]) -> Result<Vec<Weekday>, WishError> {
    let mut days = Vec::with_capacity(numbers.len());
    for &n in numbers {
        let day = match n {
            1 => Weekday::Monday,
            2 => Weekday::Tuesday,
            3 => Weekday::Wednesday,
            4 => Weekday::Thursday,
            5 => Weekday::Friday,
            6 => Weekday::Saturday,
            _ => return Err(WishError::InvalidWeekdays),
        };
        if days.contains(&day) {
            return Err(WishError::InvalidWeekdays);
        }
        days.push(day);
    }
    if days.is_empty() {
        return Err(WishError::InvalidWeekdays);
    }
    Ok(days)
}

/// R35: the moment an offer of `start` made at `now` expires: after the
/// office's `offer_minutes`, but never later than the moment the start
/// stops being bookable (R8: the end of the day `lead_days` before it).
pub fn offer_expires_at(
    office: &Office,
    now: OffsetDateTime,
    start: OffsetDateTime,
    offer_minutes: u32,
) -> OffsetDateTime {
    let by_setting = now + Duration::minutes(i64::from(offer_minutes));
    let last_day =
        Berlin::local(start).date() - Duration::days(i64::from(office.settings.lead_days));
    let bookable_until =
        Berlin::instant(last_day + Duration::days(1), Time::MIDNIGHT).unwrap_or(by_setting);
    by_setting.min(bookable_until)
}

/// R35: whether a wish whose offers expired `expired` times ends.
pub fn ends_after_expiries(expired: u32) -> bool {
    expired >= MAX_EXPIRED_OFFERS
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::{date, datetime, time};

    /// Monday 30 November 2026, 10:00: bookable from Tuesday 1 December.
    const NOW: OffsetDateTime = datetime!(2026-11-30 10:00 +01:00);

    fn buergerbuero() -> Office {
        crate::kaarst::offices()
            .unwrap()
            .into_iter()
            .next()
            .unwrap()
    }

    #[test]
    fn r35_a_window_lies_inside_the_bookable_days_with_valid_weekdays_and_times() {
        let office = buergerbuero();
        let days = (date!(2026 - 12 - 01), date!(2026 - 12 - 18));
        assert!(WishWindow::new(&office, NOW, days, Some(&[1, 3]), None).is_ok());
        let today = (date!(2026 - 11 - 30), date!(2026 - 12 - 04));
        assert!(matches!(
            WishWindow::new(&office, NOW, today, None, None),
            Err(WishError::OutsideBookableDays { first_day, .. }) if first_day == date!(2026 - 12 - 01)
        ));
        let reversed = (date!(2026 - 12 - 04), date!(2026 - 12 - 01));
        assert_eq!(
            WishWindow::new(&office, NOW, reversed, None, None),
            Err(WishError::RangeReversed)
        );
        for bad in [&[][..], &[0], &[7], &[2, 2]] {
            assert_eq!(
                WishWindow::new(&office, NOW, days, Some(bad), None),
                Err(WishError::InvalidWeekdays),
                "{bad:?}"
            );
        }
        let backwards = TimesOfDay {
            from: time!(12:00),
            to: time!(08:00),
        };
        assert_eq!(
            WishWindow::new(&office, NOW, days, None, Some(backwards)),
            Err(WishError::TimesReversed)
        );
    }

    #[test]
    fn r35_a_start_matches_by_day_weekday_and_whole_appointment_in_the_times() {
        let office = buergerbuero();
        let mornings = TimesOfDay {
            from: time!(08:00),
            to: time!(10:00),
        };
        let window = WishWindow::new(
            &office,
            NOW,
            (date!(2026 - 12 - 01), date!(2026 - 12 - 10)),
            Some(&[2, 4]),
            Some(mornings),
        )
        .unwrap();
        let slot =
            |start: OffsetDateTime, minutes: i64| (start, start + Duration::minutes(minutes));
        // Tuesday 1 December 08:30–08:50: day, weekday and times fit.
        let (s, e) = slot(datetime!(2026-12-01 08:30 +01:00), 20);
        assert!(window.matches(s, e));
        // Wednesday is not asked for.
        let (s, e) = slot(datetime!(2026-12-02 08:30 +01:00), 20);
        assert!(!window.matches(s, e));
        // Ends after 10:00.
        let (s, e) = slot(datetime!(2026-12-03 09:50 +01:00), 20);
        assert!(!window.matches(s, e));
        // Ends exactly at 10:00.
        let (s, e) = slot(datetime!(2026-12-03 09:40 +01:00), 20);
        assert!(window.matches(s, e));
        // After the range.
        let (s, e) = slot(datetime!(2026-12-15 08:30 +01:00), 20);
        assert!(!window.matches(s, e));
        // Written in UTC, it is still 08:30 in Kaarst.
        let (s, e) = slot(datetime!(2026-12-01 07:30 UTC), 20);
        assert!(window.matches(s, e));
    }

    #[test]
    fn r35_an_offer_expires_after_offer_minutes_but_never_after_the_start_stops_being_bookable() {
        let office = buergerbuero();
        // Far ahead: 120 minutes.
        let start = datetime!(2026-12-10 08:30 +01:00);
        assert_eq!(
            offer_expires_at(&office, NOW, start, 120),
            NOW + Duration::minutes(120)
        );
        // Tuesday's start, offered Monday at 23:00: bookable until midnight
        // (lead 1 day), so the offer ends then.
        let late = datetime!(2026-11-30 23:00 +01:00);
        let tuesday = datetime!(2026-12-01 08:30 +01:00);
        assert_eq!(
            offer_expires_at(&office, late, tuesday, 120),
            datetime!(2026-12-01 00:00 +01:00)
        );
    }

    #[test]
    fn r35_a_wish_ends_after_three_expired_offers_and_when_its_range_passed() {
        assert!(!ends_after_expiries(2));
        assert!(ends_after_expiries(3));
        let office = buergerbuero();
        let window = WishWindow::new(
            &office,
            NOW,
            (date!(2026 - 12 - 01), date!(2026 - 12 - 02)),
            None,
            None,
        )
        .unwrap();
        assert!(!window.passed(&office, NOW));
        // Tuesday 1 December, 10:00: Wednesday is the first bookable day.
        assert!(!window.passed(&office, datetime!(2026-12-01 10:00 +01:00)));
        assert!(window.passed(&office, datetime!(2026-12-02 10:00 +01:00)));
        assert!(WishStatus::Offered.is_live());
        assert!(!WishStatus::Ended.is_live());
        assert_eq!("withdrawn".parse(), Ok(WishStatus::Withdrawn));
    }
}
