//! Why a booking request is refused.

use crate::booking::BookingKind;
use crate::calendar::NonexistentLocalTime;
use crate::ids::ServiceId;
use time::{Date, Time};

/// Every way a booking request can break a rule. The API gives each a
/// stable code and a status (in `api::error`, the one place for that).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    #[error("there is no office `{0}`")]
    UnknownOffice(String),
    #[error("select at least one service")]
    NoServices,
    #[error("the office offers no service `{0}`")]
    UnknownService(ServiceId),
    #[error("service `{0}` is no longer offered")]
    ServiceRetired(ServiceId),
    #[error("service `{service}` may be selected at most {max} times")]
    TooManyOfService { service: ServiceId, max: u32 },
    #[error("the selected services take {minutes} minutes; at most {max} fit one appointment")]
    TooLong { minutes: u32, max: u32 },
    #[error("appointments start on a {grid}-minute grid")]
    OffGrid { grid: u32 },
    #[error("{0}")]
    NonexistentTime(#[from] NonexistentLocalTime),
    #[error("this time has already passed")]
    InPast,
    #[error("regular appointments can be booked from {first_day} on")]
    TooSoon { first_day: Date },
    #[error("appointments can be booked up to {last_day}")]
    BeyondHorizon { last_day: Date },
    #[error("{date} is a public holiday ({name})")]
    Holiday { date: Date, name: &'static str },
    #[error("the office is closed on {date}: {reason}")]
    Closure { date: Date, reason: String },
    #[error("the appointment must start and end within the opening hours")]
    OutsideOpeningHours,
    #[error("Tagestickets are for today ({today}) only")]
    DayTicketNotToday { today: Date },
    #[error("no Tagestickets are issued on {date}")]
    NotDayTicketDay { date: Date },
    #[error("Tagestickets are released at {:02}:{:02} for this channel", .from.hour(), .from.minute())]
    DayTicketNotYetReleased { from: Time },
    #[error("today's Tagesticket contingent is used up")]
    DayTicketsExhausted,
    #[error("this time is no longer free")]
    SlotTaken,
    #[error("this office asks for a solved challenge (header X-Altcha) with this booking")]
    ChallengeRequired,
    /// R33: the office asks for a verified contact, and none for the
    /// booking's e-mail came (a missing, expired or other mailbox's
    /// `X-Contact-Token`, or no e-mail at all).
    #[error(
        "this office wants the e-mail address verified first: ask for a code at POST /api/v1/verifications and send the contact token as X-Contact-Token"
    )]
    ContactUnverified,
    #[error("this challenge solution has been used already; fetch a new challenge")]
    ChallengeUsed,
    #[error("{}", match .kind {
        BookingKind::DayTicket => format!("one contact may hold at most {} Tagesticket(s) a day online", .limit),
        BookingKind::Regular => format!("one contact may hold at most {} future appointment(s) online at this office", .limit),
    })]
    ContactLimit { kind: BookingKind, limit: u32 },
    #[error("online Tagestickets are for residents: give one of the postcodes {}", .postcodes.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", "))]
    NotResident {
        postcodes: Vec<crate::fair::Postcode>,
    },
    /// R27: a request for the Tagesticket draw.
    #[error(transparent)]
    Draw(#[from] crate::draw::DrawError),
}
