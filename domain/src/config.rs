//! The configuration of an office: services, hours, counters, contingent, closures.

use crate::calendar::nrw_holiday;
use crate::grid::{UNIT_MINUTES, minute_of_day, on_unit};
use crate::ids::{IdError, InvalidLeika, Leika, OfficeId, ServiceId};
use crate::municipality::MunicipalityId;
use crate::occupancy::Occupancy;
use crate::settings::OfficeSettings;
use crate::texts::TextError;
use std::collections::BTreeMap;
use time::{Date, Duration, Time, Weekday};

/// A service an office offers; `active == false` means retired: kept for the
/// bookings that name it, no longer bookable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub minutes: u32,
    pub active: bool,
    /// R21: what to bring (documents, photo, fee), in the order shown; at
    /// most [`MAX_REQUIREMENTS`].
    pub requirements: Vec<String>,
    /// R21: a short note for citizens (who may come, a deadline, …).
    pub note: Option<String>,
    /// R22: the national service key, where known. Two services of one
    /// office may share a key (e.g. one Personalausweis service for adults
    /// and one for children): a portal asking by key gets every match.
    pub leika: Option<Leika>,
}

/// An opening window of one weekday, `start < end`, both on the unit grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Time,
    pub end: Time,
}

impl Window {
    pub fn contains(&self, start: Time, end_minute_of_day: u32) -> bool {
        minute_of_day(start) >= minute_of_day(self.start)
            && end_minute_of_day <= minute_of_day(self.end)
    }
}

/// Opening windows per weekday, Monday first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyHours(pub [Vec<Window>; 7]);

impl WeeklyHours {
    pub fn on(&self, weekday: Weekday) -> &[Window] {
        &self.0[usize::from(weekday.number_days_from_monday())]
    }
}

/// The Tagesticket: counters held back from advance booking on its weekdays,
/// a daily number of tickets, and when they are released to each channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTicketPolicy {
    pub held_back_counters: u32,
    pub per_day: u32,
    pub online_from: Time,
    /// Desk and telephone staff (R13: telephone follows the desk).
    pub staff_from: Time,
    /// Weekdays with a contingent, Monday first.
    pub weekdays: [bool; 7],
}

impl DayTicketPolicy {
    /// R15, I2: the Tagestickets of `date` not yet taken by a booking or a
    /// live hold (I5). The one place that says the contingent is gone: the
    /// booking rules, the offer, the rush pre-check all ask this. (R30's
    /// statistics find the moment it ran out from the day's timeline of
    /// bookings and cancellations, which an occupancy does not keep.)
    pub fn tickets_left(&self, occupancy: &Occupancy, date: Date) -> u32 {
        self.per_day.saturating_sub(occupancy.tickets_issued(date))
    }

    /// R15, I2: every Tagesticket of `date` is taken.
    pub fn exhausted(&self, occupancy: &Occupancy, date: Date) -> bool {
        self.tickets_left(occupancy, date) == 0
    }
}

/// Why a day takes no appointments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayClosed {
    Holiday(&'static str),
    Closure(String),
    NoHours,
}

/// Everything the rules need to know about one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub id: OfficeId,
    /// R39: the municipality the office belongs to.
    pub municipality: MunicipalityId,
    pub name: String,
    pub address: String,
    /// Counters, grid, horizon, limits, hold, reminders, fair use (R5, R7–R9,
    /// R19, R23, R24, R26–R28, R32): declared once in [`crate::settings`].
    pub settings: OfficeSettings,
    pub hours: WeeklyHours,
    pub day_ticket: Option<DayTicketPolicy>,
    /// Closure days an admin entered, with the reason shown to citizens.
    pub closures: BTreeMap<Date, String>,
    pub services: Vec<Service>,
}

/// A configuration that breaks its own invariants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the grid must be a positive multiple of {UNIT_MINUTES} minutes")]
    Grid,
    #[error("an office needs at least one counter")]
    NoCounters,
    #[error(
        "the window {:02}:{:02}–{:02}:{:02} must start before it ends, on the {UNIT_MINUTES}-minute grid",
        .0.start.hour(), .0.start.minute(), .0.end.hour(), .0.end.minute()
    )]
    Window(Window),
    #[error("windows of one weekday must not overlap")]
    OverlappingWindows,
    #[error("service `{0}` needs a duration of 5–480 minutes on the {UNIT_MINUTES}-minute grid")]
    ServiceMinutes(ServiceId),
    #[error("service `{0}` appears twice")]
    DuplicateService(ServiceId),
    #[error("service `{0}` may list at most {MAX_REQUIREMENTS} things to bring")]
    Requirements(ServiceId),
    /// Texts given for a service the office does not have.
    #[error("there are texts for service `{0}`, which the office does not have")]
    NoSuchService(String),
    #[error("the Tagesticket holds back {0} counters, but the office has {1}")]
    HeldBack(u32, u32),
    #[error("the booking horizon must not lie before the lead")]
    Horizon,
    #[error("limits per service and in total must be positive")]
    Limits,
    #[error("a hold lasts at least one minute")]
    HoldMinutes,
    #[error("`{0}` may be at most {1}")]
    TooLarge(&'static str, u32),
    /// A text of the configuration breaks the rule of its kind
    /// ([`crate::texts`]); the first part names the field.
    #[error("`{0}` {1}")]
    Text(&'static str, TextError),
    #[error(transparent)]
    Postcode(#[from] crate::fair::InvalidPostcode),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error(transparent)]
    Leika(#[from] InvalidLeika),
}

/// Upper bounds of the Tagesticket and of a service (the settings' bounds are
/// declared with them in [`crate::settings`]).
pub const MAX_DAY_TICKETS: u32 = 10_000;
/// Things to bring one service may list (R21): a list to read at a glance.
pub const MAX_REQUIREMENTS: usize = 20;

impl Office {
    /// Checks the invariants the rules rely on; [`Office::apply`] refuses a
    /// change that breaks one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // R7: the start grid is made of whole units.
        if self.settings.grid_minutes == 0
            || !self.settings.grid_minutes.is_multiple_of(UNIT_MINUTES)
        {
            return Err(ConfigError::Grid);
        }
        if self.settings.counters == 0 {
            return Err(ConfigError::NoCounters);
        }
        for day in &self.hours.0 {
            let mut sorted = day.clone();
            sorted.sort_by_key(|w| w.start);
            for w in &sorted {
                if w.start >= w.end || !on_unit(w.start) || !on_unit(w.end) {
                    return Err(ConfigError::Window(*w));
                }
            }
            if sorted.windows(2).any(|p| p[0].end > p[1].start) {
                return Err(ConfigError::OverlappingWindows);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &self.services {
            // R7: durations on the unit grid.
            if s.minutes == 0 || s.minutes > 480 || s.minutes % UNIT_MINUTES != 0 {
                return Err(ConfigError::ServiceMinutes(s.id.clone()));
            }
            if !seen.insert(&s.id) {
                return Err(ConfigError::DuplicateService(s.id.clone()));
            }
            if s.name.trim().is_empty() {
                return Err(ConfigError::Text("name", TextError::NothingVisible));
            }
            // R21: the list stays short, and no entry or note is blank.
            if s.requirements.len() > MAX_REQUIREMENTS {
                return Err(ConfigError::Requirements(s.id.clone()));
            }
            if s.requirements.iter().any(|r| r.trim().is_empty()) {
                return Err(ConfigError::Text("requirements", TextError::NothingVisible));
            }
            if s.note.as_ref().is_some_and(|n| n.trim().is_empty()) {
                return Err(ConfigError::Text("note", TextError::NothingVisible));
            }
        }
        // Only emptiness here: the full rule of each text is applied to the
        // texts an edit brings (`Office::apply`), so a stored text from
        // before a rule was made stricter does not make the office unreadable.
        if self.name.trim().is_empty() {
            return Err(ConfigError::Text("name", TextError::NothingVisible));
        }
        if self.address.trim().is_empty() {
            return Err(ConfigError::Text("address", TextError::NothingVisible));
        }
        if self.closures.values().any(|r| r.trim().is_empty()) {
            return Err(ConfigError::Text("reason", TextError::NothingVisible));
        }
        if let Some(t) = &self.day_ticket
            && t.held_back_counters > self.settings.counters
        {
            return Err(ConfigError::HeldBack(
                t.held_back_counters,
                self.settings.counters,
            ));
        }
        if self.settings.horizon_days < self.settings.lead_days {
            return Err(ConfigError::Horizon);
        }
        if self.settings.max_per_service == 0 || self.settings.max_total_minutes == 0 {
            return Err(ConfigError::Limits);
        }
        if self.settings.hold_minutes == 0 {
            return Err(ConfigError::HoldMinutes);
        }
        if let Some((field, max)) = self.settings.too_large() {
            return Err(ConfigError::TooLarge(field, max));
        }
        if let Some(t) = &self.day_ticket
            && t.per_day > MAX_DAY_TICKETS
        {
            return Err(ConfigError::TooLarge("per_day", MAX_DAY_TICKETS));
        }
        Ok(())
    }

    pub fn service(&self, id: &ServiceId) -> Option<&Service> {
        self.services.iter().find(|s| &s.id == id)
    }

    /// The services citizens can book now, in the office's order; with a
    /// key, only those carrying it (R22: how a portal finds its service).
    pub fn bookable_services<'a>(
        &'a self,
        leika: Option<&'a Leika>,
    ) -> impl Iterator<Item = &'a Service> + 'a {
        self.services
            .iter()
            .filter(move |s| s.active && leika.is_none_or(|k| s.leika.as_ref() == Some(k)))
    }

    /// Whether the office is closed all day, and why (R5, R6).
    pub fn closed(&self, date: Date) -> Option<DayClosed> {
        if let Some(name) = nrw_holiday(date) {
            return Some(DayClosed::Holiday(name));
        }
        if let Some(reason) = self.closures.get(&date) {
            return Some(DayClosed::Closure(reason.clone()));
        }
        if self.hours.on(date.weekday()).is_empty() {
            return Some(DayClosed::NoHours);
        }
        None
    }

    /// The Tagesticket policy if `date` is a Tagesticket day (R12, R13).
    pub fn day_ticket_on(&self, date: Date) -> Option<&DayTicketPolicy> {
        let policy = self.day_ticket.as_ref()?;
        let weekday = usize::from(date.weekday().number_days_from_monday());
        (policy.weekdays[weekday]
            && policy.per_day > 0
            && policy.held_back_counters > 0
            && self.closed(date).is_none())
        .then_some(policy)
    }

    /// Counters open to regular bookings and held back for Tagestickets on a day (R12).
    pub fn capacity_on(&self, date: Date) -> (u32, u32) {
        match self.day_ticket_on(date) {
            Some(p) => (
                self.settings.counters - p.held_back_counters,
                p.held_back_counters,
            ),
            None => (self.settings.counters, 0),
        }
    }
}

/// R27: requests are filed during this hour before the online release
/// (Kaarst-style 06:00–07:00 with a 07:00 release).
pub const REQUEST_PERIOD: Duration = Duration::hours(1);

/// R27: from when until when requests for `date`'s draw are taken (local
/// times); `None` on a day without Tagestickets.
pub fn request_hours(office: &Office, date: Date) -> Option<(Time, Time)> {
    let until = office.day_ticket_on(date)?.online_from;
    // An online release before 01:00 leaves the hour from midnight.
    let from = if until >= Time::MIDNIGHT + REQUEST_PERIOD {
        until - REQUEST_PERIOD
    } else {
        Time::MIDNIGHT
    };
    Some((from, until))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bounds_keep_dates_and_counts_in_range() {
        let mut office = crate::test_support::buergerbuero();
        assert_eq!(office.validate(), Ok(()));
        office.settings.horizon_days = 3_000_000;
        assert_eq!(
            office.validate(),
            Err(ConfigError::TooLarge(
                "horizon_days",
                crate::settings::MAX_HORIZON_DAYS
            ))
        );
        office.settings.horizon_days = 56;
        office.settings.counters = u32::MAX;
        assert!(matches!(
            office.validate(),
            Err(ConfigError::TooLarge("counters", _))
        ));
        office.settings.counters = 4;
        office.settings.grid_minutes = 4_294_967_295;
        assert!(matches!(
            office.validate(),
            Err(ConfigError::TooLarge("grid_minutes", _))
        ));
    }

    #[test]
    fn window_errors_read_as_times_of_day() {
        let w = Window {
            start: time::macros::time!(12:00),
            end: time::macros::time!(08:30),
        };
        assert_eq!(
            ConfigError::Window(w).to_string(),
            "the window 12:00–08:30 must start before it ends, on the 5-minute grid"
        );
    }
}
