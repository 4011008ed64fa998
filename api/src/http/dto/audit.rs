//! The audit log as admins read it.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The staff user (or `system`).
    pub actor: String,
    /// E.g. `booking.create`, `booking.cancel`, `office.hours`,
    /// `office.closure.add`, `user.create`.
    pub action: String,
    #[schema(required = true)]
    pub office: Option<String>,
    #[schema(required = true)]
    pub booking: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<persistence::AuditEntry> for AuditEntryDto {
    fn from(e: persistence::AuditEntry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action.as_str().to_owned(),
            office: e.office,
            booking: e.booking,
            detail: e.detail,
        }
    }
}
