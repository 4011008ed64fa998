//! The calendar entry of a booking (R23, RFC 5545/5546), with `icalendar`.
//! Times are written in UTC (`…Z`): the crate writes no VTIMEZONE, and UTC
//! needs none, so every calendar shows the right local time.

use crate::usecases::mail::render::{german_date, german_time};
use domain::BookingStatus;
use icalendar::{Alarm, Calendar, Component, EventLike, EventStatus};
use persistence::Booking;
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

const UTC_STAMP: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

fn utc(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(UTC_STAMP)
        .unwrap_or_default()
}

/// The UID of a booking's entry: the same for every message about it, so a
/// calendar updates or removes the one entry.
pub fn uid(booking: &Booking, host: &str) -> String {
    format!("{}@{host}", booking.id)
}

/// The entry of `booking` as it is now: `METHOD:REQUEST` while confirmed,
/// `METHOD:CANCEL` with `STATUS:CANCELLED` once cancelled; `SEQUENCE` is the
/// booking's sequence (it rises with every move and the cancellation), a
/// reminder the day before. `organizer` is the sender's address (iTIP wants
/// one with REQUEST); `now` stamps it.
pub fn calendar(
    booking: &Booking,
    office: &domain::Office,
    host: &str,
    organizer: &str,
    now: OffsetDateTime,
) -> String {
    let cancelled = booking.status == BookingStatus::Cancelled;
    let services: Vec<&str> = booking
        .service_details
        .iter()
        .map(|d| d.service.name.as_str())
        .collect();
    let what = if booking.kind == domain::BookingKind::DayTicket {
        "Tagesticket"
    } else {
        "Termin"
    };
    let mut alarm = Alarm::display(
        &format!(
            "{what} {} am {} um {} Uhr",
            office.name,
            german_date(booking.start),
            german_time(booking.start)
        ),
        -chrono::Duration::days(1),
    );
    alarm.add_property("DTSTAMP", utc(now));
    let mut event = icalendar::Event::new();
    event
        .uid(&uid(booking, host))
        .sequence(booking.sequence)
        .add_property("DTSTAMP", utc(now))
        .add_property("DTSTART", utc(booking.start))
        .add_property("DTEND", utc(booking.end))
        .summary(&format!("{what} {}, Code {}", office.name, booking.code))
        .location(&office.address)
        .description(&format!(
            "Buchungscode: {}\nAnliegen: {}",
            booking.code,
            services.join(", ")
        ))
        .add_property("ORGANIZER", format!("mailto:{organizer}"))
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if !cancelled {
        event.alarm(alarm);
    }
    let mut calendar = Calendar::new();
    calendar.append_property(("METHOD", method(booking)));
    calendar.push(event.done());
    calendar.done().to_string()
}

/// `REQUEST` or `CANCEL`, as in the calendar and its MIME type.
pub fn method(booking: &Booking) -> &'static str {
    if booking.status == BookingStatus::Cancelled {
        "CANCEL"
    } else {
        "REQUEST"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::usecases::mail::render::tests::booking;
    use domain::BookingKind;
    use time::macros::datetime;

    #[test]
    fn r23_calendar_entry_in_utc_with_uid_sequence_alarm_and_method() {
        let office = domain::test_support::buergerbuero();
        let mut b = booking(BookingKind::Regular);
        let now = datetime!(2026-11-30 10:00 +01:00);
        let text = calendar(&b, &office, "termine.kaarst.de", "t@kaarst.de", now);
        let parsed: Calendar = text.parse().unwrap();
        assert_eq!(parsed.property_value("METHOD"), Some("REQUEST"));
        let event = parsed.events().next().unwrap();
        assert_eq!(
            event.get_uid(),
            Some("00000000-0000-0000-0000-000000000000@termine.kaarst.de")
        );
        assert_eq!(event.get_sequence(), Some(0));
        assert_eq!(event.property_value("DTSTART"), Some("20261201T073000Z"));
        assert_eq!(event.property_value("DTEND"), Some("20261201T080500Z"));
        assert_eq!(
            event.get_location(),
            Some("Rathaus Kaarst, Am Neumarkt 2, 41564 Kaarst")
        );
        assert!(event.get_summary().unwrap().contains("ABCD2345"));
        assert!(
            text.contains("BEGIN:VALARM") && text.contains("TRIGGER:-PT86400S"),
            "{text}"
        );
        assert!(!text.contains("VTIMEZONE"));
        b.status = BookingStatus::Cancelled;
        b.sequence = 2;
        let text = calendar(&b, &office, "termine.kaarst.de", "t@kaarst.de", now);
        let parsed: Calendar = text.parse().unwrap();
        assert_eq!(parsed.property_value("METHOD"), Some("CANCEL"));
        let event = parsed.events().next().unwrap();
        assert_eq!(event.get_sequence(), Some(2));
        assert_eq!(event.get_status(), Some(EventStatus::Cancelled));
        assert!(!text.contains("VALARM"));
    }
}
