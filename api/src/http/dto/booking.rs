//! Bookings as the API shows and takes them.

use super::{ChannelDto, KindDto, OrphanReasonDto, ServiceDto, StatusDto};
use persistence::Booking;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// The citizen: a name and at least one of e-mail and phone (R17); the
/// postcode where the office keeps online Tagestickets for residents (R32).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Erika Mustermann", "email": "erika@example.org"}))]
pub struct CitizenDto {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Any common spelling; shown back in E.164 (`+4921319870`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Five digits, e.g. `41564` (R32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
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
    #[schema(min_items = 1)]
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
    /// The same services in the same order, with what to bring, note and
    /// key as the office states them now (R21, R22) and the minutes each
    /// was booked with.
    pub service_details: Vec<ServiceDto>,
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
    #[schema(nullable = false)]
    pub cancelled_at: Option<OffsetDateTime>,
    /// The start before the last move (R20); absent if never moved.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schema(nullable = false)]
    pub previous_start: Option<OffsetDateTime>,
    /// R28: when the citizen checked in; absent before.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schema(nullable = false)]
    pub checked_in_at: Option<OffsetDateTime>,
    /// R28: when the citizen was called; absent before.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schema(nullable = false)]
    pub called_at: Option<OffsetDateTime>,
    /// R28: the counter the citizen was called to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(nullable = false)]
    pub counter: Option<u32>,
    /// R28: when it was served, or marked as a no-show.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schema(nullable = false)]
    pub closed_at: Option<OffsetDateTime>,
    /// R31: when the citizen's data were erased (the name is then empty,
    /// e-mail, phone and postcode absent); absent before.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schema(nullable = false)]
    pub erased_at: Option<OffsetDateTime>,
}

/// Everything held on a booking (R31, GDPR Art. 15): the booking with the
/// citizen's data, its messages (what was sent and when; never the
/// message's secret) and who of the staff did what with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldDataDto {
    pub booking: BookingDto,
    pub messages: Vec<super::MessageDto>,
    pub audit: Vec<super::AuditEntryDto>,
}

impl From<persistence::HeldData> for HeldDataDto {
    fn from(h: persistence::HeldData) -> Self {
        Self {
            booking: h.booking.into(),
            messages: h.messages.into_iter().map(Into::into).collect(),
            audit: h.audit.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Booking> for BookingDto {
    fn from(b: Booking) -> Self {
        Self {
            id: b.id,
            code: b.code.as_str().to_owned(),
            office: b.office.as_str().to_owned(),
            services: b.services.iter().map(|s| s.as_str().to_owned()).collect(),
            service_details: b.service_details.iter().map(ServiceDto::from).collect(),
            start: b.start,
            end: b.end,
            kind: b.kind.into(),
            channel: b.channel.into(),
            status: b.status.into(),
            citizen: CitizenDto {
                name: b.citizen.name().to_owned(),
                email: b.citizen.email().map(str::to_owned),
                phone: b.citizen.phone().map(str::to_owned),
                postcode: b.citizen.postcode().map(|p| p.as_str().to_owned()),
            },
            created_at: b.created_at,
            cancelled_at: b.cancelled_at,
            previous_start: b.previous_start,
            checked_in_at: b.counter.checked_in.as_ref().map(|s| s.at),
            called_at: b.counter.called.as_ref().map(|s| s.at),
            counter: b.counter.counter,
            closed_at: b.counter.closed.as_ref().map(|s| s.at),
            erased_at: b.erased_at,
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

/// A confirmed booking an admin change leaves stranded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrphanedBookingDto {
    pub reason: OrphanReasonDto,
    pub booking: BookingDto,
}

impl From<persistence::OrphanedBooking> for OrphanedBookingDto {
    fn from(o: persistence::OrphanedBooking) -> Self {
        Self {
            reason: o.reason.into(),
            booking: o.booking.into(),
        }
    }
}
