//! An office's configuration as admins read and change it.

use super::{ChallengeDto, OrphanedBookingDto, ReleaseDto, format_date};
use domain::{
    DayTicketPolicy, InvalidLeika, InvalidPostcode, Leika, Office, Postcode, ServiceChange,
    SettingsChange, WeeklyHours, Window,
};
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

    fn from_domain(hours: &WeeklyHours) -> Self {
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

    fn from_domain(p: &DayTicketPolicy) -> Self {
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
#[derive(Debug, Clone, Serialize, ToSchema)]
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
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosureDto {
    #[schema(example = "2026-12-24")]
    pub date: String,
    #[schema(example = "Heiligabend")]
    pub reason: String,
}

/// An office's whole configuration.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeConfigDto {
    pub id: String,
    pub name: String,
    pub address: String,
    pub counters: u32,
    pub grid_minutes: u32,
    pub lead_days: u32,
    pub horizon_days: u32,
    pub max_per_service: u32,
    pub max_total_minutes: u32,
    /// How long a hold keeps its slot, and what each of its 3 extensions
    /// adds, in minutes (R19).
    pub hold_minutes: u32,
    /// Minutes after a start before a booking not checked in can be marked
    /// as a no-show (R28; Kaarst 10).
    pub no_show_grace_minutes: u32,
    /// Reminders by e-mail go out this many days before the appointment;
    /// 0 = no reminders (R23).
    pub reminder_days_before: u32,
    /// … at this local time (`HH:MM`, Europe/Berlin).
    #[schema(example = "16:00")]
    pub reminder_time: String,
    pub hours: HoursDto,
    /// `null`: no Tagesticket.
    #[schema(required = true)]
    pub day_ticket: Option<DayTicketPolicyDto>,
    pub closures: Vec<ClosureDto>,
    pub services: Vec<AdminServiceDto>,
    /// Future regular bookings one contact may hold online; 0 = no limit (R24).
    pub bookings_per_contact: u32,
    /// Tagestickets one contact may hold a day online; 0 = no limit (R24).
    pub day_tickets_per_contact: u32,
    /// Which online bookings need a solved challenge (R26).
    pub challenge: ChallengeDto,
    /// How Tagestickets are released (R27; only `first_come` so far).
    pub day_ticket_release: ReleaseDto,
    /// Online Tagestickets only for these postcodes; empty = anyone (R32).
    #[schema(example = json!(["41564"]))]
    pub day_ticket_postcodes: Vec<String>,
}

impl From<&Office> for OfficeConfigDto {
    fn from(o: &Office) -> Self {
        Self {
            id: o.id.as_str().to_owned(),
            name: o.name.clone(),
            address: o.address.clone(),
            counters: o.counters,
            grid_minutes: o.grid_minutes,
            lead_days: o.lead_days,
            horizon_days: o.horizon_days,
            max_per_service: o.max_per_service,
            max_total_minutes: o.max_total_minutes,
            hold_minutes: o.hold_minutes,
            no_show_grace_minutes: o.no_show_grace_minutes,
            reminder_days_before: o.reminder.days_before,
            reminder_time: format_time(o.reminder.at),
            bookings_per_contact: o.fair_use.bookings_per_contact,
            day_tickets_per_contact: o.fair_use.day_tickets_per_contact,
            challenge: o.fair_use.challenge.into(),
            day_ticket_release: o.fair_use.day_ticket_release.into(),
            day_ticket_postcodes: o
                .fair_use
                .day_ticket_postcodes
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            hours: HoursDto::from_domain(&o.hours),
            day_ticket: o.day_ticket.as_ref().map(DayTicketPolicyDto::from_domain),
            closures: o
                .closures
                .iter()
                .map(|(d, r)| ClosureDto {
                    date: format_date(*d),
                    reason: r.clone(),
                })
                .collect(),
            services: o
                .services
                .iter()
                .map(|s| AdminServiceDto {
                    id: s.id.as_str().to_owned(),
                    name: s.name.clone(),
                    duration_minutes: s.minutes,
                    active: s.active,
                    requirements: s.requirements.clone(),
                    note: s.note.clone(),
                    leika: s.leika.as_ref().map(|k| k.as_str().to_owned()),
                })
                .collect(),
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

/// A settings change whose postcode or time of day does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSettings {
    #[error(transparent)]
    Postcode(#[from] InvalidPostcode),
    #[error(transparent)]
    Time(#[from] InvalidTime),
}

impl TryFrom<OfficeSettingsDto> for SettingsChange {
    type Error = InvalidSettings;
    fn try_from(s: OfficeSettingsDto) -> Result<Self, InvalidSettings> {
        let postcodes = s
            .day_ticket_postcodes
            .map(|list| list.iter().map(|p| Postcode::parse(p)).collect())
            .transpose()?;
        Ok(Self {
            name: s.name,
            address: s.address,
            counters: s.counters,
            grid_minutes: s.grid_minutes,
            lead_days: s.lead_days,
            horizon_days: s.horizon_days,
            max_per_service: s.max_per_service,
            max_total_minutes: s.max_total_minutes,
            hold_minutes: s.hold_minutes,
            no_show_grace_minutes: s.no_show_grace_minutes,
            reminder_days_before: s.reminder_days_before,
            reminder_time: s
                .reminder_time
                .as_deref()
                .map(|t| parse_time("reminder_time", t))
                .transpose()?,
            bookings_per_contact: s.bookings_per_contact,
            day_tickets_per_contact: s.day_tickets_per_contact,
            challenge: s.challenge.map(|c| c.0),
            day_ticket_release: s.day_ticket_release.map(|r| r.0),
            day_ticket_postcodes: postcodes,
        })
    }
}

/// Changes of an office's settings; fields left out stay.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"counters": 5}))]
pub struct OfficeSettingsDto {
    pub name: Option<String>,
    pub address: Option<String>,
    pub counters: Option<u32>,
    pub grid_minutes: Option<u32>,
    pub lead_days: Option<u32>,
    pub horizon_days: Option<u32>,
    pub max_per_service: Option<u32>,
    pub max_total_minutes: Option<u32>,
    /// 1–60 minutes (R19).
    pub hold_minutes: Option<u32>,
    /// 0–240 minutes after the start before a no-show can be marked (R28).
    pub no_show_grace_minutes: Option<u32>,
    /// 0–14 days before the appointment; 0 = no reminders (R23).
    pub reminder_days_before: Option<u32>,
    /// `HH:MM`, local time (R23; Kaarst 16:00).
    #[schema(example = "16:00")]
    pub reminder_time: Option<String>,
    pub bookings_per_contact: Option<u32>,
    pub day_tickets_per_contact: Option<u32>,
    pub challenge: Option<ChallengeDto>,
    pub day_ticket_release: Option<ReleaseDto>,
    /// Five-digit postcodes; `[]` lifts the restriction.
    pub day_ticket_postcodes: Option<Vec<String>>,
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
fn set_or_remove<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
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
