//! Local time in Europe/Berlin and the public holidays of North Rhine-Westphalia.

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The time zone every office works in. Offsets come from the tz data bundled
/// in `tzdb`, so both daylight-saving changes are right for any year.
#[derive(Debug, Clone, Copy)]
pub struct Berlin;

/// A local date and time that does not exist (the hour skipped in March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} {1} does not exist in Europe/Berlin (daylight-saving gap)")]
pub struct NonexistentLocalTime(pub Date, pub Time);

impl Berlin {
    /// The UTC offset in force at an instant.
    pub fn offset_at(instant: OffsetDateTime) -> UtcOffset {
        let seconds = tzdb::time_zone::europe::BERLIN
            .find_local_time_type(instant.unix_timestamp())
            .map(|t| t.ut_offset())
            // The bundled zone ends in a POSIX rule that covers every later
            // instant; only instants beyond tz-rs' range fail, and there
            // standard time is the honest answer.
            .unwrap_or(3600);
        UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
    }

    /// The instant as local wall-clock time, carrying the offset in force.
    /// At the very end of `time`'s range (31 December 9999) the local time
    /// would overflow; the instant is then returned as it is, and the rules
    /// refuse it as beyond the horizon.
    pub fn local(instant: OffsetDateTime) -> OffsetDateTime {
        instant
            .checked_to_offset(Self::offset_at(instant))
            .unwrap_or(instant)
    }

    /// The local calendar day of an instant.
    pub fn today(now: OffsetDateTime) -> Date {
        Self::local(now).date()
    }

    /// The instant of a local date and time. In the October overlap the earlier
    /// (summer-time) instant is taken; in the March gap there is none.
    pub fn instant(date: Date, time: Time) -> Result<OffsetDateTime, NonexistentLocalTime> {
        let naive = PrimitiveDateTime::new(date, time);
        let as_utc = naive.assume_utc();
        let mut candidates = [
            Self::offset_at(as_utc - Duration::hours(3)),
            Self::offset_at(as_utc + Duration::hours(3)),
        ];
        candidates.sort_by_key(|o| std::cmp::Reverse(o.whole_seconds()));
        candidates
            .into_iter()
            .map(|offset| naive.assume_offset(offset))
            .find(|instant| Self::offset_at(*instant) == instant.offset())
            .ok_or(NonexistentLocalTime(date, time))
    }
}

/// The name of the NRW public holiday on this date, if it is one (R6).
pub fn nrw_holiday(date: Date) -> Option<&'static str> {
    use feiertage::Holiday::*;
    let region = feiertage::Region::NordrheinWestfalen;
    if !region.is_holiday(date) {
        return None;
    }
    region
        .holidays()
        .into_iter()
        .find(|h| h.date(date.year()) == Some(date))
        .map(|h| match h {
            Neujahr => "Neujahr",
            Karfreitag => "Karfreitag",
            Ostermontag => "Ostermontag",
            TagDerArbeit => "Tag der Arbeit",
            ChristiHimmelfahrt => "Christi Himmelfahrt",
            Pfingstmontag => "Pfingstmontag",
            Fronleichnam => "Fronleichnam",
            TagDerDeutschenEinheit => "Tag der Deutschen Einheit",
            Allerheiligen => "Allerheiligen",
            ErsterWeihnachtsfeiertag => "1. Weihnachtstag",
            ZweiterWeihnachtsfeiertag => "2. Weihnachtstag",
            _ => "Feiertag",
        })
}

#[cfg(test)]
mod tests {

    #[test]
    fn local_time_at_the_end_of_the_calendar_does_not_panic() {
        let last = time::macros::datetime!(9999-12-31 23:30 UTC);
        assert_eq!(Berlin::local(last), last);
    }

    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn r6_easter_2027_karfreitag_and_ostermontag_are_holidays() {
        assert_eq!(nrw_holiday(date!(2027 - 03 - 26)), Some("Karfreitag"));
        assert_eq!(nrw_holiday(date!(2027 - 03 - 29)), Some("Ostermontag"));
        assert_eq!(nrw_holiday(date!(2027 - 03 - 25)), None);
        assert_eq!(nrw_holiday(date!(2027 - 03 - 30)), None);
    }

    #[test]
    fn r6_all_nrw_holidays_of_2027() {
        let expected = [
            (date!(2027 - 01 - 01), "Neujahr"),
            (date!(2027 - 05 - 01), "Tag der Arbeit"),
            (date!(2027 - 05 - 06), "Christi Himmelfahrt"),
            (date!(2027 - 05 - 17), "Pfingstmontag"),
            (date!(2027 - 05 - 27), "Fronleichnam"),
            (date!(2027 - 10 - 03), "Tag der Deutschen Einheit"),
            (date!(2027 - 11 - 01), "Allerheiligen"),
            (date!(2027 - 12 - 25), "1. Weihnachtstag"),
            (date!(2027 - 12 - 26), "2. Weihnachtstag"),
        ];
        for (d, name) in expected {
            assert_eq!(nrw_holiday(d), Some(name), "{d}");
        }
        // Not NRW holidays: Reformationstag, Buß- und Bettag, Heilige Drei Könige.
        assert_eq!(nrw_holiday(date!(2027 - 10 - 31)), None);
        assert_eq!(nrw_holiday(date!(2027 - 11 - 17)), None);
        assert_eq!(nrw_holiday(date!(2027 - 01 - 06)), None);
    }

    #[test]
    fn berlin_offsets_follow_both_dst_changes() {
        assert_eq!(
            Berlin::instant(date!(2027 - 03 - 27), time!(08:30)).ok(),
            Some(datetime!(2027-03-27 08:30 +01:00))
        );
        assert_eq!(
            Berlin::instant(date!(2027 - 03 - 30), time!(08:30)).ok(),
            Some(datetime!(2027-03-30 08:30 +02:00))
        );
        assert_eq!(
            Berlin::instant(date!(2026 - 10 - 24), time!(08:30)).ok(),
            Some(datetime!(2026-10-24 08:30 +02:00))
        );
        assert_eq!(
            Berlin::instant(date!(2026 - 10 - 26), time!(08:30)).ok(),
            Some(datetime!(2026-10-26 08:30 +01:00))
        );
    }

    #[test]
    fn berlin_gap_and_overlap() {
        // 28 March 2027, 02:30 does not exist.
        assert!(Berlin::instant(date!(2027 - 03 - 28), time!(02:30)).is_err());
        // 25 October 2026, 02:30 exists twice: the earlier, summer-time one is taken.
        assert_eq!(
            Berlin::instant(date!(2026 - 10 - 25), time!(02:30)).ok(),
            Some(datetime!(2026-10-25 02:30 +02:00))
        );
    }

    #[test]
    fn local_day_of_an_instant_late_in_the_evening_utc() {
        // 23:30 UTC on 2 December is already 3 December in Kaarst.
        assert_eq!(
            Berlin::today(datetime!(2026-12-02 23:30 UTC)),
            date!(2026 - 12 - 03)
        );
    }
}
