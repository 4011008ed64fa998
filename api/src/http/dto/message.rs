//! The outbox as admins read it (R23): no address, no text, no secret.

use super::{MessageKindDto, MessageStatusDto};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A message to a citizen in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDto {
    pub id: String,
    /// The booking it is about.
    pub booking: String,
    pub kind: MessageKindDto,
    pub status: MessageStatusDto,
    /// The booking's sequence when queued.
    pub sequence: u32,
    /// When it is (or was) due; after a failure, the next attempt.
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The last failure, as the mail server said it (addresses removed).
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

impl From<persistence::Message> for MessageDto {
    fn from(m: persistence::Message) -> Self {
        Self {
            id: m.id.to_string(),
            booking: m.booking.to_string(),
            kind: m.kind.into(),
            status: m.status.into(),
            sequence: m.sequence,
            due_at: m.due_at,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}
