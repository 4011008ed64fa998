//! The pure rules of the Terminvergabe (docs/DOMAIN.md).
//!
//! Nothing here does I/O or reads the clock: the configuration, the current
//! occupancy and "now" are arguments, so every rule can be tested at any instant
//! (07:00 on a Monday, the night of the DST change, Easter Monday).
//!
//! Modules from the leaves up: `text` (one spelling per enum), `grid`
//! (minutes and units), `calendar` (Berlin time, holidays), `ids`, `config`
//! (an office), `occupancy`, `booking` (kind, channel, status, code,
//! cancelling), `hold` (R19), `moving` (R20), `message` (R23: reminders, retries), `texts` (free text people type in), `citizen`, `rules`
//! (validation), `search`, `settings` (an office's settings, declared once), `edit` (admin changes), `admin` (what a change
//! would strand), `staff`, `audit`, `kaarst`.

pub mod text;

pub mod admin;
pub mod audit;
pub mod booking;
pub mod calendar;
pub mod citizen;
pub mod config;
pub mod contact;
pub mod counter;
pub mod draw;
pub mod edit;
pub mod fair;
pub mod grid;
pub mod hold;
pub mod ids;
pub mod kaarst;
pub mod message;
pub mod moving;
pub mod municipality;
pub mod occupancy;
pub mod rules;
pub mod search;
pub mod settings;
pub mod staff;
pub mod statistics;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;
pub mod texts;
pub mod verification;
pub mod wish;

pub use audit::AuditAction;
pub use booking::{
    BookingCode, BookingKind, BookingStatus, CancelError, Channel, Stage, Standing, check_cancel,
};
pub use calendar::Berlin;
pub use citizen::{Citizen, CitizenError, valid_email};
pub use config::{
    ConfigError, DayTicketPolicy, MAX_REQUIREMENTS, Office, Service, WeeklyHours, Window,
    request_hours,
};
pub use contact::{
    ContactHoldings, InvalidPhone, check_contact_limits, contact_limit, email_key, phone_e164,
};
pub use counter::{
    CounterError, MAX_NO_SHOW_GRACE_MINUTES, check_check_in, check_counter, check_done,
    check_no_show,
};
pub use draw::{
    DrawError, Entry as DrawEntry, RequestStatus, RequestWindow, SEED_BYTES, check_request,
    draw_due, draw_order, run_draw,
};
pub use edit::{EditError, NewOffice, OfficeEdit, ServiceChange};
pub use fair::{ChallengePolicy, DayTicketRelease, InvalidPostcode, Postcode};
pub use hold::{
    DAY_TICKET_HOLD_EXTENSIONS, HOLD_EXTENSIONS, HoldError, LIVE_DAY_TICKET_HOLDS_PER_CLIENT,
    LIVE_HOLDS_PER_CLIENT, LiveHolds, check_new_hold, extend_hold, extensions_left, hold_expiry,
    hold_extensions, is_live,
};
pub use ids::{IdError, InvalidLeika, Leika, OfficeId, ServiceId};
pub use message::{
    MAX_REMINDER_DAYS, MAX_SEND_ATTEMPTS, MessageKind, MessageStatus, ReminderPolicy, Retry,
    reminder_due, retry_after, still_worth_sending,
};
pub use moving::{MoveError, check_move};
pub use municipality::{
    Ags, InvalidAgs, Municipality, MunicipalityChange, MunicipalityError, MunicipalityId,
    MunicipalityIdError, RESERVED_SLUGS,
};
pub use occupancy::{ActiveBooking, DayLoad, Occupancy, Pool, UNIT_MINUTES};
pub use rules::{
    Accepted, BookingError, BookingRequest, Selection, check_residence, release_time,
    validate_booking,
};
pub use search::{
    DayTicketOffer, Slot, SlotOffer, bookable_days, day_ticket_date, day_ticket_offer, search_days,
    search_slots,
};
pub use settings::{InvalidTimeOfDay, OfficeSettings, SettingsChange, TimeOfDay};
pub use staff::{
    AccountChange, AccountError, InvalidUsernameError, NoOfficesError, OfficeScope, Role, Username,
    check_account_change,
};
pub use statistics::{
    BookingFact, ByChannel, DayCapacity, DayStatistics, MAX_STATISTICS_DAYS, Utilisation,
    day_capacity, day_statistics,
};
pub use texts::{
    Address, ClosureReason, OfficeName, PersonName, Requirement, ServiceName, ServiceNote,
    TextError,
};
pub use verification::{
    CODE_DIGITS, CODE_VALID, CODES_PER_MAILBOX, CODES_WINDOW, MAX_WRONG_CODES, TOKEN_VALID,
    Verification, VerificationError, VerifyContact, is_code, may_send_code, same_in_constant_time,
};
pub use wish::{
    MAX_EXPIRED_OFFERS, MAX_OFFER_MINUTES, TimesOfDay, WishError, WishStatus, WishWindow,
    ends_after_expiries, offer_expires_at,
};
