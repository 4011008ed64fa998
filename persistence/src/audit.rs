//! The audit log: who changed what, written in the transaction of the change.

use crate::Booking;
use crate::infra::codec::{corrupt, from_db, parse, to_db};
use crate::infra::connection::DbConnection;
use crate::infra::schema::audit_log;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{AuditAction, ServiceId, Username};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The actor of changes the system makes itself (`TERMIN_BOOTSTRAP_ADMIN`).
pub(crate) const SYSTEM: &str = "system";

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: String,
    pub at: OffsetDateTime,
    /// A staff username, or `system`.
    pub actor: String,
    pub action: AuditAction,
    pub office: Option<String>,
    pub booking: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    id: String,
    at: time::PrimitiveDateTime,
    actor: String,
    action: String,
    office_id: Option<String>,
    booking_id: Option<String>,
    detail: String,
}

/// What an audit entry records.
#[derive(Debug, Clone)]
pub(crate) struct Audit<'a> {
    pub actor: &'a str,
    pub action: AuditAction,
    pub office: Option<&'a str>,
    pub booking: Option<uuid::Uuid>,
    pub detail: serde_json::Value,
}

impl<'a> Audit<'a> {
    pub fn new(actor: &'a str, action: AuditAction, detail: serde_json::Value) -> Self {
        Self {
            actor,
            action,
            office: None,
            booking: None,
            detail,
        }
    }
}

/// Writes `audit` in the caller's transaction.
pub(crate) fn record(
    conn: &mut DbConnection,
    audit: &Audit<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(audit_log::table)
        .values(AuditRow {
            id: uuid::Uuid::now_v7().to_string(),
            at: to_db(now),
            actor: audit.actor.to_owned(),
            action: audit.action.as_str().to_owned(),
            office_id: audit.office.map(str::to_owned),
            booking_id: audit.booking.map(|id| id.to_string()),
            detail: audit.detail.to_string(),
        })
        .execute(conn)?;
    Ok(())
}

/// The audit entry of a staff action on a booking.
pub(crate) fn booking_audit<'a>(
    actor: &'a Username,
    action: AuditAction,
    b: &'a Booking,
) -> Audit<'a> {
    let detail = match action {
        AuditAction::BookingCreate => serde_json::json!({
            "code": b.code.as_str(),
            "channel": b.channel,
            "kind": b.kind,
            "start": b.start.format(&Rfc3339).ok(),
            "services": b.services.iter().map(ServiceId::as_str).collect::<Vec<_>>(),
        }),
        AuditAction::BookingMove => serde_json::json!({
            "code": b.code.as_str(),
            "from": b.previous_start.and_then(|s| s.format(&Rfc3339).ok()),
            "start": b.start.format(&Rfc3339).ok(),
            "services": b.services.iter().map(ServiceId::as_str).collect::<Vec<_>>(),
        }),
        AuditAction::BookingCall => serde_json::json!({
            "code": b.code.as_str(),
            "counter": b.counter.counter,
        }),
        _ => serde_json::json!({"code": b.code.as_str()}),
    };
    Audit {
        office: Some(b.office.as_str()),
        booking: Some(b.id),
        ..Audit::new(actor.as_str(), action, detail)
    }
}

/// R31 (Art. 15): the audit entries about booking `id`, oldest first.
pub(crate) fn entries_of(conn: &mut DbConnection, id: &str) -> Result<Vec<AuditEntry>, StoreError> {
    let rows: Vec<AuditRow> = audit_log::table
        .filter(audit_log::booking_id.eq(id))
        .order((audit_log::at, audit_log::id))
        .select(AuditRow::as_select())
        .load(conn)?;
    rows.into_iter().map(entry).collect()
}

fn entry(r: AuditRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        action: parse(&r.action)?,
        detail: serde_json::from_str(&r.detail).map_err(corrupt)?,
        id: r.id,
        at: from_db(r.at),
        actor: r.actor,
        office: r.office_id,
        booking: r.booking_id,
    })
}

impl Store {
    /// The newest `limit` audit entries, newest first.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<AuditRow> = audit_log::table
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(i64::from(limit))
            .select(AuditRow::as_select())
            .load(&mut *conn)?;
        rows.into_iter().map(entry).collect()
    }
}
