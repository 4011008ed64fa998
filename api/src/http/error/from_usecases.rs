//! The errors of the use cases (login, accounts, statistics, the offers'
//! lookup, the display's streams, verifications) and of bodies that do not
//! parse into the domain's values, as a status and a code. The domain's and
//! the store's errors are in `from.rs`.

use super::{ApiError, ErrorCode};
use crate::usecases::admin::error::{StatisticsError, UserError};
use crate::usecases::staff::error::LoginError;
use actix_web::http::StatusCode;

/// R11: a login refused while throttled (429 with `Retry-After`), with
/// wrong credentials (401), or with the password pool busy (503).
impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Throttled(wait) => {
                let seconds = u32::try_from(wait).unwrap_or(u32::MAX);
                ApiError::too_many(ErrorCode::TooManyAttempts, e.to_string(), seconds)
            }
            LoginError::InvalidCredentials => {
                ApiError::unauthorized(ErrorCode::InvalidCredentials, e.to_string())
            }
            LoginError::Busy(busy) => busy.into(),
            LoginError::Token(token) => token.into(),
            LoginError::Store(store) => store.into(),
        }
    }
}

impl From<crate::usecases::verifications::VerificationRequestError> for ApiError {
    fn from(e: crate::usecases::verifications::VerificationRequestError) -> Self {
        use crate::usecases::verifications::VerificationRequestError;
        match e {
            VerificationRequestError::Email(e) => e.into(),
            VerificationRequestError::Store(e) => e.into(),
        }
    }
}

impl From<crate::http::dto::InvalidMunicipality> for ApiError {
    fn from(e: crate::http::dto::InvalidMunicipality) -> Self {
        ApiError::unprocessable(ErrorCode::InvalidMunicipality, e.to_string())
    }
}

impl From<crate::http::dto::InvalidNewOffice> for ApiError {
    fn from(e: crate::http::dto::InvalidNewOffice) -> Self {
        ApiError::unprocessable(ErrorCode::InvalidConfiguration, e.to_string())
    }
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> Self {
        match e {
            UserError::Password(password) => password.into(),
            UserError::Busy(busy) => busy.into(),
            UserError::OperatorsOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::ForbiddenRole,
                e.to_string(),
            ),
            UserError::OperatorWithMunicipality => {
                ApiError::unprocessable(ErrorCode::InvalidMunicipality, e.to_string())
            }
            UserError::Store(store) => store.into(),
        }
    }
}

impl From<StatisticsError> for ApiError {
    fn from(e: StatisticsError) -> Self {
        match e {
            StatisticsError::InvalidRange => {
                ApiError::unprocessable(ErrorCode::InvalidRange, e.to_string())
            }
            StatisticsError::Store(store) => store.into(),
        }
    }
}

/// The online offers' lookup (shared by the requests that came together).
impl From<crate::usecases::errors::OfferError> for ApiError {
    fn from(e: crate::usecases::errors::OfferError) -> Self {
        use crate::usecases::errors::OfferError;
        match e {
            OfferError::Store(e) => match std::sync::Arc::try_unwrap(e) {
                Ok(e) => e.into(),
                Err(shared) => ApiError::from(&*shared),
            },
            OfferError::Publish(e) => ApiError::internal(&e),
        }
    }
}

/// When a refused display screen should try again (it reconnects by
/// itself).
const STREAM_RETRY_SECONDS: u32 = 30;

/// A waiting-room screen refused its stream (R28, issue #23).
impl From<crate::usecases::errors::ScreenError> for ApiError {
    fn from(e: crate::usecases::errors::ScreenError) -> Self {
        use crate::usecases::errors::ScreenError;
        match e {
            ScreenError::Store(e) => e.into(),
            ScreenError::AddressFull { per_address } => ApiError::too_many(
                ErrorCode::RateLimited,
                format!(
                    "this address has {per_address} display streams open already; \
                     close one first"
                ),
                STREAM_RETRY_SECONDS,
            ),
            ScreenError::ServerFull => ApiError::unavailable(
                ErrorCode::Busy,
                "the server holds all the display streams it may; try again shortly",
                STREAM_RETRY_SECONDS,
            ),
        }
    }
}
