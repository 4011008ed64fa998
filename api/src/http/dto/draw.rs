//! The Tagesticket draw (R27) as the API takes and shows it.

use super::config::{InvalidTime, parse_time};
use super::{BookingDto, CitizenDto, RequestStatusDto};
use domain::{DrawError, RequestWindow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The local times (`HH:MM`, Europe/Berlin) between which the citizen can
/// come: the appointment starts at `from` at the earliest and at `to` at
/// the latest.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "09:00", "to": "11:00"}))]
pub struct RequestWindowDto {
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "09:00")]
    pub from: String,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "11:00")]
    pub to: String,
}

/// Why a window is refused.
#[derive(Debug, thiserror::Error)]
pub enum InvalidWindow {
    #[error(transparent)]
    Time(#[from] InvalidTime),
    #[error(transparent)]
    Order(#[from] DrawError),
}

impl RequestWindowDto {
    pub fn parse(&self) -> Result<RequestWindow, InvalidWindow> {
        let from = parse_time("window.from", &self.from)?;
        let to = parse_time("window.to", &self.to)?;
        Ok(RequestWindow::new(from, to)?)
    }
}

/// A request for today's Tagesticket draw (R27). Online only.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "services": ["ausweis-abholung"],
    "citizen": {"name": "Erika Mustermann", "email": "erika@example.org", "postcode": "41564"},
    "window": {"from": "09:00", "to": "11:00"}
}))]
pub struct DrawRequestDto {
    /// Service ids; repeat one to book it more than once (R3).
    #[schema(min_items = 1)]
    pub services: Vec<String>,
    pub citizen: CitizenDto,
    /// Any start of the day if absent.
    #[serde(default)]
    #[schema(nullable = false)]
    pub window: Option<RequestWindowDto>,
}

/// A request filed; `token` (header `X-Request-Token`) is shown only here.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedRequestDto {
    pub id: Uuid,
    pub token: String,
    pub status: RequestStatusDto,
}

/// What a request came to (R27).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawRequestStatusDto {
    pub id: Uuid,
    pub status: RequestStatusDto,
    /// The Tagesticket booked for a request that `won`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub booking: Option<BookingDto>,
    /// The won booking's secret (header `X-Booking-Token`): in the first
    /// answer after the draw only, absent later.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub booking_token: Option<String>,
}

impl From<persistence::DayTicketRequest> for DrawRequestStatusDto {
    fn from(r: persistence::DayTicketRequest) -> Self {
        Self {
            id: r.id,
            status: r.status.into(),
            booking: r.booking.map(Into::into),
            booking_token: r.booking_token,
        }
    }
}
