//! The opening of every locked write on an office's days (book, hold,
//! confirm a hold, move), written once (a retry's first answer is found
//! before, by `idempotency::retried`): the days locked in date order; the office read
//! at the version the lock saw; for a new appointment the draw check of a
//! Tagesticket (R27) and the selection of services.

use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::{Store, StoreError};
use domain::{BookingError, BookingKind, Office, Selection, ServiceId};
use std::sync::Arc;
use time::{Date, OffsetDateTime};

impl Store {
    /// Locks `days` of `office_id` in date order (so two writes never wait
    /// on each other crosswise; I1) and reads the office at the version the
    /// lock saw: an admin change of the office waits for this write, or this
    /// write sees it.
    pub(crate) fn lock_office_days(
        &self,
        conn: &mut DbConnection,
        office_id: &str,
        days: &[Date],
    ) -> Result<Arc<Office>, StoreError> {
        let mut days = days.to_vec();
        days.sort_unstable();
        days.dedup();
        let mut version = None;
        for day in days {
            version = locks::lock_day(conn, office_id, day)?;
        }
        let version = version.ok_or_else(|| BookingError::UnknownOffice(office_id.to_owned()))?;
        self.cached_office(conn, office_id, Some(version))
    }

    /// The opening of a write that adds an appointment (a booking, a hold)
    /// of `kind` on `day`: the day locked, the office at its locked version,
    /// the draw check of a Tagesticket, and the selection of `services`.
    pub(crate) fn open_appointment(
        &self,
        conn: &mut DbConnection,
        (office_id, day): (&str, Date),
        kind: BookingKind,
        services: &[ServiceId],
        now: OffsetDateTime,
    ) -> Result<(Arc<Office>, Selection), StoreError> {
        let office = self.lock_office_days(conn, office_id, &[day])?;
        if kind == BookingKind::DayTicket {
            self.check_drawn(conn, &office, now)?;
        }
        let selection = Selection::new(&office, services)?;
        Ok((office, selection))
    }
}
