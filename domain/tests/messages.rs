//! R23: when reminders are due, which queued messages are still sent, and
//! the back-off of failed ones. Pure: every instant is an argument.
#![allow(clippy::unwrap_used)]

use domain::test_support::buergerbuero;
use domain::{
    BookingStatus, MAX_SEND_ATTEMPTS, MessageKind, ReminderPolicy, Retry, reminder_due,
    retry_after, still_worth_sending,
};
use time::macros::{datetime, time};

const KAARST: ReminderPolicy = ReminderPolicy {
    days_before: 1,
    at: time!(16:00),
};

#[test]
fn r23_kaarst_reminds_the_day_before_at_1600() {
    assert_eq!(buergerbuero().settings.reminder(), KAARST);
}

#[test]
fn r23_reminder_is_due_the_day_before_at_1600_local_in_winter() {
    let due = reminder_due(
        KAARST,
        datetime!(2026-12-08 08:30 +01:00),
        datetime!(2026-11-30 10:00 +01:00),
    );
    assert_eq!(due, Some(datetime!(2026-12-07 15:00 UTC)));
}

#[test]
fn r23_reminder_is_1600_summer_time_in_summer() {
    let due = reminder_due(
        KAARST,
        datetime!(2026-07-14 09:00 +02:00),
        datetime!(2026-07-01 10:00 +02:00),
    );
    assert_eq!(due, Some(datetime!(2026-07-13 14:00 UTC)));
}

#[test]
fn r23_reminder_on_the_days_of_the_dst_changes_keeps_the_local_time() {
    // Summer time begins on Sunday 29 March 2026: the reminder for Monday
    // is at 16:00 summer time; the appointment is at 08:30 summer time.
    let due = reminder_due(
        KAARST,
        datetime!(2026-03-30 08:30 +02:00),
        datetime!(2026-03-20 10:00 +01:00),
    );
    assert_eq!(due, Some(datetime!(2026-03-29 14:00 UTC)));
    // It ends on Sunday 25 October 2026: 16:00 winter time.
    let due = reminder_due(
        KAARST,
        datetime!(2026-10-26 08:30 +01:00),
        datetime!(2026-10-20 10:00 +02:00),
    );
    assert_eq!(due, Some(datetime!(2026-10-25 15:00 UTC)));
}

#[test]
fn r23_a_reminder_time_in_the_dst_gap_is_read_with_the_winter_offset() {
    let at_0230 = ReminderPolicy {
        days_before: 1,
        at: time!(02:30),
    };
    let due = reminder_due(
        at_0230,
        datetime!(2026-03-30 08:30 +02:00),
        datetime!(2026-03-20 10:00 +01:00),
    );
    // 02:30 +01:00 = 01:30 UTC = 03:30 summer time.
    assert_eq!(due, Some(datetime!(2026-03-29 01:30 UTC)));
}

#[test]
fn r23_several_days_before() {
    let three = ReminderPolicy {
        days_before: 3,
        at: time!(09:00),
    };
    let due = reminder_due(
        three,
        datetime!(2026-12-10 08:30 +01:00),
        datetime!(2026-11-30 10:00 +01:00),
    );
    assert_eq!(due, Some(datetime!(2026-12-07 09:00 +01:00)));
}

#[test]
fn r23_no_reminder_when_booked_after_its_time_or_switched_off() {
    let start = datetime!(2026-12-01 08:30 +01:00);
    assert_eq!(
        reminder_due(KAARST, start, datetime!(2026-11-30 16:00 +01:00)),
        None
    );
    assert_eq!(
        reminder_due(KAARST, start, datetime!(2026-11-30 17:00 +01:00)),
        None
    );
    assert!(reminder_due(KAARST, start, datetime!(2026-11-30 15:59 +01:00)).is_some());
    let off = ReminderPolicy {
        days_before: 0,
        ..KAARST
    };
    assert_eq!(
        reminder_due(off, start, datetime!(2026-11-20 10:00 +01:00)),
        None
    );
}

#[test]
fn r23_a_reminder_of_a_moved_or_cancelled_booking_is_obsolete() {
    let start = datetime!(2026-12-08 08:30 +01:00);
    let now = datetime!(2026-12-07 16:00 +01:00);
    let worth = |kind, queued, status, sequence| {
        still_worth_sending(kind, queued, status, sequence, start, now)
    };
    use BookingStatus::{Cancelled as Off, Confirmed as On};
    use MessageKind as K;
    assert!(worth(K::Reminder, 0, On, 0));
    assert!(!worth(K::Reminder, 0, On, 1), "moved since");
    assert!(!worth(K::Reminder, 0, Off, 1), "cancelled since");
    assert!(worth(K::Confirmation, 0, On, 1), "moved: still sent");
    assert!(!worth(K::Confirmation, 0, Off, 1));
    assert!(!worth(K::Moved, 1, Off, 2));
    assert!(worth(K::Cancelled, 2, Off, 2));
    // The appointment has begun: only a cancellation still goes out.
    let late = start + time::Duration::minutes(1);
    assert!(!still_worth_sending(K::Reminder, 0, On, 0, start, late));
    assert!(!still_worth_sending(K::Confirmation, 0, On, 0, start, late));
    assert!(still_worth_sending(K::Cancelled, 1, Off, 1, start, late));
}

#[test]
fn r23_failed_messages_are_retried_with_growing_back_off_then_given_up() {
    let now = datetime!(2026-12-07 16:00 +01:00);
    let waits: Vec<Retry> = (1..=MAX_SEND_ATTEMPTS)
        .map(|n| retry_after(n, now))
        .collect();
    let minutes: Vec<i64> = waits
        .iter()
        .filter_map(|r| match r {
            Retry::At(t) => Some((*t - now).whole_minutes()),
            Retry::GiveUp => None,
        })
        .collect();
    assert_eq!(minutes, [1, 5, 15, 60, 240]);
    assert_eq!(waits.last(), Some(&Retry::GiveUp));
    assert_eq!(retry_after(MAX_SEND_ATTEMPTS + 5, now), Retry::GiveUp);
}

#[test]
fn r23_reminder_days_are_bounded() {
    let mut office = buergerbuero();
    office.settings.reminder_days_before = 15;
    assert!(office.validate().is_err());
    office.settings.reminder_days_before = 14;
    assert!(office.validate().is_ok());
}
