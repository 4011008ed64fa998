//! The audit log: who changed what, written in the transaction of the change.

use crate::Booking;
use crate::infra::codec::{corrupt, from_db, parse, to_db};
use crate::infra::connection::DbConnection;
use crate::infra::schema::audit_log;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{AuditAction, MunicipalityId, ServiceId, Username};
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
    /// R39: whose admins see it; `None`: operators only.
    pub municipality: Option<String>,
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
    municipality: Option<String>,
}

/// What an audit entry records.
#[derive(Debug, Clone)]
pub(crate) struct Audit<'a> {
    pub actor: &'a str,
    pub action: AuditAction,
    pub office: Option<&'a str>,
    pub booking: Option<uuid::Uuid>,
    pub detail: serde_json::Value,
    /// R39: whose admins see the entry; where `None` and an office is
    /// named, the office's municipality.
    pub municipality: Option<&'a str>,
}

impl<'a> Audit<'a> {
    pub fn new(actor: &'a str, action: AuditAction, detail: serde_json::Value) -> Self {
        Self {
            actor,
            action,
            office: None,
            booking: None,
            detail,
            municipality: None,
        }
    }
}

/// Writes `audit` in the caller's transaction.
pub(crate) fn record(
    conn: &mut DbConnection,
    audit: &Audit<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    use crate::infra::schema::offices;
    let municipality = match (audit.municipality, audit.office) {
        (Some(m), _) => Some(m.to_owned()),
        (None, Some(office)) => offices::table
            .find(office)
            .select(offices::municipality)
            .first::<String>(conn)
            .optional()?,
        (None, None) => None,
    };
    diesel::insert_into(audit_log::table)
        .values(AuditRow {
            id: uuid::Uuid::now_v7().to_string(),
            at: to_db(now),
            actor: audit.actor.to_owned(),
            action: audit.action.as_str().to_owned(),
            office_id: audit.office.map(str::to_owned),
            booking_id: audit.booking.map(|id| id.to_string()),
            detail: audit.detail.to_string(),
            municipality,
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
        municipality: r.municipality,
    })
}

impl Store {
    /// The newest `limit` audit entries, newest first.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_log_of(None, limit)
    }

    /// R39: the newest `limit` entries `municipality` sees (`None`: all).
    pub fn audit_log_of(
        &self,
        municipality: Option<&MunicipalityId>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conn = self.conn()?;
        let mut query = audit_log::table
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(i64::from(limit))
            .select(AuditRow::as_select())
            .into_boxed();
        if let Some(m) = municipality {
            query = query.filter(audit_log::municipality.eq(m.as_str()));
        }
        let rows: Vec<AuditRow> = query.load(&mut *conn)?;
        rows.into_iter().map(entry).collect()
    }
}
