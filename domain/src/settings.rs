//! An office's settings, declared once.
//!
//! [`office_settings!`] is the one list of the plain settings an admin
//! changes with `PATCH /api/v1/admin/offices/{office}`: each with its
//! meaning, its type here, its form in JSON, its default and, for numbers,
//! the largest value [`crate::Office::validate`] accepts. Everything else is
//! derived from the list:
//!
//! - here: [`OfficeSettings`] (the values, part of [`crate::Office`]),
//!   [`SettingsChange`] (an edit: `None` keeps a value; with the name and
//!   address), applying a change, and the upper bounds;
//! - in `api`: the two DTOs (the configuration and the change), their
//!   OpenAPI schemas and conversions (`api/src/http/dto/settings.rs`);
//! - in `persistence`: nothing per setting. The settings are stored as one
//!   JSON column, `offices.settings`, in their serde form; a key missing
//!   there (an office stored before the setting existed) reads as the
//!   default. The audit log keeps a change in the same form.
//!
//! Adding a setting therefore touches this list, the rule that reads it,
//! and `kaarst.rs` where Kaarst's value differs from the default. Settings
//! with structure of their own (hours, the Tagesticket, services, closures)
//! have their own edits and tables.
//!
//! The macro calls `$then! { … }` with the list, so each crate turns the
//! same declaration into what it needs; a line reads
//! `/// doc  name: DomainType, json JsonType = default [, max BOUND] [, example [EXPR]];`.
//! The JSON type names the form on the wire for the API's schema: a plain
//! Rust type or one of the domain's enums (which the API maps to its schema).

use crate::fair::{ChallengePolicy, DayTicketRelease, Postcode};
use crate::message::ReminderPolicy;
use crate::verification::VerifyContact;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Time;
use time::macros::{format_description, time};

/// Upper bounds that keep every date and count computed from a configuration
/// in range (and a slot search over the horizon cheap).
pub const MAX_COUNTERS: u32 = 200;
pub const MAX_GRID_MINUTES: u32 = 240;
pub const MAX_HORIZON_DAYS: u32 = 730;
pub const MAX_PER_SERVICE: u32 = 20;
pub const MAX_TOTAL_MINUTES: u32 = 480;
pub const MAX_PER_CONTACT: u32 = 100;
/// R19: a hold keeps a slot at most an hour (and as much per extension).
pub const MAX_HOLD_MINUTES: u32 = 60;

/// The declaration; see the module's documentation.
#[macro_export]
macro_rules! office_settings {
    ($then:path) => {
        $then! {
            /// Counters serving appointments (R5).
            counters: u32, json u32 = 1, max $crate::settings::MAX_COUNTERS;
            /// Appointments start on this grid, in minutes: a multiple of 5 (R7).
            grid_minutes: u32, json u32 = 5, max $crate::settings::MAX_GRID_MINUTES;
            /// Regular bookings from today + `lead_days` (R8) …
            lead_days: u32, json u32 = 1;
            /// … up to today + `horizon_days` (R8).
            horizon_days: u32, json u32 = 56, max $crate::settings::MAX_HORIZON_DAYS;
            /// Persons per service in one booking (R9).
            max_per_service: u32, json u32 = 5, max $crate::settings::MAX_PER_SERVICE;
            /// Minutes one booking may take in total (R9).
            max_total_minutes: u32, json u32 = 90, max $crate::settings::MAX_TOTAL_MINUTES;
            /// How long a hold keeps its slot, and what each extension adds,
            /// in minutes: 1–60 (R19).
            hold_minutes: u32, json u32 = 10, max $crate::settings::MAX_HOLD_MINUTES;
            /// Minutes after a start before a booking not checked in can be
            /// marked as a no-show: 0–240 (R28; Kaarst 10).
            no_show_grace_minutes: u32, json u32 = 10,
                max $crate::counter::MAX_NO_SHOW_GRACE_MINUTES;
            /// Reminders by e-mail go out this many days before the
            /// appointment: 0–14; 0 = no reminders (R23).
            reminder_days_before: u32, json u32 = 1, max $crate::message::MAX_REMINDER_DAYS;
            /// … at this local time, `HH:MM`, Europe/Berlin (R23; Kaarst 16:00).
            reminder_time: TimeOfDay, json String = $crate::settings::TimeOfDay::KAARST_REMINDER,
                example ["16:00"];
            /// Future regular bookings one contact may hold online; 0 = no limit (R24).
            bookings_per_contact: u32, json u32 = 3, max $crate::settings::MAX_PER_CONTACT;
            /// Tagestickets one contact may hold a day online; 0 = no limit (R24).
            day_tickets_per_contact: u32, json u32 = 1, max $crate::settings::MAX_PER_CONTACT;
            /// Which online bookings need a solved challenge (R26).
            challenge: ChallengePolicy, json ChallengePolicy = $crate::fair::ChallengePolicy::Off;
            /// How Tagestickets are released (R27).
            day_ticket_release: DayTicketRelease, json DayTicketRelease =
                $crate::fair::DayTicketRelease::FirstCome;
            /// Which online requests need a verified e-mail address (R33):
            /// `off`, `day_tickets` (bookings, holds and draw requests of
            /// Tagestickets) or `all`.
            verify_contact: VerifyContact, json VerifyContact =
                $crate::verification::VerifyContact::Off;
            /// Online Tagestickets only for these five-digit postcodes; empty
            /// (`[]`) = anyone (R32).
            day_ticket_postcodes: Vec<Postcode>, json Vec<String> = Vec::new(),
                example [json!(["41564"])];
        }
    };
}

/// The domain's side of the declaration: the values, a change, applying
/// it, the bounds.
macro_rules! derive_settings {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident : $ty:ty, json $json:ty = $default:expr
            $(, max $max:expr)? $(, example [$($example:tt)*])?;
    )*) => {
        /// An office's plain settings (declared in [`office_settings!`]).
        /// Read from JSON, a missing key is its default and an unknown key
        /// is ignored: during a rolling update an older process reads what
        /// a newer one wrote.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct OfficeSettings {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }

        impl Default for OfficeSettings {
            /// The declared defaults.
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        /// New values for an office's settings; `None` keeps the current
        /// one. Its serde form is what the audit log keeps of the change.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
        pub struct SettingsChange {
            pub name: Option<String>,
            pub address: Option<String>,
            $($(#[doc = $doc])* pub $field: Option<$ty>,)*
        }

        impl OfficeSettings {
            /// The settings after `change` (its name and address aside); not
            /// yet validated.
            pub fn with(&self, change: &SettingsChange) -> OfficeSettings {
                OfficeSettings {
                    $($field: change.$field.clone().unwrap_or_else(|| self.$field.clone()),)*
                }
            }

            /// The first number above its declared bound: its name and the
            /// bound.
            pub fn too_large(&self) -> Option<(&'static str, u32)> {
                $($(
                    if self.$field > $max {
                        return Some((stringify!($field), $max));
                    }
                )?)*
                None
            }
        }
    };
}

office_settings!(derive_settings);

impl OfficeSettings {
    /// R23: when reminders go out.
    pub fn reminder(&self) -> ReminderPolicy {
        ReminderPolicy {
            days_before: self.reminder_days_before,
            at: self.reminder_time.0,
        }
    }
}

/// A local time of day, `HH:MM` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub Time);

/// `HH:MM` that is not a time of day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time of day `HH:MM`")]
pub struct InvalidTimeOfDay(pub String);

impl TimeOfDay {
    /// R23: Kaarst reminds at 16:00.
    pub const KAARST_REMINDER: TimeOfDay = TimeOfDay(time!(16:00));

    pub fn parse(raw: &str) -> Result<Self, InvalidTimeOfDay> {
        Time::parse(raw, format_description!("[hour]:[minute]"))
            .map(TimeOfDay)
            .map_err(|_| InvalidTimeOfDay(raw.to_owned()))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        TimeOfDay::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_what_it_leaves_out() {
        let before = OfficeSettings::default();
        let after = before.with(&SettingsChange {
            counters: Some(7),
            ..SettingsChange::default()
        });
        assert_eq!(after.counters, 7);
        assert_eq!(
            OfficeSettings {
                counters: before.counters,
                ..after
            },
            before
        );
    }

    #[test]
    fn the_declared_bounds_are_checked() {
        let ok = OfficeSettings::default();
        assert_eq!(ok.too_large(), None);
        let grace = OfficeSettings {
            no_show_grace_minutes: crate::counter::MAX_NO_SHOW_GRACE_MINUTES + 1,
            ..ok
        };
        assert_eq!(
            grace.too_large(),
            Some((
                "no_show_grace_minutes",
                crate::counter::MAX_NO_SHOW_GRACE_MINUTES
            ))
        );
    }
}
