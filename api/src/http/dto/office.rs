//! Offices, services, slots and the Tagesticket offer, as citizens see them.

use super::text::VerifyContactDto;
use domain::{DayTicketOffer, Slot, SlotOffer};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An office that takes appointments.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "buergerbuero", "municipality": "kaarst", "name": "Bürgerbüro", "address": "Am Neumarkt 2, 41564 Kaarst",
    "counters": 4, "day_tickets": true, "lead_days": 1, "horizon_days": 56,
    "verify_contact": "day_tickets"
}))]
pub struct OfficeDto {
    pub id: String,
    /// R39: the municipality it belongs to (`GET /api/v1/municipalities`).
    #[schema(example = "kaarst")]
    pub municipality: String,
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
    /// Which online bookings, holds and draw requests need `X-Contact-Token`
    /// of a verified e-mail address (R33), so a client asks for the code
    /// before it holds a time.
    pub verify_contact: VerifyContactDto,
}

impl From<&domain::Office> for OfficeDto {
    fn from(o: &domain::Office) -> Self {
        Self {
            id: o.id.as_str().to_owned(),
            municipality: o.municipality.as_str().to_owned(),
            name: o.name.clone(),
            address: o.address.clone(),
            counters: o.settings.counters,
            day_tickets: o.day_ticket.is_some(),
            lead_days: o.settings.lead_days,
            horizon_days: o.settings.horizon_days,
            verify_contact: VerifyContactDto(o.settings.verify_contact),
        }
    }
}

/// A service an office offers, with what to bring (R21) and its national
/// key (R22). In a booking's `service_details`, one booked service.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "personalausweis", "name": "Personalausweis beantragen", "duration_minutes": 20,
    "requirements": [
        "Ihr bisheriger Personalausweis oder Reisepass; beim ersten Ausweis die Geburtsurkunde",
        "Gebühr: 37,00 EUR; unter 24 Jahren 22,80 EUR"
    ],
    "note": "Der Antrag wird persönlich gestellt; Kinder kommen mit.",
    "leika": "99008001000000"
}))]
pub struct ServiceDto {
    pub id: String,
    pub name: String,
    /// Its length in minutes; in a booking, the length it was booked with.
    pub duration_minutes: u32,
    /// What to bring: documents, photo, fee (R21); may be empty.
    pub requirements: Vec<String>,
    /// A short note for citizens (R21), or `null`.
    #[schema(required = true)]
    pub note: Option<String>,
    /// The national service key (LeiKa/FIM Leistungsschlüssel, 14 digits),
    /// or `null` (R22).
    #[schema(required = true, example = "99008001000000")]
    pub leika: Option<String>,
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
    #[schema(required = true)]
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
    #[schema(required = true)]
    pub online_from: Option<OffsetDateTime>,
    /// When they are released at the Infotheke and by telephone.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub desk_from: Option<OffsetDateTime>,
    /// Times still free in the contingent for the given services.
    pub slots: Vec<SlotDto>,
    /// Online Tagestickets only for citizens with one of these postcodes,
    /// declared as `citizen.postcode` (R32); empty = anyone.
    #[schema(example = json!(["41564"]))]
    pub postcodes: Vec<String>,
    /// `first_come` from `online_from`, or `draw` (R27): requests are taken
    /// from `requests_from` until `online_from`
    /// (`POST /api/v1/offices/{office}/day-tickets/requests`), then drawn.
    pub release: super::ReleaseDto,
    /// Where the office draws: when requests open today; `null` otherwise.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub requests_from: Option<OffsetDateTime>,
}

impl From<&domain::Service> for ServiceDto {
    fn from(s: &domain::Service) -> Self {
        Self {
            id: s.id.as_str().to_owned(),
            name: s.name.clone(),
            duration_minutes: s.minutes,
            requirements: s.requirements.clone(),
            note: s.note.clone(),
            leika: s.leika.as_ref().map(|k| k.as_str().to_owned()),
        }
    }
}

/// A booked service: today's texts, the booked minutes.
impl From<&persistence::BookedService> for ServiceDto {
    fn from(b: &persistence::BookedService) -> Self {
        Self {
            duration_minutes: b.minutes,
            ..Self::from(&b.service)
        }
    }
}

impl From<SlotOffer> for SlotsDto {
    fn from(offer: SlotOffer) -> Self {
        Self {
            duration_minutes: offer.minutes,
            earliest: offer.earliest.map(Into::into),
            slots: offer.slots.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<DayTicketOffer> for DayTicketsDto {
    fn from(offer: DayTicketOffer) -> Self {
        Self {
            date: super::format_date(offer.date),
            available: offer.available,
            remaining: offer.remaining,
            online_from: offer.online_from,
            desk_from: offer.desk_from,
            slots: offer.slots.into_iter().map(Into::into).collect(),
            postcodes: offer
                .postcodes
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            release: offer.release.into(),
            requests_from: offer.requests_from,
        }
    }
}
