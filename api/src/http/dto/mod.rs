//! The JSON shapes of the API (docs/API.md) with their OpenAPI schemas, and
//! their conversions from the domain and the store. Nothing here decides a
//! rule or knows about HTTP errors.

mod audit;
mod booking;
mod challenge;
mod config;
mod counter;
mod draw;
mod hold;
mod message;
mod municipality;
mod office;
mod settings;
mod statistics;
mod text;
mod user;
mod verification;

pub use audit::AuditEntryDto;
pub use booking::{
    BookingDto, BookingRequestDto, CitizenDto, CreatedBookingDto, HeldDataDto, OrphanedBookingDto,
};
pub use challenge::AltchaChallengeDto;
pub use config::{
    AdminServiceDto, ClosureDto, ClosureReasonDto, DayTicketPolicyDto, HoursDto, InvalidTime,
    NewServiceDto, OfficeChangeDto, ServiceChangeDto, WeekdayDto, WindowDto,
};
pub use counter::{CallDto, NextDto, QueueDto, ServingDto, WaitingDto};
pub use draw::{
    CreatedRequestDto, DrawRequestDto, DrawRequestStatusDto, InvalidWindow, RequestWindowDto,
};
pub use hold::{ConfirmHoldDto, CreatedHoldDto, HoldDto, HoldExtendedDto, HoldRequestDto, MoveDto};
pub use message::MessageDto;
pub use municipality::{
    InvalidMunicipality, MunicipalityChangeDto, MunicipalityDto, NewMunicipalityDto,
};
pub use office::{DayTicketsDto, OfficeDto, ServiceDto, SlotDto, SlotsDto};
pub use settings::{InvalidNewOffice, InvalidSettings, OfficeConfigDto, OfficeSettingsDto};
pub use statistics::{ByChannelDto, CSV_HEADER, DayStatisticsDto, UtilisationDto};
pub use text::{
    ChallengeDto, ChannelDto, KindDto, MessageKindDto, MessageStatusDto, OrphanReasonDto,
    ReleaseDto, RequestStatusDto, RoleDto, StatusDto,
};
pub use user::{LoginDto, NewUserDto, PasswordDto, TokenDto, UserChangeDto, UserDto};
pub use verification::{CodeDto, ContactTokenDto, VerificationDto, VerificationRequestDto};

use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// `YYYY-MM-DD`, as dates appear in paths, queries and bodies.
pub const DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

pub fn format_date(date: Date) -> String {
    date.format(DATE_FORMAT)
        .unwrap_or_else(|_| date.to_string())
}
