//! Booking validation: one typed error per broken rule, each with a stable code.

use crate::calendar::{Berlin, NonexistentLocalTime};
use crate::config::{DayClosed, Office, minute_of_day};
use crate::ids::ServiceId;
use crate::occupancy::{Occupancy, Pool, units_of};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, Time};

/// Where a booking comes from (R10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Phone,
    Desk,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Desk => "desk",
        }
    }
}

/// A regular appointment or a same-day Tagesticket (R12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingKind {
    Regular,
    DayTicket,
}

impl BookingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingKind::Regular => "regular",
            BookingKind::DayTicket => "day_ticket",
        }
    }

    pub fn pool(self) -> Pool {
        match self {
            BookingKind::Regular => Pool::Regular,
            BookingKind::DayTicket => Pool::DayTicket,
        }
    }
}

/// Every way a booking request can break a rule. `code()` is part of the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    #[error("select at least one service")]
    NoServices,
    #[error("the office offers no service `{0}`")]
    UnknownService(ServiceId),
    #[error("service `{0}` is no longer offered")]
    ServiceRetired(ServiceId),
    #[error("service `{service}` may be selected at most {max} times")]
    TooManyOfService { service: ServiceId, max: u32 },
    #[error("the selected services take {minutes} minutes; at most {max} fit one appointment")]
    TooLong { minutes: u32, max: u32 },
    #[error("appointments start on a {grid}-minute grid")]
    OffGrid { grid: u32 },
    #[error("{0}")]
    NonexistentTime(#[from] NonexistentLocalTime),
    #[error("this time has already passed")]
    InPast,
    #[error("regular appointments can be booked from {first_day} on")]
    TooSoon { first_day: Date },
    #[error("appointments can be booked up to {last_day}")]
    BeyondHorizon { last_day: Date },
    #[error("{date} is a public holiday ({name})")]
    Holiday { date: Date, name: &'static str },
    #[error("the office is closed on {date}: {reason}")]
    Closure { date: Date, reason: String },
    #[error("the appointment must start and end within the opening hours")]
    OutsideOpeningHours,
    #[error("Tagestickets are for today ({today}) only")]
    DayTicketNotToday { today: Date },
    #[error("no Tagestickets are issued on {date}")]
    NotDayTicketDay { date: Date },
    #[error("Tagestickets are released at {:02}:{:02} for this channel", .from.hour(), .from.minute())]
    DayTicketNotYetReleased { from: Time },
    #[error("today's Tagesticket contingent is used up")]
    DayTicketsExhausted,
    #[error("this time is no longer free")]
    SlotTaken,
}

impl BookingError {
    /// The stable, machine-readable code the API exposes.
    pub fn code(&self) -> &'static str {
        use BookingError::*;
        match self {
            NoServices => "no_services",
            UnknownService(_) => "unknown_service",
            ServiceRetired(_) => "service_retired",
            TooManyOfService { .. } => "too_many_of_service",
            TooLong { .. } => "appointment_too_long",
            OffGrid { .. } => "off_grid",
            NonexistentTime(_) => "nonexistent_local_time",
            InPast => "in_past",
            TooSoon { .. } => "before_lead_time",
            BeyondHorizon { .. } => "beyond_horizon",
            Holiday { .. } => "holiday",
            Closure { .. } => "closure_day",
            OutsideOpeningHours => "outside_opening_hours",
            DayTicketNotToday { .. } => "day_ticket_not_today",
            NotDayTicketDay { .. } => "not_a_day_ticket_day",
            DayTicketNotYetReleased { .. } => "day_ticket_not_released",
            DayTicketsExhausted => "day_tickets_exhausted",
            SlotTaken => "slot_taken",
        }
    }

    /// Lost to someone else meanwhile (HTTP 409), rather than against a rule (422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            BookingError::SlotTaken | BookingError::DayTicketsExhausted
        )
    }
}

/// A validated multiset of services (R3): order kept, repeats allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    services: Vec<(ServiceId, u32)>,
    minutes: u32,
}

impl Selection {
    pub fn new(office: &Office, ids: &[ServiceId]) -> Result<Self, BookingError> {
        if ids.is_empty() {
            return Err(BookingError::NoServices);
        }
        let mut services = Vec::with_capacity(ids.len());
        for id in ids {
            let service = office
                .service(id)
                .ok_or_else(|| BookingError::UnknownService(id.clone()))?;
            if !service.active {
                return Err(BookingError::ServiceRetired(id.clone()));
            }
            let times = ids.iter().filter(|x| *x == id).count();
            if times > office.max_per_service as usize {
                return Err(BookingError::TooManyOfService {
                    service: id.clone(),
                    max: office.max_per_service,
                });
            }
            services.push((id.clone(), service.minutes));
        }
        let minutes = services.iter().map(|(_, m)| m).sum();
        if minutes > office.max_total_minutes {
            return Err(BookingError::TooLong {
                minutes,
                max: office.max_total_minutes,
            });
        }
        Ok(Self { services, minutes })
    }

    pub fn minutes(&self) -> u32 {
        self.minutes
    }

    /// The services in the order chosen, each with its duration at booking time.
    pub fn services(&self) -> &[(ServiceId, u32)] {
        &self.services
    }
}

/// A request to book `selection` at `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRequest {
    pub selection: Selection,
    pub start: OffsetDateTime,
    pub kind: BookingKind,
    pub channel: Channel,
}

/// A request that passed every rule: what persistence stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Start and end as Berlin local time with the offset in force.
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub date: Date,
    pub pool: Pool,
}

/// When the Tagestickets of a day are released to a channel (R13).
pub fn release_time(policy: &crate::config::DayTicketPolicy, channel: Channel) -> Time {
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
    let grid = office.grid_minutes;
    if start.second() != 0
        || start.nanosecond() != 0
        || !minute_of_day(start.time()).is_multiple_of(grid)
    {
        return Err(BookingError::OffGrid { grid });
    }
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
            BookingKind::Regular => {
                let first_day = today + Duration::days(i64::from(office.lead_days));
                let last_day = today + Duration::days(i64::from(office.horizon_days));
                if date < first_day {
                    return Err(BookingError::TooSoon { first_day });
                }
                if date > last_day {
                    return Err(BookingError::BeyondHorizon { last_day });
                }
            }
            BookingKind::DayTicket if date != today => {
                return Err(BookingError::DayTicketNotToday { today });
            }
            BookingKind::DayTicket => {}
        }
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
                let from = release_time(policy, channel);
                if Berlin::local(now).time() < from {
                    return Err(BookingError::DayTicketNotYetReleased { from });
                }
                if occupancy.tickets_issued(date) >= policy.per_day {
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
