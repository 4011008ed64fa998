//! Messages to the citizen (R23, I6): which ones a booking change produces,
//! when a reminder is due, whether a queued message is still worth sending,
//! and how often a failed one is tried again. No I/O: the outbox lives in
//! `persistence`, the sending in `api`.

use crate::booking::BookingStatus;
use crate::calendar::Berlin;
use crate::text_enum;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};

text_enum! {
    /// What a message tells the citizen (R23).
    pub enum MessageKind {
        /// The booking was made: code, time, place, services, the link.
        Confirmation = "confirmation",
        /// The booking was moved (R20).
        Moved = "moved",
        /// The booking was cancelled, by the citizen or by staff (R18).
        Cancelled = "cancelled",
        /// The appointment is near (the office's reminder setting).
        Reminder = "reminder",
    }
}

text_enum! {
    /// Where a message stands in the outbox.
    pub enum MessageStatus {
        /// Waiting to be sent (or to be tried again after a failure).
        Pending = "pending",
        /// Handed to the mail server.
        Sent = "sent",
        /// Given up after [`MAX_SEND_ATTEMPTS`] failures; an admin sees it.
        Failed = "failed",
        /// No longer true when its turn came (a reminder of a moved or
        /// cancelled booking, a confirmation of a cancelled one): not sent.
        Obsolete = "obsolete",
    }
}

/// R23: an office's reminder: `days_before` the appointment's day, at the
/// local time `at` (Kaarst: 1 day before, 16:00). `days_before == 0` means
/// the office sends no reminders: a reminder on the day itself would often
/// arrive after a morning appointment has begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPolicy {
    pub days_before: u32,
    pub at: Time,
}

/// The furthest ahead a reminder may be sent (`Office::validate`).
pub const MAX_REMINDER_DAYS: u32 = 14;

/// R23: how many times a message is tried before it is marked failed.
pub const MAX_SEND_ATTEMPTS: u32 = 6;

/// R23: when the reminder of an appointment at `start` is due, seen at
/// `now` (when the booking is made or moved). `None`: no reminder, because
/// the office sends none, or its time has passed already (a booking made
/// after it has just had its confirmation), or it would not come before
/// the appointment.
///
/// The time is local (Europe/Berlin). A time that does not exist on that
/// day (02:00–03:00 on the day summer time begins) is read with the offset
/// before the change, so 02:30 becomes 03:30 summer time.
pub fn reminder_due(
    policy: ReminderPolicy,
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    if policy.days_before == 0 {
        return None;
    }
    let day = Berlin::local(start)
        .date()
        .checked_sub(Duration::days(i64::from(policy.days_before)))?;
    let due = Berlin::instant(day, policy.at).unwrap_or_else(|_| {
        let naive = PrimitiveDateTime::new(day, policy.at);
        naive.assume_offset(Berlin::offset_at(naive.assume_utc() - Duration::hours(3)))
    });
    (due > now && due < start).then_some(due)
}

/// I6: whether a message queued at booking `sequence` `queued` still says
/// something true when its turn comes. A reminder is for the booking as it
/// was when queued: a move or a cancellation (which raise the sequence)
/// make it obsolete, as does the appointment's start passing. A
/// confirmation or a move notice of a booking cancelled since is replaced
/// by the cancellation's message; one whose appointment has begun is
/// pointless. A cancellation is always sent.
pub fn still_worth_sending(
    kind: MessageKind,
    queued: u32,
    status: BookingStatus,
    sequence: u32,
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> bool {
    match kind {
        MessageKind::Cancelled => true,
        MessageKind::Reminder => {
            status == BookingStatus::Confirmed && sequence == queued && start > now
        }
        MessageKind::Confirmation | MessageKind::Moved => {
            status == BookingStatus::Confirmed && start > now
        }
    }
}

/// What becomes of a message whose sending failed for the `attempts`-th time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again at this instant.
    At(OffsetDateTime),
    /// Give up: the message is marked failed.
    GiveUp,
}

/// R23: back-off after a failure: 1, 5, 15, 60 and 240 minutes, then give
/// up (after [`MAX_SEND_ATTEMPTS`] attempts in about five and a half hours,
/// long enough to ride out a mail server's restart or a night's outage of
/// a relay, short enough that an admin hears of it the same day).
pub fn retry_after(attempts: u32, now: OffsetDateTime) -> Retry {
    const MINUTES: [i64; 5] = [1, 5, 15, 60, 240];
    if attempts >= MAX_SEND_ATTEMPTS {
        return Retry::GiveUp;
    }
    let index = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
    match MINUTES.get(index) {
        Some(m) => Retry::At(now + Duration::minutes(*m)),
        None => Retry::GiveUp,
    }
}
