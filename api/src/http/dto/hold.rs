//! Holds (R19) and moves (R20) as the API shows and takes them.

use super::{CitizenDto, KindDto};
use persistence::Hold;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A slot to hold while the citizen enters their details. Online only.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "office": "buergerbuero",
    "services": ["personalausweis"],
    "start": "2026-12-03T08:30:00+01:00",
    "kind": "regular"
}))]
pub struct HoldRequestDto {
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
}

/// A live hold.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldDto {
    pub id: Uuid,
    pub office: String,
    pub services: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
    pub kind: KindDto,
    /// The slot is free again from this instant unless confirmed or extended.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// How often `extend` still works (3 at first; 1 for a Tagesticket).
    pub extensions_left: u32,
}

impl From<Hold> for HoldDto {
    fn from(h: Hold) -> Self {
        Self {
            id: h.id,
            office: h.office.as_str().to_owned(),
            services: h.services.iter().map(|s| s.as_str().to_owned()).collect(),
            start: h.start,
            end: h.end,
            kind: h.kind.into(),
            expires_at: h.expires_at,
            extensions_left: h.extensions_left,
        }
    }
}

/// A hold just made, with the secret `token` that lets its holder extend,
/// release and confirm it (header `X-Hold-Token`). Shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedHoldDto {
    #[serde(flatten)]
    pub hold: HoldDto,
    pub token: String,
}

/// A hold's new expiry after `extend`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldExtendedDto {
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub extensions_left: u32,
}

/// Confirms a hold: who the booking is for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"citizen": {"name": "Erika Mustermann", "email": "erika@example.org"}}))]
pub struct ConfirmHoldDto {
    pub citizen: CitizenDto,
}

/// Moves a booking (R20): a new start, and optionally other services.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start": "2026-12-03T09:15:00+01:00"}))]
pub struct MoveDto {
    /// RFC 3339 with offset; checked like a new booking, with the booking's
    /// own time counted as free.
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// Service ids; leave out to keep the booked ones.
    #[serde(default)]
    pub services: Option<Vec<String>>,
}
