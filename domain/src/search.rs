//! Slot search (R9) and the Tagesticket offer (R12–R15).
//!
//! Both enumerate the grid starts inside the opening windows and keep exactly
//! those that the rules of [`crate::validate_booking`] accept (the same
//! `DayPlan`), so what is offered can be booked.

use crate::booking::{BookingKind, Channel};
use crate::calendar::Berlin;
use crate::config::Office;
use crate::occupancy::Occupancy;
use crate::rules::{BookingError, DayPlan, Selection, release_time};
use time::{Date, Duration, OffsetDateTime, Time};

/// A bookable appointment, in Berlin local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

/// The answer of a slot search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotOffer {
    pub minutes: u32,
    /// The first bookable start of the searched days (R9).
    pub earliest: Option<Slot>,
    pub slots: Vec<Slot>,
}

/// The first and last day on which regular appointments can be booked now (R8).
pub fn bookable_days(office: &Office, now: OffsetDateTime) -> (Date, Date) {
    let today = Berlin::today(now);
    (
        today + Duration::days(i64::from(office.settings.lead_days)),
        today + Duration::days(i64::from(office.settings.horizon_days)),
    )
}

/// Days a slot search covers when no end is asked for (docs/API.md).
pub const DEFAULT_SEARCH_DAYS: i64 = 14;

/// The days a slot search covers: from the first bookable day (or `from`, if
/// later) for [`DEFAULT_SEARCH_DAYS`] days (or up to `to`), never past the
/// horizon (R8). `None` when no bookable day is left in that range.
pub fn search_days(
    office: &Office,
    now: OffsetDateTime,
    from: Option<Date>,
    to: Option<Date>,
) -> Option<(Date, Date)> {
    let (first, last) = bookable_days(office, now);
    let from = from.map_or(first, |f| f.max(first));
    // Checked: a `from` near the end of the calendar must not overflow.
    let to = to
        .or_else(|| from.checked_add(Duration::days(DEFAULT_SEARCH_DAYS - 1)))
        .unwrap_or(last)
        .min(last);
    (from <= to).then_some((from, to))
}

/// What a search asks, apart from the day.
struct Query<'a> {
    office: &'a Office,
    selection: &'a Selection,
    kind: BookingKind,
    channel: Channel,
    now: OffsetDateTime,
    occupancy: &'a Occupancy,
}

/// The grid starts of one day, in every window, accepted for the query.
fn day_slots(q: &Query<'_>, date: Date, out: &mut Vec<Slot>) {
    let Ok(plan) = DayPlan::new(q.office, date, q.kind, q.channel, q.now, q.occupancy) else {
        return;
    };
    let minutes = q.selection.minutes();
    let step = Duration::minutes(i64::from(q.office.settings.grid_minutes));
    for window in q.office.hours.on(date.weekday()) {
        let mut time = window.start;
        // A start in the March gap cannot exist; offices are closed then anyway.
        while let Ok(start) = Berlin::instant(date, time) {
            match plan.check(q.office, start, minutes, q.now, q.occupancy) {
                Ok(accepted) => out.push(Slot {
                    start: accepted.start,
                    end: accepted.end,
                }),
                Err(BookingError::OutsideOpeningHours) => break,
                Err(_) => {}
            }
            let next = time + step;
            if next <= time || next >= window.end {
                break;
            }
            time = next;
        }
    }
}

/// Every regular start for `selection` in `from..=to` (clamped to the bookable
/// days), and the earliest of them. `occupancy` must cover those days.
pub fn search_slots(
    office: &Office,
    selection: &Selection,
    from: Date,
    to: Date,
    now: OffsetDateTime,
    occupancy: &Occupancy,
) -> SlotOffer {
    let (first, last) = bookable_days(office, now);
    let query = Query {
        office,
        selection,
        kind: BookingKind::Regular,
        channel: Channel::Online,
        now,
        occupancy,
    };
    let mut slots = Vec::new();
    let mut date = from.max(first);
    while date <= to.min(last) {
        day_slots(&query, date, &mut slots);
        let Some(next) = date.next_day() else { break };
        date = next;
    }
    SlotOffer {
        minutes: selection.minutes(),
        earliest: slots.first().copied(),
        slots,
    }
}

/// Today's Tagesticket situation for a channel (R12–R15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTicketOffer {
    pub date: Date,
    /// Whether a Tagesticket can be taken now through this channel.
    pub available: bool,
    pub remaining: u32,
    /// Release times today; `None` when today is no Tagesticket day.
    pub online_from: Option<OffsetDateTime>,
    pub desk_from: Option<OffsetDateTime>,
    /// Starts still free in the contingent for the selection (empty without one).
    pub slots: Vec<Slot>,
    /// R32: online Tagestickets only for these postcodes; empty = anyone.
    pub postcodes: Vec<crate::fair::Postcode>,
    /// R27: first come at the release, or by draw.
    pub release: crate::fair::DayTicketRelease,
    /// R27: where the office draws, requests are taken from this instant
    /// until `online_from`; `None` otherwise.
    pub requests_from: Option<OffsetDateTime>,
}

/// The day a Tagesticket asked for at `now` is for: today, local time (R13).
/// The store reads the occupancy of exactly this day.
pub fn day_ticket_date(now: OffsetDateTime) -> Date {
    Berlin::today(now)
}

/// `occupancy` must cover [`day_ticket_date`]`(now)`.
pub fn day_ticket_offer(
    office: &Office,
    selection: Option<&Selection>,
    channel: Channel,
    now: OffsetDateTime,
    occupancy: &Occupancy,
) -> DayTicketOffer {
    let date = day_ticket_date(now);
    let Some(policy) = office.day_ticket_on(date) else {
        return DayTicketOffer {
            date,
            available: false,
            remaining: 0,
            online_from: None,
            desk_from: None,
            slots: Vec::new(),
            postcodes: office.settings.day_ticket_postcodes.clone(),
            release: office.settings.day_ticket_release,
            requests_from: None,
        };
    };
    let at = |t: Time| Berlin::instant(date, t).ok();
    let remaining = policy.tickets_left(occupancy, date);
    let released = Berlin::local(now).time() >= release_time(policy, channel);
    let mut slots = Vec::new();
    if let Some(selection) = selection {
        let query = Query {
            office,
            selection,
            kind: BookingKind::DayTicket,
            channel,
            now,
            occupancy,
        };
        day_slots(&query, date, &mut slots);
    }
    DayTicketOffer {
        date,
        available: released && remaining > 0 && (selection.is_none() || !slots.is_empty()),
        remaining,
        online_from: at(policy.online_from),
        desk_from: at(policy.staff_from),
        slots,
        postcodes: office.settings.day_ticket_postcodes.clone(),
        release: office.settings.day_ticket_release,
        requests_from: (office.settings.day_ticket_release == crate::fair::DayTicketRelease::Draw)
            .then(|| crate::config::request_hours(office, date))
            .flatten()
            .and_then(|(from, _)| at(from)),
    }
}
