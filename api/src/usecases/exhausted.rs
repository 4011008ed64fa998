//! R15, I2, issue #13: the 07:00 rush refused in this process. Once the
//! store has said that an office's Tagestickets of today are gone, that
//! answer is kept with the stamp of the day read *before* it was asked
//! (`persistence::OfferStamp`: the configuration's version, the day's
//! version, the first expiry of a live hold). A later attempt reads the
//! stamp (shared with the attempts that arrive with it, `crate::usecases::coalesce`)
//! and, while it is unchanged, is refused without asking the store again:
//! no connection held for the refusal, no read of the day's bookings.
//!
//! Why that is safe: a day's version rises with every committed change of
//! its occupancy and never comes back (a rolled-back transaction leaves it
//! as it was), and a hold that expires frees its ticket without a write only
//! after `holds_until`. So an unchanged stamp means the occupancy the store
//! judged, and a ticket freed since (a cancellation, a released or expired
//! hold, a larger contingent) changes the stamp. The locked transaction in
//! the store stays the only authority for a yes.

use persistence::OfferStamp;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use time::{Date, OffsetDateTime};

#[derive(Debug, Default)]
pub struct ExhaustedDays {
    /// Office id and day → the stamp read before the store said "gone".
    days: Mutex<HashMap<(String, Date), OfferStamp>>,
}

impl ExhaustedDays {
    /// Whether `office`'s Tagestickets of `day` are known to be gone at
    /// `now`, `stamp` being the day's stamp read for this request.
    pub fn gone(&self, office: &str, day: Date, stamp: &OfferStamp, now: OffsetDateTime) -> bool {
        let days = self.days.lock().unwrap_or_else(PoisonError::into_inner);
        days.get(&(office.to_owned(), day))
            .is_some_and(|known| known.still_holds(stamp, now))
    }

    /// Keeps that the store refused `office`'s Tagestickets of `day` as
    /// gone, `stamp` having been read before it was asked. Entries of other
    /// days are dropped: only today's rush matters.
    pub fn remember(&self, office: &str, day: Date, stamp: OfferStamp) {
        let mut days = self.days.lock().unwrap_or_else(PoisonError::into_inner);
        days.retain(|(_, d), _| *d == day);
        days.insert((office.to_owned(), day), stamp);
    }
}
