//! The one place where errors of the store, the domain and authentication
//! become a status and a code.

use super::{ApiError, ErrorCode};
use crate::auth::{PasswordError, PoolBusy, TokenError};
use actix_web::http::StatusCode;
use domain::{
    AccountError, BookingError, CancelError, CitizenError, CounterError, DrawError, EditError,
    HoldError, InvalidUsernameError, MoveError,
};
use persistence::StoreError;

impl From<BookingError> for ApiError {
    fn from(e: BookingError) -> Self {
        use BookingError::*;
        let code = match &e {
            UnknownOffice(_) => ErrorCode::UnknownOffice,
            NoServices => ErrorCode::NoServices,
            UnknownService(_) => ErrorCode::UnknownService,
            ServiceRetired(_) => ErrorCode::ServiceRetired,
            TooManyOfService { .. } => ErrorCode::TooManyOfService,
            TooLong { .. } => ErrorCode::AppointmentTooLong,
            OffGrid { .. } => ErrorCode::OffGrid,
            NonexistentTime(_) => ErrorCode::NonexistentLocalTime,
            InPast => ErrorCode::InPast,
            TooSoon { .. } => ErrorCode::BeforeLeadTime,
            BeyondHorizon { .. } => ErrorCode::BeyondHorizon,
            Holiday { .. } => ErrorCode::Holiday,
            Closure { .. } => ErrorCode::ClosureDay,
            OutsideOpeningHours => ErrorCode::OutsideOpeningHours,
            DayTicketNotToday { .. } => ErrorCode::DayTicketNotToday,
            NotDayTicketDay { .. } => ErrorCode::NotADayTicketDay,
            DayTicketNotYetReleased { .. } => ErrorCode::DayTicketNotReleased,
            DayTicketsExhausted => ErrorCode::DayTicketsExhausted,
            SlotTaken => ErrorCode::SlotTaken,
            ChallengeRequired => ErrorCode::ChallengeRequired,
            ContactUnverified => ErrorCode::ContactUnverified,
            ChallengeUsed => ErrorCode::ChallengeInvalid,
            ContactLimit { .. } => ErrorCode::ContactLimit,
            NotResident { .. } => ErrorCode::NotResident,
            Draw(DrawError::NotUsed) => ErrorCode::DrawNotUsed,
            Draw(DrawError::Closed { .. }) => ErrorCode::DrawClosed,
            Draw(DrawError::InvalidWindow) => ErrorCode::InvalidWindow,
            Draw(DrawError::AlreadyRequested) => ErrorCode::AlreadyRequested,
        };
        // Lost to someone else meanwhile: 409; against a rule: 422.
        let status = match e {
            SlotTaken | DayTicketsExhausted | Draw(DrawError::AlreadyRequested) => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl From<CitizenError> for ApiError {
    fn from(e: CitizenError) -> Self {
        let code = match e {
            CitizenError::Name(_) => ErrorCode::InvalidName,
            CitizenError::NoContact => ErrorCode::ContactRequired,
            CitizenError::Email => ErrorCode::InvalidEmail,
            CitizenError::Phone => ErrorCode::InvalidPhone,
        };
        ApiError::unprocessable(code, e.to_string())
    }
}

impl From<domain::NoOfficesError> for ApiError {
    fn from(e: domain::NoOfficesError) -> Self {
        ApiError::unprocessable(ErrorCode::NoOffices, e.to_string())
    }
}

impl From<CancelError> for ApiError {
    fn from(e: CancelError) -> Self {
        match e {
            CancelError::AlreadyCancelled => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyCancelled,
                e.to_string(),
            ),
            CancelError::AppointmentPassed => {
                ApiError::unprocessable(ErrorCode::AppointmentPassed, e.to_string())
            }
            CancelError::Served => conflict(ErrorCode::AlreadyServed, e),
            CancelError::NoShow => conflict(ErrorCode::MarkedNoShow, e),
        }
    }
}

impl From<HoldError> for ApiError {
    fn from(e: HoldError) -> Self {
        match e {
            HoldError::Expired => {
                ApiError::new(StatusCode::CONFLICT, ErrorCode::HoldExpired, e.to_string())
            }
            HoldError::Limit { .. }
            | HoldError::DayTicketLimit
            | HoldError::MailboxDayTicketLimit => {
                ApiError::unprocessable(ErrorCode::HoldLimit, e.to_string())
            }
            HoldError::NoExtensionsLeft { .. } => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::HoldExtensionsUsed,
                e.to_string(),
            ),
        }
    }
}

impl From<MoveError> for ApiError {
    fn from(e: MoveError) -> Self {
        match e {
            MoveError::Cancelled => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyCancelled,
                e.to_string(),
            ),
            MoveError::Begun => {
                ApiError::unprocessable(ErrorCode::AppointmentPassed, e.to_string())
            }
            MoveError::DayTicketOtherDay { .. } => {
                ApiError::unprocessable(ErrorCode::DayTicketOtherDay, e.to_string())
            }
            MoveError::Served => conflict(ErrorCode::AlreadyServed, e),
            MoveError::NoShow => conflict(ErrorCode::MarkedNoShow, e),
        }
    }
}

fn conflict(code: ErrorCode, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, e.to_string())
}

/// R28: a step the booking's state does not allow is a conflict (409);
/// one at the wrong time or to a counter that does not exist breaks a rule
/// (422).
impl From<CounterError> for ApiError {
    fn from(e: CounterError) -> Self {
        use CounterError::*;
        let code = match e {
            Cancelled => ErrorCode::AlreadyCancelled,
            AlreadyCheckedIn => ErrorCode::AlreadyCheckedIn,
            AlreadyCalled => ErrorCode::AlreadyCalled,
            AlreadyServed => ErrorCode::AlreadyServed,
            NoShow => ErrorCode::MarkedNoShow,
            NotCalled => ErrorCode::NotCalled,
            CheckInTooEarly { .. } => ErrorCode::CheckInTooEarly,
            CheckInDayPassed { .. } => ErrorCode::CheckInDayPassed,
            NoShowTooEarly { .. } => ErrorCode::NoShowTooEarly,
            NoSuchCounter { .. } => ErrorCode::NoSuchCounter,
        };
        match e {
            CheckInTooEarly { .. }
            | CheckInDayPassed { .. }
            | NoShowTooEarly { .. }
            | NoSuchCounter { .. } => ApiError::unprocessable(code, e.to_string()),
            _ => conflict(code, e),
        }
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        match &e {
            EditError::ServiceExists(_) => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::ServiceExists,
                e.to_string(),
            ),
            EditError::UnknownService(_) | EditError::NoClosure(_) => {
                ApiError::not_found(e.to_string())
            }
            EditError::Invalid(_) => {
                ApiError::unprocessable(ErrorCode::InvalidConfiguration, e.to_string())
            }
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::CannotChangeSelf => {
                ApiError::unprocessable(ErrorCode::CannotChangeSelf, e.to_string())
            }
        }
    }
}

impl From<InvalidUsernameError> for ApiError {
    fn from(e: InvalidUsernameError) -> Self {
        ApiError::unprocessable(ErrorCode::InvalidUsername, e.to_string())
    }
}

impl From<PasswordError> for ApiError {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Weak => ApiError::unprocessable(ErrorCode::WeakPassword, e.to_string()),
            PasswordError::Hashing => ApiError::internal(&e),
        }
    }
}

impl From<crate::http::dto::InvalidTime> for ApiError {
    fn from(e: crate::http::dto::InvalidTime) -> Self {
        ApiError::bad_request(ErrorCode::InvalidBody, e.to_string())
    }
}

impl From<crate::http::dto::InvalidWindow> for ApiError {
    fn from(e: crate::http::dto::InvalidWindow) -> Self {
        match e {
            crate::http::dto::InvalidWindow::Time(t) => t.into(),
            crate::http::dto::InvalidWindow::Order(o) => BookingError::Draw(o).into(),
        }
    }
}

impl From<domain::InvalidPostcode> for ApiError {
    fn from(e: domain::InvalidPostcode) -> Self {
        ApiError::unprocessable(ErrorCode::InvalidPostcode, e.to_string())
    }
}

/// A key in a body (an admin's service); a key in a query is refused with
/// 400 by its handler, as every malformed query is.
impl From<domain::InvalidLeika> for ApiError {
    fn from(e: domain::InvalidLeika) -> Self {
        ApiError::unprocessable(ErrorCode::InvalidLeika, e.to_string())
    }
}

impl From<crate::challenge::ChallengeError> for ApiError {
    fn from(e: crate::challenge::ChallengeError) -> Self {
        ApiError::unprocessable(ErrorCode::ChallengeInvalid, e.to_string())
    }
}

impl From<PoolBusy> for ApiError {
    fn from(e: PoolBusy) -> Self {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Busy,
                e.to_string(),
            )
        }
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Expired => ApiError::unauthorized(
                ErrorCode::TokenExpired,
                "the token has expired; log in again",
            ),
            TokenError::Invalid => ApiError::unauthorized(ErrorCode::InvalidToken, e.to_string()),
            TokenError::Signing => ApiError::internal(&e),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::from(&e)
    }
}

/// A store error several requests share (one lookup answered them all).
impl From<&StoreError> for ApiError {
    fn from(e: &StoreError) -> Self {
        match e {
            StoreError::UnknownOffice => ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownOffice,
                "there is no such office",
            ),
            StoreError::UnknownBooking => ApiError::not_found("there is no such booking"),
            StoreError::UnknownMessage => ApiError::not_found("there is no such message"),
            StoreError::UnknownRequest => ApiError::not_found("there is no such request"),
            StoreError::UnknownWish => ApiError::not_found("there is no such wish"),
            StoreError::Wish(refused) => {
                ApiError::unprocessable(ErrorCode::InvalidRange, refused.to_string())
            }
            StoreError::WishLimit => ApiError::unprocessable(ErrorCode::WishLimit, e.to_string()),
            StoreError::UnknownUser => ApiError::not_found("there is no such staff user"),
            StoreError::UnknownMunicipality => ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownMunicipality,
                "there is no such municipality",
            ),
            StoreError::UnknownMunicipalityNamed(_) => {
                ApiError::unprocessable(ErrorCode::UnknownMunicipality, e.to_string())
            }
            StoreError::MunicipalityExists => conflict(ErrorCode::MunicipalityExists, e),
            StoreError::UnknownVerification => ApiError::not_found("there is no such verification"),
            StoreError::Verification(domain::VerificationError::Wrong { attempts_left }) => {
                ApiError {
                    attempts_left: Some(*attempts_left),
                    ..ApiError::unprocessable(ErrorCode::VerificationCodeWrong, e.to_string())
                }
            }
            StoreError::Verification(domain::VerificationError::Expired) => {
                conflict(ErrorCode::VerificationExpired, e)
            }
            StoreError::CodeLimit(seconds) => ApiError::too_many(
                ErrorCode::RateLimited,
                "this mailbox was sent codes enough this hour; ask again later",
                u32::try_from(*seconds).unwrap_or(u32::MAX),
            ),
            StoreError::OfficeExists => conflict(ErrorCode::OfficeExists, e),
            StoreError::Municipality(invalid) => {
                ApiError::unprocessable(ErrorCode::InvalidMunicipality, invalid.to_string())
            }
            StoreError::Rule(rule) => rule.clone().into(),
            StoreError::Cancel(cancel) => (*cancel).into(),
            StoreError::Hold(hold) => (*hold).into(),
            StoreError::Move(refused) => (*refused).into(),
            StoreError::Counter(refused) => (*refused).into(),
            StoreError::QueueEmpty => conflict(ErrorCode::QueueEmpty, e),
            StoreError::Edit(edit) => edit.clone().into(),
            StoreError::IdempotencyKeyReused => ApiError::unprocessable(
                ErrorCode::IdempotencyKeyReused,
                "this Idempotency-Key was sent with another request; use a new key for a new request",
            ),
            StoreError::UsernameTaken => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::UsernameTaken,
                "a staff user of that name exists",
            ),
            StoreError::WouldOrphan(list) => {
                let detail = format!(
                    "the change would leave {} confirmed booking(s) outside the hours or over \
                     capacity; repeat it with force=true to apply it anyway",
                    list.len()
                );
                ApiError {
                    affected_bookings: Some(list.iter().cloned().map(Into::into).collect()),
                    ..ApiError::new(StatusCode::CONFLICT, ErrorCode::WouldOrphanBookings, detail)
                }
            }
            StoreError::Busy => ApiError {
                retry_after: Some(1),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Busy,
                    "the system is very busy; please try again in a moment",
                )
            },
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                ApiError {
                    retry_after: Some(5),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        ErrorCode::DatabaseUnavailable,
                        "the database cannot be reached; please try again later",
                    )
                }
            }
            other @ (StoreError::InvalidUrl(_)
            | StoreError::DrawDue
            | StoreError::Migration(_)
            | StoreError::Corrupt(_)
            | StoreError::Database(_)) => ApiError::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_races_are_conflicts_and_rules_unprocessable() {
        let taken = ApiError::from(BookingError::SlotTaken);
        assert_eq!(
            (taken.status, taken.code),
            (StatusCode::CONFLICT, ErrorCode::SlotTaken)
        );
        let gone = ApiError::from(BookingError::DayTicketsExhausted);
        assert_eq!(gone.status, StatusCode::CONFLICT);
        let past = ApiError::from(BookingError::InPast);
        assert_eq!(
            (past.status, past.code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InPast)
        );
        let office = ApiError::from(StoreError::UnknownOffice);
        assert_eq!(office.status, StatusCode::NOT_FOUND);
        let in_body = ApiError::from(BookingError::UnknownOffice("rathaus".into()));
        assert_eq!(
            (in_body.status, in_body.code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::UnknownOffice)
        );
    }
}
