//! Changes of an office's configuration that never silently strand a booking.

use crate::bookings::{active, future_bookings};
use crate::staff::{Audit, record};
use crate::{Booking, Store, StoreError, offices};
use domain::admin::{Orphaned, orphaned_bookings};
use domain::{Office, OfficeId};
use std::sync::Arc;
use time::OffsetDateTime;

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
    pub office: Arc<Office>,
    pub orphaned: Vec<OrphanedBooking>,
}

impl Store {
    /// Applies `change` to the configuration of `office`, atomically with
    /// respect to bookings: the office row is locked exclusively, so no
    /// booking decides on the old configuration while the new one is written.
    ///
    /// If confirmed future bookings would end up outside the hours, on a
    /// closed day, over the counters or over the contingent, the change is
    /// refused with [`StoreError::WouldOrphan`] listing them, unless `force`
    /// is set: then it is applied and they are returned (they stay confirmed;
    /// staff must contact those citizens). Errors of `change` itself are
    /// passed through. An office that does not exist is `UnknownOffice`.
    pub fn update_office(
        &self,
        office: &OfficeId,
        change: &dyn Fn(&mut Office) -> Result<(), StoreError>,
        force: bool,
        audit: &Audit<'_>,
        now: OffsetDateTime,
    ) -> Result<OfficeChange, StoreError> {
        let id = office.as_str();
        self.write(|conn| {
            let version = offices::lock_office(conn, id)?.ok_or(StoreError::UnknownOffice)?;
            let current = self.cached_office(conn, id, Some(version))?;
            let mut next = (*current).clone();
            change(&mut next)?;
            next.validate()?;
            let bookings = future_bookings(conn, id, now)?;
            let keyed: Vec<(usize, _)> = bookings.iter().map(active).enumerate().collect();
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
            let mut detail = audit.detail.clone();
            if let Some(map) = detail.as_object_mut() {
                map.insert("forced".into(), force.into());
                map.insert(
                    "orphaned".into(),
                    orphaned
                        .iter()
                        .map(|o| serde_json::json!({"booking": o.booking.id, "reason": o.reason}))
                        .collect(),
                );
            }
            record(
                conn,
                &Audit {
                    detail,
                    office: Some(id),
                    ..audit.clone()
                },
                now,
            )?;
            Ok(OfficeChange {
                office: Arc::new(next),
                orphaned: orphaned.clone(),
            })
        })
    }
}
