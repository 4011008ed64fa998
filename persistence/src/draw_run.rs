//! R27: the draw of one office day, in the caller's transaction (see
//! `draws` for the requests and when the draw runs).

use crate::bookings::{Accept, insert_accepted};
use crate::draws::{RequestRow, drawn};
use crate::infra::codec::{to_db, to_i32};
use crate::infra::connection::DbConnection;
use crate::infra::schema::{day_ticket_draws, day_ticket_requests};
use crate::occupancy::active_bookings;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    BookingKind, BookingRequest, Channel, DrawEntry, Occupancy, Office, OfficeId, RequestStatus,
    SEED_BYTES, Selection, draw_due, run_draw, validate_booking,
};
use rand::Rng;
use time::{Date, OffsetDateTime};

impl Store {
    /// R27: runs the draws due at `now` at every office (the server's sweep,
    /// so a draw runs at the release even if no one asks).
    pub fn run_due_draws(&self, now: OffsetDateTime) -> Result<u32, StoreError> {
        let mut ran = 0;
        for office in self.offices()? {
            if self.draw_if_due_at(&office, now)? {
                ran += 1;
            }
        }
        Ok(ran)
    }

    /// R27: runs the draw of `office` if it is due at `now` and has not run;
    /// `true` if this call ran it. An unknown office has none.
    pub fn draw_if_due(&self, office: &OfficeId, now: OffsetDateTime) -> Result<bool, StoreError> {
        let config = match self.office(office) {
            Ok(config) => config,
            Err(StoreError::UnknownOffice) => return Ok(false),
            Err(e) => return Err(e),
        };
        self.draw_if_due_at(&config, now)
    }

    /// [`Store::draw_if_due`] for an office whose configuration the caller
    /// has read (the sweep reads every office's in one list).
    fn draw_if_due_at(&self, config: &Office, now: OffsetDateTime) -> Result<bool, StoreError> {
        let office = &config.id;
        let Some(day) = draw_due(config, now) else {
            return Ok(false);
        };
        if self.known_drawn(office.as_str(), day) {
            return Ok(false);
        }
        let ran = self.write(|conn| draw(self, conn, office.as_str(), day, now))?;
        self.remember_drawn(office.as_str(), day);
        if ran {
            tracing::info!(office = %office, %day, "Tagesticket draw run");
        }
        Ok(ran)
    }
}

/// The draw itself, in the caller's transaction: lock the day, stop if it
/// was drawn, draw a seed, assign, book the winners, record.
pub(crate) fn draw(
    store: &Store,
    conn: &mut DbConnection,
    office_id: &str,
    day: Date,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    // The opening of every locked write (`unit`): the day locked, the
    // office at the version the lock saw.
    let office = store.lock_office_days(conn, office_id, &[day])?;
    if drawn(conn, office_id, day)? {
        return Ok(false);
    }
    let seed: [u8; SEED_BYTES] = rand::rng().random();
    let rows: Vec<RequestRow> = day_ticket_requests::table
        .filter(day_ticket_requests::office_id.eq(office_id))
        .filter(day_ticket_requests::local_day.eq(day))
        .filter(day_ticket_requests::status.eq(RequestStatus::Pending.as_str()))
        .order(day_ticket_requests::id)
        .select(RequestRow::as_select())
        .load(conn)?;
    // A request whose services are no longer offered takes no part.
    let mut selections = Vec::with_capacity(rows.len());
    for row in &rows {
        selections.push(Selection::new(&office, &row.services()?).ok());
    }
    let windows = rows
        .iter()
        .map(RequestRow::window)
        .collect::<Result<Vec<_>, _>>()?;
    let entries: Vec<(usize, DrawEntry<'_>)> = rows
        .iter()
        .zip(&selections)
        .zip(&windows)
        .enumerate()
        .filter_map(|(i, ((row, selection), window))| {
            selection.as_ref().map(|selection| {
                (
                    i,
                    DrawEntry {
                        id: &row.id,
                        selection,
                        window: *window,
                    },
                )
            })
        })
        .collect();
    let active = active_bookings(conn, office_id, (day, day), now, None)?;
    let mut occupancy = Occupancy::from_bookings(&active);
    let drawn_entries: Vec<DrawEntry<'_>> = entries.iter().map(|(_, e)| e.clone()).collect();
    let won = run_draw(&office, now, &seed, &drawn_entries, &occupancy);
    let mut outcome: Vec<Option<domain::Slot>> = vec![None; rows.len()];
    for ((i, _), slot) in entries.iter().zip(won) {
        outcome[*i] = slot;
    }
    let mut winners = 0;
    for ((row, selection), slot) in rows.iter().zip(&selections).zip(outcome) {
        let (status, booking) = match (selection, slot) {
            (Some(selection), Some(slot)) => {
                // The same rules as any Tagesticket booking decide once more
                // (I1, I2): the draw only chose the order.
                let accepted = validate_booking(
                    &office,
                    &BookingRequest {
                        selection: selection.clone(),
                        start: slot.start,
                        kind: BookingKind::DayTicket,
                        channel: Channel::Online,
                    },
                    now,
                    &occupancy,
                )?;
                occupancy.add(&domain::ActiveBooking {
                    start: accepted.start,
                    minutes: selection.minutes(),
                    pool: accepted.pool,
                });
                let token = store.new_token();
                let booking = insert_accepted(
                    conn,
                    &Accept {
                        office: &office,
                        selection,
                        accepted: &accepted,
                        kind: BookingKind::DayTicket,
                        channel: Channel::Online,
                        citizen: &row.citizen()?,
                        created_by: None,
                    },
                    &token,
                    now,
                )?;
                winners += 1;
                // Kept until the citizen fetches it, sealed as a message's
                // token is (R23): the database alone does not give it away.
                let id = booking.id.to_string();
                let sealed = token.sealed_for(&id)?;
                (RequestStatus::Won, Some((id, sealed)))
            }
            _ => (RequestStatus::Lost, None),
        };
        diesel::update(day_ticket_requests::table.find(&row.id))
            .set((
                day_ticket_requests::status.eq(status.as_str()),
                day_ticket_requests::booking_id.eq(booking.as_ref().map(|(id, _)| id.clone())),
                day_ticket_requests::booking_token.eq(booking.map(|(_, token)| token)),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(day_ticket_draws::table)
        .values((
            day_ticket_draws::office_id.eq(office_id),
            day_ticket_draws::local_day.eq(day),
            day_ticket_draws::seed.eq(hex::encode(seed)),
            day_ticket_draws::drawn_at.eq(to_db(now)),
            day_ticket_draws::requests.eq(to_i32(rows.len())),
            day_ticket_draws::winners.eq(winners),
        ))
        .execute(conn)?;
    Ok(true)
}

#[cfg(all(test, feature = "test-support"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use crate::Store;
    use crate::draws::NewDayTicketRequest;
    use crate::on_both_backends;
    use crate::test_support::TestDb;
    use crate::test_support::fixtures::*;
    use domain::Citizen;
    use domain::{DayTicketRelease, OfficeEdit, SettingsChange, Username};
    use time::macros::datetime;

    fn drawing_store(db: &TestDb) -> Store {
        let store = Store::open(db.url()).unwrap();
        let admin = Username::parse("chefin").unwrap();
        store
            .update_office(
                &office_id("buergerbuero"),
                &without_fair_use(),
                false,
                &admin,
                MONDAY_10,
            )
            .unwrap();
        let draw = OfficeEdit::Settings(SettingsChange {
            day_ticket_release: Some(DayTicketRelease::Draw),
            ..SettingsChange::default()
        });
        store
            .update_office(&office_id("buergerbuero"), &draw, false, &admin, MONDAY_10)
            .unwrap();
        store
    }

    /// R27: two stores (two processes' pools) on one database, four threads
    /// each, all asking at the release: one draw, its winners booked once.
    fn r27_the_draw_runs_exactly_once_with_two_stores_racing(db: &TestDb) {
        let stores = [drawing_store(db), Store::open(db.url()).unwrap()];
        for n in 0..30 {
            let citizen = Citizen::new(
                &format!("Bürger {n}"),
                Some(&format!("b{n}@example.org")),
                None,
            )
            .unwrap();
            stores[n % 2]
                .request_day_ticket(
                    &NewDayTicketRequest {
                        office: office_id("buergerbuero"),
                        services: services(&["ausweis-abholung"]),
                        citizen,
                        window: None,
                        challenge: None,
                        contact_token: None,
                    },
                    datetime!(2026-11-30 06:45 +01:00),
                )
                .unwrap();
        }
        let at = datetime!(2026-11-30 07:00 +01:00);
        let ran: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let store = &stores[i % 2];
                    s.spawn(move || store.draw_if_due(&office_id("buergerbuero"), at).unwrap())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(ran, 1, "exactly one of eight ran the draw");
        let record = stores[0]
            .draw_record(&office_id("buergerbuero"), at.date())
            .unwrap()
            .unwrap();
        assert_eq!((record.requests, record.winners), (30, 12));
        let day = stores[1]
            .day_appointments(&office_id("buergerbuero"), at.date())
            .unwrap();
        assert_eq!(day.len(), 12);
        // Later calls find it drawn, in this process and in a new one.
        assert!(
            !stores[1]
                .draw_if_due(&office_id("buergerbuero"), at)
                .unwrap()
        );
        let third = Store::open(db.url()).unwrap();
        assert!(!third.draw_if_due(&office_id("buergerbuero"), at).unwrap());
    }

    on_both_backends!(
        |db| db;
        r27_the_draw_runs_exactly_once_with_two_stores_racing,
    );
}
