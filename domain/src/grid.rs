//! The time grid every rule counts in: minutes of the day and occupancy units.
//! A leaf: configuration and occupancy both build on it.

use time::Time;

/// The length of an occupancy unit; every grid and duration is a multiple of it.
pub const UNIT_MINUTES: u32 = 5;
/// Units in a day of 24 hours.
pub const UNITS_PER_DAY: usize = (24 * 60 / UNIT_MINUTES) as usize;

/// Minutes since local midnight.
pub fn minute_of_day(t: Time) -> u32 {
    u32::from(t.hour()) * 60 + u32::from(t.minute())
}

/// Whether a time of day lies on the unit grid (whole minutes, a multiple of
/// [`UNIT_MINUTES`]).
pub fn on_unit(t: Time) -> bool {
    minute_of_day(t).is_multiple_of(UNIT_MINUTES) && t.second() == 0 && t.nanosecond() == 0
}
