//! An office's configuration as admins read and change it.

use super::OrphanedBookingDto;
use super::settings::OfficeConfigDto;
use domain::{DayTicketPolicy, InvalidLeika, Leika, Service, ServiceChange, WeeklyHours, Window};
use serde::{Deserialize, Serialize};
use time::Time;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use utoipa::ToSchema;

const TIME_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[hour]:[minute]");

/// A time of day in a body that is not `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` must be a time of day like 08:30, not `{value}`")]
pub struct InvalidTime {
    pub field: String,
    pub value: String,
}

pub(crate) fn parse_time(field: &str, value: &str) -> Result<Time, InvalidTime> {
    Time::parse(value, TIME_FORMAT).map_err(|_| InvalidTime {
        field: field.to_owned(),
        value: value.to_owned(),
    })
}

fn format_time(t: Time) -> String {
    t.format(TIME_FORMAT).unwrap_or_else(|_| t.to_string())
}

/// An opening window, local time `HH:MM`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start": "08:30", "end": "12:00"}))]
pub struct WindowDto {
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:30")]
    pub start: String,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "12:00")]
    pub end: String,
}

/// Opening windows per weekday; a day left out has none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursDto {
    #[serde(default)]
    pub monday: Vec<WindowDto>,
    #[serde(default)]
    pub tuesday: Vec<WindowDto>,
    #[serde(default)]
    pub wednesday: Vec<WindowDto>,
    #[serde(default)]
    pub thursday: Vec<WindowDto>,
    #[serde(default)]
    pub friday: Vec<WindowDto>,
    #[serde(default)]
    pub saturday: Vec<WindowDto>,
    #[serde(default)]
    pub sunday: Vec<WindowDto>,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl HoursDto {
    fn days(&self) -> [&Vec<WindowDto>; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }

    pub fn to_domain(&self) -> Result<WeeklyHours, InvalidTime> {
        let mut hours = WeeklyHours::default();
        for (i, windows) in self.days().into_iter().enumerate() {
            for w in windows {
                hours.0[i].push(Window {
                    start: parse_time(&format!("{}.start", WEEKDAYS[i]), &w.start)?,
                    end: parse_time(&format!("{}.end", WEEKDAYS[i]), &w.end)?,
                });
            }
        }
        Ok(hours)
    }

    pub(super) fn from_domain(hours: &WeeklyHours) -> Self {
        let list = |i: usize| {
            hours.0[i]
                .iter()
                .map(|w| WindowDto {
                    start: format_time(w.start),
                    end: format_time(w.end),
                })
                .collect()
        };
        Self {
            monday: list(0),
            tuesday: list(1),
            wednesday: list(2),
            thursday: list(3),
            friday: list(4),
            saturday: list(5),
            sunday: list(6),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WeekdayDto {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

const ALL_WEEKDAYS: [WeekdayDto; 7] = [
    WeekdayDto::Monday,
    WeekdayDto::Tuesday,
    WeekdayDto::Wednesday,
    WeekdayDto::Thursday,
    WeekdayDto::Friday,
    WeekdayDto::Saturday,
    WeekdayDto::Sunday,
];

/// The Tagesticket contingent (R12, R13).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_back_counters": 1, "per_day": 12, "online_from": "07:00", "staff_from": "08:00",
    "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"]
}))]
pub struct DayTicketPolicyDto {
    /// Counters kept from advance booking on Tagesticket days.
    pub held_back_counters: u32,
    /// Tagestickets a day.
    pub per_day: u32,
    /// Released online at (`HH:MM`).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "07:00")]
    pub online_from: String,
    /// Released at the Infotheke and by telephone at.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:00")]
    pub staff_from: String,
    pub weekdays: Vec<WeekdayDto>,
}

impl DayTicketPolicyDto {
    pub fn to_domain(&self) -> Result<DayTicketPolicy, InvalidTime> {
        Ok(DayTicketPolicy {
            held_back_counters: self.held_back_counters,
            per_day: self.per_day,
            online_from: parse_time("online_from", &self.online_from)?,
            staff_from: parse_time("staff_from", &self.staff_from)?,
            weekdays: std::array::from_fn(|i| self.weekdays.contains(&ALL_WEEKDAYS[i])),
        })
    }

    pub(super) fn from_domain(p: &DayTicketPolicy) -> Self {
        Self {
            held_back_counters: p.held_back_counters,
            per_day: p.per_day,
            online_from: format_time(p.online_from),
            staff_from: format_time(p.staff_from),
            weekdays: ALL_WEEKDAYS
                .iter()
                .zip(p.weekdays)
                .filter(|(_, on)| *on)
                .map(|(d, _)| *d)
                .collect(),
        }
    }
}

/// A service as the admin sees it, retired ones included.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminServiceDto {
    pub id: String,
    pub name: String,
    pub duration_minutes: u32,
    /// `false`: retired, no longer bookable; kept for the bookings naming it.
    pub active: bool,
    /// What to bring (R21).
    pub requirements: Vec<String>,
    /// A short note for citizens (R21), or `null`.
    #[schema(required = true)]
    pub note: Option<String>,
    /// The national service key, 14 digits, or `null` (R22).
    #[schema(required = true)]
    pub leika: Option<String>,
}

/// A closure day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureDto {
    #[schema(example = "2026-12-24")]
    pub date: String,
    #[schema(example = "Heiligabend")]
    pub reason: String,
}

impl From<&Service> for AdminServiceDto {
    fn from(s: &Service) -> Self {
        Self {
            id: s.id.as_str().to_owned(),
            name: s.name.clone(),
            duration_minutes: s.minutes,
            active: s.active,
            requirements: s.requirements.clone(),
            note: s.note.clone(),
            leika: s.leika.as_ref().map(|k| k.as_str().to_owned()),
        }
    }
}

/// An applied change: the configuration now, and the bookings it stranded
/// (only ever non-empty with `force=true`: contact those citizens).
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeChangeDto {
    pub office: OfficeConfigDto,
    pub orphaned_bookings: Vec<OrphanedBookingDto>,
}

/// A new service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "wohnsitzbescheinigung", "name": "Wohnsitzbescheinigung", "duration_minutes": 10,
    "requirements": ["Gültiger Personalausweis oder Reisepass"], "note": null, "leika": null
}))]
pub struct NewServiceDto {
    /// A slug: a–z, 0–9 and `-`, not at either end; at most 64.
    #[schema(pattern = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$")]
    pub id: String,
    pub name: String,
    /// A multiple of 5.
    #[schema(minimum = 5, maximum = 480, multiple_of = 5)]
    pub duration_minutes: u32,
    /// What to bring (R21): at most 20 one-line texts of at most 300
    /// characters; default none.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// A note for citizens (R21): one line of at most 1000 characters.
    #[serde(default)]
    pub note: Option<String>,
    /// The national service key, 14 digits (R22).
    #[serde(default)]
    #[schema(example = "99115003000000")]
    pub leika: Option<String>,
}

/// `null` in a change body: `Some(None)`, remove the value; absent
/// (`#[serde(default)]`): `None`, keep it.
pub(super) fn set_or_remove<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A change of a service; fields left out stay. A new duration applies to
/// bookings made from now on; existing ones keep their length.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "duration_minutes": 25,
    "requirements": ["Gültiger Personalausweis oder Reisepass", "Gebühr: 13,00 EUR"],
    "note": null
}))]
pub struct ServiceChangeDto {
    pub name: Option<String>,
    /// A multiple of 5.
    #[schema(minimum = 5, maximum = 480, multiple_of = 5)]
    pub duration_minutes: Option<u32>,
    /// `false` retires the service, `true` offers it again.
    pub active: Option<bool>,
    /// The whole new list of what to bring (R21); `[]` empties it.
    pub requirements: Option<Vec<String>>,
    /// A new note (R21); `null` removes it.
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
    /// A new national service key, 14 digits (R22); `null` removes it.
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>, example = "99049001000000")]
    pub leika: Option<Option<String>>,
}

impl TryFrom<ServiceChangeDto> for ServiceChange {
    type Error = InvalidLeika;
    fn try_from(c: ServiceChangeDto) -> Result<Self, InvalidLeika> {
        Ok(Self {
            name: c.name,
            minutes: c.duration_minutes,
            active: c.active,
            requirements: c.requirements,
            note: c.note,
            leika: c
                .leika
                .map(|k| k.as_deref().map(Leika::parse).transpose())
                .transpose()?,
        })
    }
}

/// Why the office is closed that day, shown to citizens.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Heiligabend"}))]
pub struct ClosureReasonDto {
    pub reason: String,
}
