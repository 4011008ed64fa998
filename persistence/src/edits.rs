//! Changes of an office's configuration that never silently strand a booking.

use crate::audit::{Audit, record};
use crate::bookings::future_bookings;
use crate::infra::locks;
use crate::{Booking, Store, StoreError, offices, statistics};
use domain::admin::{Orphaned, orphaned_bookings};
use domain::{DayTicketPolicy, Leika, OfficeEdit, OfficeId, Username, WeeklyHours};
use serde_json::{Value, json};
use std::sync::Arc;
use time::OffsetDateTime;
use time::macros::format_description;

/// A confirmed booking the changed configuration no longer holds, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphanedBooking {
    pub booking: Booking,
    pub reason: Orphaned,
}

/// The outcome of an applied change: the new configuration, and the bookings
/// it left stranded (only ever non-empty when the change was forced).
#[derive(Debug, Clone)]
pub struct OfficeChange {
    pub office: Arc<domain::Office>,
    pub orphaned: Vec<OrphanedBooking>,
}

impl Store {
    /// Applies `edit` to the configuration of `office`, atomically with
    /// respect to bookings: the office row is locked exclusively, so no
    /// booking decides on the old configuration while the new one is
    /// written, and every check of the edit runs under that lock.
    ///
    /// If confirmed future bookings would end up outside the hours, on a
    /// closed day, over the counters or over the contingent, the change is
    /// refused with [`StoreError::WouldOrphan`] listing them, unless `force`
    /// is set: then it is applied and they are returned (they stay confirmed;
    /// staff must contact those citizens).
    pub fn update_office(
        &self,
        office: &OfficeId,
        edit: &OfficeEdit,
        force: bool,
        actor: &Username,
        now: OffsetDateTime,
    ) -> Result<OfficeChange, StoreError> {
        let id = office.as_str();
        self.write(|conn| {
            let version = locks::lock_office(conn, id)?.ok_or(StoreError::UnknownOffice)?;
            let current = self.cached_office(conn, id, Some(version))?;
            // R30: the days gone by keep the capacity they had.
            statistics::freeze_past_days(conn, &current, now)?;
            let next = current.apply(edit)?;
            let bookings = future_bookings(conn, id, now)?;
            let keyed = bookings
                .iter()
                .map(Booking::active)
                .enumerate()
                .map(|(i, active)| Ok((i, active?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let orphaned: Vec<OrphanedBooking> = orphaned_bookings(&next, &keyed)
                .into_iter()
                .filter_map(|(i, reason)| {
                    bookings.get(i).map(|b| OrphanedBooking {
                        booking: b.clone(),
                        reason,
                    })
                })
                .collect();
            if !orphaned.is_empty() && !force {
                return Err(StoreError::WouldOrphan(orphaned));
            }
            offices::replace(conn, &next, version)?;
            let detail = json!({
                "edit": edit_detail(edit),
                "forced": force,
                "orphaned": orphaned
                    .iter()
                    .map(|o| json!({"booking": o.booking.id, "reason": o.reason}))
                    .collect::<Vec<_>>(),
            });
            let audit = Audit {
                office: Some(id),
                ..Audit::new(actor.as_str(), edit.action(), detail)
            };
            record(conn, &audit, now)?;
            Ok(OfficeChange {
                office: Arc::new(next),
                orphaned,
            })
        })
    }
}

fn hhmm(t: time::Time) -> Option<String> {
    t.format(format_description!("[hour]:[minute]")).ok()
}

fn hours_detail(hours: &WeeklyHours) -> Value {
    hours
        .0
        .iter()
        .map(|day| {
            day.iter()
                .map(|w| json!({"start": hhmm(w.start), "end": hhmm(w.end)}))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn policy_detail(p: &DayTicketPolicy) -> Value {
    json!({
        "held_back_counters": p.held_back_counters,
        "per_day": p.per_day,
        "online_from": hhmm(p.online_from),
        "staff_from": hhmm(p.staff_from),
        "weekdays": p.weekdays,
    })
}

/// What the audit log keeps of an edit: every value it sets, readable.
fn edit_detail(edit: &OfficeEdit) -> Value {
    match edit {
        // Every declared setting, in its serde form (`null`: kept).
        OfficeEdit::Settings(s) => serde_json::to_value(s).unwrap_or(Value::Null),
        OfficeEdit::Hours(hours) => json!({"hours": hours_detail(hours)}),
        OfficeEdit::SetDayTicket(p) => json!({"day_ticket": policy_detail(p)}),
        OfficeEdit::RemoveDayTicket => json!({"day_ticket": null}),
        OfficeEdit::AddService {
            id,
            name,
            minutes,
            requirements,
            note,
            leika,
        } => json!({
            "service": id, "name": name, "minutes": minutes, "requirements": requirements,
            "note": note, "leika": leika.as_ref().map(Leika::as_str),
        }),
        OfficeEdit::ChangeService { id, change } => {
            let mut detail = json!({
                "service": id, "name": change.name, "minutes": change.minutes, "active": change.active,
            });
            // R21, R22: only what the change touches, so that `null` reads
            // as removed, not as kept.
            if let Some(map) = detail.as_object_mut() {
                if let Some(list) = &change.requirements {
                    map.insert("requirements".into(), json!(list));
                }
                if let Some(note) = &change.note {
                    map.insert("note".into(), json!(note));
                }
                if let Some(key) = &change.leika {
                    map.insert("leika".into(), json!(key.as_ref().map(Leika::as_str)));
                }
            }
            detail
        }
        OfficeEdit::RetireService(id) => json!({"service": id}),
        OfficeEdit::AddClosure { date, reason } => {
            json!({"date": date.to_string(), "reason": reason})
        }
        OfficeEdit::RemoveClosure(date) => json!({"date": date.to_string()}),
    }
}
