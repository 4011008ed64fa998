//! The 07:00 rush (R15, I2): once a day's Tagestickets are gone, a request
//! for one is refused from data read without any lock, so hundreds of
//! refusals do not queue behind the office-day lock. The locked transaction
//! stays the only authority for a yes: a ticket freed after this read (a
//! cancellation, an expired hold) is found by the next request.

use crate::Store;
use crate::StoreError;
use crate::occupancy::active_bookings;
use domain::{Occupancy, OfficeId};
use time::{Date, OffsetDateTime};

impl Store {
    /// Whether `office`'s Tagestickets of `day` are all taken at `now`
    /// (bookings and live holds, I5), read without a lock. `false` when in
    /// doubt (an unknown office, no contingent that day): the locked
    /// transaction then decides and says why.
    pub(crate) fn day_tickets_gone(
        &self,
        office: &OfficeId,
        day: Date,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let config = match self.cached_office(&mut conn, office.as_str(), None) {
            Ok(config) => config,
            Err(StoreError::UnknownOffice) => return Ok(false),
            Err(e) => return Err(e),
        };
        let Some(policy) = config.day_ticket_on(day) else {
            return Ok(false);
        };
        let active = active_bookings(&mut conn, office.as_str(), (day, day), now, None)?;
        Ok(policy.exhausted(&Occupancy::from_bookings(&active), day))
    }
}

#[cfg(all(test, feature = "test-support"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use crate::infra::locks;
    use crate::test_support::fixtures::*;
    use crate::test_support::{TestDb, postgres, sqlite};
    use crate::{NewBooking, Store, StoreError};
    use diesel::Connection;
    use domain::{BookingError, BookingKind, Channel, Citizen};
    use std::sync::mpsc;
    use std::time::Duration;
    use time::macros::datetime;

    fn ticket(n: i64) -> NewBooking {
        NewBooking {
            office: office_id("buergerbuero"),
            services: services(&["ausweis-abholung"]),
            start: datetime!(2026-11-30 10:30 +01:00) + time::Duration::minutes(5 * (n % 12)),
            kind: BookingKind::DayTicket,
            channel: Channel::Desk,
            citizen: Citizen::new("Max Mustermann", Some(&format!("m{n}@example.org")), None)
                .unwrap(),
            created_by: None,
            challenge: None,
            contact_token: None,
            idempotency_key: None,
        }
    }

    /// R15, I2: with the contingent gone, a refusal waits for no lock: it is
    /// answered while another transaction holds that office day's lock.
    fn r15_an_exhausted_day_refuses_without_waiting_for_the_day_lock(db: TestDb) {
        let store = Store::open(db.url()).unwrap();
        let relax = without_fair_use();
        let admin = domain::Username::parse("chefin").unwrap();
        store
            .update_office(&office_id("buergerbuero"), &relax, false, &admin, MONDAY_10)
            .unwrap();
        for n in 0..12 {
            store.book(&ticket(n), MONDAY_10).unwrap();
        }
        // Another connection takes the day's lock and keeps it until told.
        let (locked_tx, locked_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let holder = Store::open(db.url()).unwrap();
        let thread = std::thread::spawn(move || {
            let mut conn = holder.conn().unwrap();
            conn.transaction::<_, StoreError, _>(|c| {
                locks::lock_day(c, "buergerbuero", datetime!(2026-11-30 00:00 UTC).date())?;
                locked_tx.send(()).unwrap();
                // Released when the booking below has answered, or after
                // 20 s if it waits for this lock (then the test fails).
                let waited = release_rx.recv_timeout(Duration::from_secs(20)).is_err();
                Ok(waited)
            })
            .unwrap()
        });
        locked_rx.recv().unwrap();
        let refused = store.book(&ticket(12), MONDAY_10);
        release_tx.send(()).ok();
        let held_until_timeout = thread.join().unwrap();
        assert!(
            matches!(
                refused,
                Err(StoreError::Rule(BookingError::DayTicketsExhausted))
            ),
            "{refused:?}"
        );
        assert!(!held_until_timeout, "the refusal waited for the day lock");
    }

    #[test]
    fn r15_an_exhausted_day_refuses_without_waiting_for_the_day_lock_sqlite() {
        r15_an_exhausted_day_refuses_without_waiting_for_the_day_lock(sqlite());
    }

    #[test]
    #[ignore = "needs PostgreSQL"]
    fn r15_an_exhausted_day_refuses_without_waiting_for_the_day_lock_postgres() {
        r15_an_exhausted_day_refuses_without_waiting_for_the_day_lock(
            postgres().expect("TEST_DATABASE_URL"),
        );
    }
}
