//! The pure rules of the Terminvergabe.
//!
//! Nothing here does I/O or reads the clock: the configuration, the current
//! occupancy and "now" are arguments, so every rule can be tested at any instant
//! (07:00 on a Monday, the night of the DST change, Easter Monday).

pub mod admin;
pub mod calendar;
pub mod citizen;
pub mod config;
pub mod ids;
pub mod kaarst;
pub mod occupancy;
pub mod rules;
pub mod search;

pub use calendar::Berlin;
pub use citizen::{Citizen, CitizenError};
pub use config::{DayTicketPolicy, Office, Service, WeeklyHours, Window};
pub use ids::{IdError, OfficeId, ServiceId};
pub use occupancy::{ActiveBooking, DayLoad, Occupancy, Pool, UNIT_MINUTES};
pub use rules::{
    Accepted, BookingError, BookingKind, BookingRequest, Channel, Selection, release_time,
    validate_booking,
};
pub use search::{
    DayTicketOffer, Slot, SlotOffer, bookable_days, day_ticket_offer, search_days, search_slots,
};
