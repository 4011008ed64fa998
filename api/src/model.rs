//! The JSON shapes of the API (API.md), with their OpenAPI schemas.

use crate::error::ApiError;
use domain::{BookingKind, Channel, Slot};
use persistence::{Booking, BookingStatus};
use serde::{Deserialize, Serialize};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

const DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Parses `YYYY-MM-DD`, naming the parameter in the error.
pub fn parse_date(name: &str, value: &str) -> Result<Date, ApiError> {
    Date::parse(value.trim(), DATE_FORMAT)
        .ok()
        .filter(|d| (1900..=9000).contains(&d.year()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                format!("`{name}` must be a date like 2026-12-03 (years 1900–9000), not `{value}`"),
            )
        })
}

pub fn format_date(date: Date) -> String {
    date.format(DATE_FORMAT)
        .unwrap_or_else(|_| date.to_string())
}

/// An office that takes appointments.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "buergerbuero", "name": "Bürgerbüro", "address": "Am Neumarkt 2, 41564 Kaarst",
    "counters": 4, "day_tickets": true, "lead_days": 1, "horizon_days": 56
}))]
pub struct OfficeDto {
    pub id: String,
    pub name: String,
    pub address: String,
    /// Counters serving at once.
    pub counters: u32,
    /// Whether the office issues Tagestickets (same-day appointments).
    pub day_tickets: bool,
    /// Regular appointments from today + `lead_days` …
    pub lead_days: u32,
    /// … up to today + `horizon_days`.
    pub horizon_days: u32,
}

impl From<&domain::Office> for OfficeDto {
    fn from(o: &domain::Office) -> Self {
        Self {
            id: o.id.as_str().to_owned(),
            name: o.name.clone(),
            address: o.address.clone(),
            counters: o.counters,
            day_tickets: o.day_ticket.is_some(),
            lead_days: o.lead_days,
            horizon_days: o.horizon_days,
        }
    }
}

/// A service an office offers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "personalausweis", "name": "Personalausweis beantragen", "duration_minutes": 20}))]
pub struct ServiceDto {
    pub id: String,
    pub name: String,
    pub duration_minutes: u32,
}

/// An appointment time, Europe/Berlin.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(example = json!({"start": "2026-12-03T08:30:00+01:00", "end": "2026-12-03T09:05:00+01:00"}))]
pub struct SlotDto {
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
}

impl From<Slot> for SlotDto {
    fn from(s: Slot) -> Self {
        Self {
            start: s.start,
            end: s.end,
        }
    }
}

/// The bookable starts for the selected services.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotsDto {
    /// The length of the appointment: the sum of the services (R3).
    pub duration_minutes: u32,
    /// The first bookable appointment (R9), or `null` when none is free.
    pub earliest: Option<SlotDto>,
    pub slots: Vec<SlotDto>,
}

/// Today's Tagesticket situation (R12–R15).
#[derive(Debug, Serialize, ToSchema)]
pub struct DayTicketsDto {
    /// Today, `YYYY-MM-DD`.
    #[schema(example = "2026-12-03")]
    pub date: String,
    /// Whether a Tagesticket can be taken now (online).
    pub available: bool,
    /// Tickets left in today's contingent.
    pub remaining: u32,
    /// When Tagestickets are released online today; `null` on days without.
    #[serde(with = "time::serde::rfc3339::option")]
    pub online_from: Option<OffsetDateTime>,
    /// When they are released at the Infotheke and by telephone.
    #[serde(with = "time::serde::rfc3339::option")]
    pub desk_from: Option<OffsetDateTime>,
    /// Times still free in the contingent for the given services.
    pub slots: Vec<SlotDto>,
}

/// Regular appointment or Tagesticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindDto {
    #[default]
    Regular,
    DayTicket,
}

impl From<KindDto> for BookingKind {
    fn from(k: KindDto) -> Self {
        match k {
            KindDto::Regular => BookingKind::Regular,
            KindDto::DayTicket => BookingKind::DayTicket,
        }
    }
}

impl From<BookingKind> for KindDto {
    fn from(k: BookingKind) -> Self {
        match k {
            BookingKind::Regular => KindDto::Regular,
            BookingKind::DayTicket => KindDto::DayTicket,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelDto {
    Online,
    Phone,
    Desk,
}

impl From<Channel> for ChannelDto {
    fn from(c: Channel) -> Self {
        match c {
            Channel::Online => ChannelDto::Online,
            Channel::Phone => ChannelDto::Phone,
            Channel::Desk => ChannelDto::Desk,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusDto {
    Confirmed,
    Cancelled,
}

/// The citizen: a name and at least one of e-mail and phone (R17).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Erika Mustermann", "email": "erika@example.org"}))]
pub struct CitizenDto {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A booking request. Online it books as channel `online`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "office": "buergerbuero",
    "services": ["personalausweis", "anmeldung"],
    "start": "2026-12-03T08:30:00+01:00",
    "kind": "regular",
    "citizen": {"name": "Erika Mustermann", "email": "erika@example.org"}
}))]
pub struct BookingRequestDto {
    pub office: String,
    /// Service ids; repeat one to book it more than once (R3).
    pub services: Vec<String>,
    /// RFC 3339 with offset; must be an offered start.
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// `regular` (the default) or `day_ticket` (today only).
    #[serde(default)]
    pub kind: KindDto,
    pub citizen: CitizenDto,
}

/// A booking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BookingDto {
    pub id: Uuid,
    /// Short code to quote at the desk (no 0/O, 1/I).
    #[schema(example = "K7M3QX9A")]
    pub code: String,
    pub office: String,
    pub services: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
    pub kind: KindDto,
    pub channel: ChannelDto,
    pub status: StatusDto,
    pub citizen: CitizenDto,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub cancelled_at: Option<OffsetDateTime>,
}

impl From<Booking> for BookingDto {
    fn from(b: Booking) -> Self {
        Self {
            id: b.id,
            code: b.code,
            office: b.office.as_str().to_owned(),
            services: b.services.iter().map(|s| s.as_str().to_owned()).collect(),
            start: b.start,
            end: b.end,
            kind: b.kind.into(),
            channel: b.channel.into(),
            status: match b.status {
                BookingStatus::Confirmed => StatusDto::Confirmed,
                BookingStatus::Cancelled => StatusDto::Cancelled,
            },
            citizen: CitizenDto {
                name: b.citizen.name().to_owned(),
                email: b.citizen.email().map(str::to_owned),
                phone: b.citizen.phone().map(str::to_owned),
            },
            created_at: b.created_at,
            cancelled_at: b.cancelled_at,
        }
    }
}

/// A booking just made, with the secret `token` that lets its holder see and
/// cancel it (header `X-Booking-Token`). Shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedBookingDto {
    #[serde(flatten)]
    pub booking: BookingDto,
    pub token: String,
}

/// Why a booking no longer fits a changed configuration.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrphanReasonDto {
    DayClosed,
    OutsideOpeningHours,
    OverCapacity,
    OverContingent,
}

/// A confirmed booking an admin change leaves stranded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrphanedBookingDto {
    pub reason: OrphanReasonDto,
    pub booking: BookingDto,
}

impl From<persistence::OrphanedBooking> for OrphanedBookingDto {
    fn from(o: persistence::OrphanedBooking) -> Self {
        use domain::admin::Orphaned;
        Self {
            reason: match o.reason {
                Orphaned::DayClosed => OrphanReasonDto::DayClosed,
                Orphaned::OutsideOpeningHours => OrphanReasonDto::OutsideOpeningHours,
                Orphaned::OverCapacity => OrphanReasonDto::OverCapacity,
                Orphaned::OverContingent => OrphanReasonDto::OverContingent,
            },
            booking: o.booking.into(),
        }
    }
}
