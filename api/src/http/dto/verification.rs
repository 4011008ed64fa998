//! Verified contacts (R33): asking for a code and entering it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// An address to verify.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "erika@example.org"}))]
pub struct VerificationRequestDto {
    pub email: String,
}

/// A code is on its way: enter it at `POST /api/v1/verifications/{id}/confirm`
/// before `expires_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

/// The code as the message gave it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "482913"}))]
pub struct CodeDto {
    /// Six digits.
    pub code: String,
}

/// The proof of the mailbox: send it as `X-Contact-Token`. Shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactTokenDto {
    /// 256 bits, hex.
    pub contact_token: String,
    /// The address as entered.
    pub email: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

impl From<persistence::ContactToken> for ContactTokenDto {
    fn from(t: persistence::ContactToken) -> Self {
        Self {
            contact_token: t.token,
            email: t.email,
            expires_at: t.expires_at,
        }
    }
}
