//! A day at the office for staff (R11): the appointments with personal
//! data.

use super::Actor;
use crate::state::AppState;
use domain::{Berlin, OfficeId};
use persistence::{Booking, StoreError};
use time::Date;

/// The office's appointments on `date` (default today), by start, cancelled
/// ones included; of an office the user acts on (R29).
pub async fn appointments(
    state: &AppState,
    actor: Actor,
    office: OfficeId,
    date: Option<Date>,
) -> Result<Vec<Booking>, StoreError> {
    actor.acts_on(&office)?;
    state
        .call(move |store, now| {
            store.day_appointments(&office, date.unwrap_or_else(|| Berlin::today(now)))
        })
        .await
}
