//! Storage of the offices' configuration and the bookings, on SQLite or
//! PostgreSQL, chosen by the database URL (docs/ARCHITECTURE.md).
//!
//! Overbooking is impossible by construction: every booking is one
//! transaction that first locks its office day ([`locks`]), then builds the
//! day's occupancy from the confirmed bookings and lets
//! [`domain::validate_booking`] decide, and only then inserts. Capacity is
//! never stored apart from the bookings, so a change of hours, counters or
//! contingent by an admin needs no ledger migration and loses nothing.
//! A hold ([`holds`], R19) is a row that counts like a booking until it
//! expires; a move ([`moves`], R20) re-checks the booking at its new start
//! with its own capacity counted as free, in one transaction.

mod audit;
mod bookings;
mod cancels;
mod challenges;
mod contacts;
mod counter;
mod details;
mod draw_run;
mod draws;
mod edits;
mod holds;
mod infra;
mod lookups;
mod moves;
mod municipalities;
mod occupancy;
mod offer;
mod offices;
mod outbox;
mod retention;
mod rush;
mod staff;
mod statistics;
#[cfg(feature = "test-support")]
pub mod test_support;
mod verifications;
mod wishes;

pub use audit::AuditEntry;
pub use bookings::{
    Booking, CancelAuth, CounterSteps, CreatedBooking, IdempotencyKey, NewBooking, Step,
};
pub use challenges::SolvedChallenge;
pub use counter::{Call, Queue};
pub use details::BookedService;
pub use draws::{CreatedRequest, DayTicketRequest, DrawRecord, NewDayTicketRequest};
pub use edits::{OfficeChange, OrphanedBooking};
pub use holds::{CreatedHold, Hold, NewHold};
pub use infra::connection::{Backend, DbConnection, Target};
pub use infra::idempotency::KEY_LIFETIME as IDEMPOTENCY_KEY_LIFETIME;
pub use infra::store::Store;
pub use moves::{MoveAuth, MoveRequest};
pub use offer::{OfferStamp, OfferVersion};
pub use outbox::{ClaimedMessage, Message};
pub use retention::HeldData;
pub use staff::{NewUser, StaffUser, UserChange};
pub use verifications::{ClaimedCode, Contact, ContactToken, NewVerification};
pub use wishes::{CreatedWish, NewWish, Wish};

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::{BookingError, CancelError, EditError, HoldError, MoveError};

/// What can go wrong in the store. Rule violations carry the domain's error;
/// each variant has one meaning, and the API maps each in one place.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    InvalidUrl(String),
    #[error("the database cannot be reached: {0}")]
    Unavailable(String),
    /// The office addressed does not exist.
    #[error("no such office")]
    UnknownOffice,
    /// No booking has this id (or the token does not fit), or this code.
    #[error("no such booking")]
    UnknownBooking,
    /// No message has this id (or another sender claimed it).
    #[error("no such message")]
    UnknownMessage,
    #[error("no such staff user")]
    UnknownUser,
    /// R39: the municipality addressed (in the path) does not exist, or
    /// the user may not see it.
    #[error("no such municipality")]
    UnknownMunicipality,
    /// R39: a body names a municipality that does not exist.
    #[error("there is no municipality `{0}`")]
    UnknownMunicipalityNamed(String),
    #[error("a municipality of that id exists")]
    MunicipalityExists,
    #[error("an office of that id exists (office ids are unique across municipalities)")]
    OfficeExists,
    #[error(transparent)]
    Municipality(#[from] domain::MunicipalityError),
    /// R33: no verification has this id.
    #[error("no such verification")]
    UnknownVerification,
    /// R33: a code not taken.
    #[error(transparent)]
    Verification(#[from] domain::VerificationError),
    /// R33: the mailbox had its codes of the hour; seconds until the next.
    #[error("this mailbox was sent codes enough this hour; try again in {0} s")]
    CodeLimit(u64),
    /// R35: no wish has this id (or the token does not fit).
    #[error("no such wish")]
    UnknownWish,
    /// R35: the window of a wish is refused.
    #[error(transparent)]
    Wish(#[from] domain::WishError),
    /// R35: the mailbox has a live wish at this office.
    #[error("this e-mail address has a wish at this office already")]
    WishLimit,
    /// No request for the Tagesticket draw has this id (or the token does
    /// not fit, R27).
    #[error("no such request")]
    UnknownRequest,
    /// Internal: a Tagesticket transaction met today's draw due but not
    /// run (R27); the store runs it and tries again, callers never see it.
    #[error("the Tagesticket draw of today has to run first")]
    DrawDue,
    #[error(transparent)]
    Rule(#[from] BookingError),
    #[error(transparent)]
    Cancel(#[from] CancelError),
    #[error(transparent)]
    Hold(#[from] HoldError),
    #[error(transparent)]
    Move(#[from] MoveError),
    #[error(transparent)]
    Counter(#[from] domain::CounterError),
    /// R28: no one checked in is waiting.
    #[error("no one checked in is waiting")]
    QueueEmpty,
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("a staff user of that name exists")]
    UsernameTaken,
    /// The `Idempotency-Key` was used with another request.
    #[error("this idempotency key was used for another request")]
    IdempotencyKeyReused,
    #[error("the change would leave {} confirmed booking(s) outside the hours or over capacity", .0.len())]
    WouldOrphan(Vec<OrphanedBooking>),
    #[error("the database is busy; try again")]
    Busy,
    #[error("the database migration failed: {0}")]
    Migration(String),
    #[error("stored data does not fit the rules: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] DieselError),
}

impl StoreError {
    /// A busy database or a lost serialization race: worth another attempt.
    fn is_transient(&self) -> bool {
        match self {
            StoreError::Database(DieselError::DatabaseError(kind, info)) => {
                let message = info.message();
                matches!(kind, DatabaseErrorKind::SerializationFailure)
                    || message.contains("deadlock detected")
                    || message.contains("database is locked")
                    || message.contains("database table is locked")
            }
            _ => false,
        }
    }

    fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Database(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}
