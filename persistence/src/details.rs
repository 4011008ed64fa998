//! The services of a booking as its office describes them now (R21, R22):
//! what to bring, the note and the key come from the office's current
//! configuration, so a booking shows what the office asks for today; the
//! minutes are the ones booked, which a later change of a duration does not
//! alter.

use crate::StoreError;
use crate::infra::codec::{corrupt, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::schema::{booking_services, services};
use crate::offices::ServiceRow;
use diesel::prelude::*;
use domain::Service;
use std::collections::HashMap;

/// One service of a booking, in the booked order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedService {
    /// The service as the office configures it now (its `minutes` are
    /// today's duration, which new bookings get).
    pub service: Service,
    /// The minutes it takes in this booking.
    pub minutes: u32,
}

/// The services of each booking of `ids`, in booked order, by booking id.
pub(crate) fn of_bookings(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<String, Vec<BookedService>>, StoreError> {
    let mut booked: HashMap<String, Vec<BookedService>> = HashMap::new();
    // Bounded batches keep the bind parameters under SQLite's limit.
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, i32, Option<ServiceRow>)> = booking_services::table
            .left_join(
                services::table.on(services::office_id
                    .eq(booking_services::office_id)
                    .and(services::id.eq(booking_services::service_id))),
            )
            .filter(booking_services::booking_id.eq_any(chunk))
            .order((booking_services::booking_id, booking_services::position))
            .select((
                booking_services::booking_id,
                booking_services::service_id,
                booking_services::minutes,
                Option::<ServiceRow>::as_select(),
            ))
            .load(conn)?;
        for (booking, service_id, minutes, row) in rows {
            // Services are retired, never deleted: a booking's service is
            // always there.
            let row = row.ok_or_else(|| {
                corrupt(format!(
                    "booking {booking} names a missing service `{service_id}`"
                ))
            })?;
            booked.entry(booking).or_default().push(BookedService {
                service: row.to_service()?,
                minutes: to_u32(minutes, "booking_services.minutes")?,
            });
        }
    }
    Ok(booked)
}
