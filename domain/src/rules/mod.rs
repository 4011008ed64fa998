//! Booking validation (R3–R8, R12–R15): the one place that decides whether
//! a booking may be made. Slot search offers exactly what it accepts.

mod error;
mod residence;
mod selection;

pub use error::BookingError;
pub use residence::check_residence;
pub use selection::{Accepted, BookingRequest, Selection};

use crate::booking::{BookingKind, Channel};
use crate::calendar::Berlin;
use crate::config::{DayClosed, DayTicketPolicy, Office};
use crate::grid::minute_of_day;
use crate::occupancy::{Occupancy, Pool, units_of};
use time::{Date, Duration, OffsetDateTime, Time};

/// When the Tagestickets of a day are released to a channel (R13).
pub fn release_time(policy: &DayTicketPolicy, channel: Channel) -> Time {
    match channel {
        Channel::Online => policy.online_from,
        Channel::Phone | Channel::Desk => policy.staff_from,
    }
}

/// Checks a request against every rule, given the occupancy of its day and `now`.
///
/// This is the one place that decides whether a booking may be made; slot
/// search offers exactly the starts it accepts (through the same [`DayPlan`]).
pub fn validate_booking(
    office: &Office,
    request: &BookingRequest,
    now: OffsetDateTime,
    occupancy: &Occupancy,
) -> Result<Accepted, BookingError> {
    let start = Berlin::local(request.start);
    check_grid_and_past(office, start, now)?;
    let plan = DayPlan::new(
        office,
        start.date(),
        request.kind,
        request.channel,
        now,
        occupancy,
    )?;
    plan.check(office, start, request.selection.minutes(), now, occupancy)
}

fn check_grid_and_past(
    office: &Office,
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), BookingError> {
    // R7: appointments start on the office's grid.
    let grid = office.settings.grid_minutes;
    if start.second() != 0
        || start.nanosecond() != 0
        || !minute_of_day(start.time()).is_multiple_of(grid)
    {
        return Err(BookingError::OffGrid { grid });
    }
    // R8, R14: never in the past (a Tagesticket too picks a time still ahead).
    if start < now {
        return Err(BookingError::InPast);
    }
    Ok(())
}

/// The rules that depend only on the day: what is left is per start.
#[derive(Debug, Clone)]
pub(crate) struct DayPlan {
    date: Date,
    pool: Pool,
    capacity: u32,
}

impl DayPlan {
    pub(crate) fn new(
        office: &Office,
        date: Date,
        kind: BookingKind,
        channel: Channel,
        now: OffsetDateTime,
        occupancy: &Occupancy,
    ) -> Result<Self, BookingError> {
        let today = Berlin::today(now);
        match kind {
            // R8: regular bookings from the lead up to the horizon.
            BookingKind::Regular => {
                let first_day = today + Duration::days(i64::from(office.settings.lead_days));
                let last_day = today + Duration::days(i64::from(office.settings.horizon_days));
                if date < first_day {
                    return Err(BookingError::TooSoon { first_day });
                }
                if date > last_day {
                    return Err(BookingError::BeyondHorizon { last_day });
                }
            }
            // R13, R14: a Tagesticket is for today only.
            BookingKind::DayTicket if date != today => {
                return Err(BookingError::DayTicketNotToday { today });
            }
            BookingKind::DayTicket => {}
        }
        // R5, R6: not on holidays, closure days or days without hours.
        match office.closed(date) {
            Some(DayClosed::Holiday(name)) => return Err(BookingError::Holiday { date, name }),
            Some(DayClosed::Closure(reason)) => return Err(BookingError::Closure { date, reason }),
            Some(DayClosed::NoHours) => return Err(BookingError::OutsideOpeningHours),
            None => {}
        }
        let (regular_capacity, ticket_capacity) = office.capacity_on(date);
        let capacity = match kind {
            BookingKind::Regular => regular_capacity,
            BookingKind::DayTicket => {
                let policy = office
                    .day_ticket_on(date)
                    .ok_or(BookingError::NotDayTicketDay { date })?;
                // R13: released per channel; R15, I2: never more than the contingent.
                let from = release_time(policy, channel);
                if Berlin::local(now).time() < from {
                    return Err(BookingError::DayTicketNotYetReleased { from });
                }
                if policy.exhausted(occupancy, date) {
                    return Err(BookingError::DayTicketsExhausted);
                }
                ticket_capacity
            }
        };
        Ok(Self {
            date,
            pool: kind.pool(),
            capacity,
        })
    }

    /// The per-start rules: on the grid, not past, inside a window, capacity free.
    pub(crate) fn check(
        &self,
        office: &Office,
        start: OffsetDateTime,
        minutes: u32,
        now: OffsetDateTime,
        occupancy: &Occupancy,
    ) -> Result<Accepted, BookingError> {
        check_grid_and_past(office, start, now)?;
        // R5: start and end inside one opening window.
        let end_minute = minute_of_day(start.time()) + minutes;
        if start.date() != self.date
            || !office
                .hours
                .on(self.date.weekday())
                .iter()
                .any(|w| w.contains(start.time(), end_minute))
        {
            return Err(BookingError::OutsideOpeningHours);
        }
        // R7, I1: at no moment more overlapping appointments than counters
        // of the pool (R12: regular bookings never take held-back ones).
        let (_, units) = units_of(start, minutes);
        if occupancy.peak(self.date, self.pool, units) >= self.capacity {
            return Err(BookingError::SlotTaken);
        }
        let end = Berlin::local(start + Duration::minutes(i64::from(minutes)));
        Ok(Accepted {
            start,
            end,
            date: self.date,
            pool: self.pool,
        })
    }
}
