//! R27: the Tagestickets of a day given out by lot, where an office chooses
//! it (`day_ticket_release: draw`). Requests are filed in the hour before the
//! online release; at the release the draw orders them at random and each in
//! turn gets the earliest free start in its window; what is left is then
//! first come.
//!
//! The order is a pure function of a seed and the requests' ids, so the
//! draw can be re-run from its stored seed (audit). The store draws the seed
//! from a CSPRNG when it runs the draw, after the last request was filed: no
//! one can know or choose their place.

use crate::booking::{BookingKind, Channel};
use crate::calendar::Berlin;
use crate::config::Office;
use crate::fair::DayTicketRelease;
use crate::occupancy::{ActiveBooking, Occupancy};
use crate::rules::{BookingError, Selection};
use crate::search::{Slot, day_ticket_offer};
// R27: the hour of requests is the office's (config), so search needs no draw.
use crate::config::request_hours;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime, Time};

crate::text_enum! {
    /// What a request for the draw came to (R27).
    pub enum RequestStatus {
        /// Filed; the draw has not run.
        Pending = "pending",
        /// Drawn in time: a Tagesticket was booked for it.
        Won = "won",
        /// Drawn when no start in its window was left, or its services
        /// are no longer offered.
        Lost = "lost",
    }
}

/// The bytes of a draw's seed.
pub const SEED_BYTES: usize = 32;

/// Why a request for the draw is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("this office gives out its Tagestickets first come at the release time, not by draw")]
    NotUsed,
    #[error("requests for today's draw are taken from {} to {}", hm(*.from), hm(*.until))]
    Closed { from: Time, until: Time },
    #[error("the window must start before it ends")]
    InvalidWindow,
    #[error("this contact has filed a request for today's draw already")]
    AlreadyRequested,
}

fn hm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The local times within which a citizen accepts a start, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestWindow {
    from: Time,
    to: Time,
}

impl RequestWindow {
    pub fn new(from: Time, to: Time) -> Result<Self, DrawError> {
        if from < to {
            Ok(Self { from, to })
        } else {
            Err(DrawError::InvalidWindow)
        }
    }

    pub fn from(&self) -> Time {
        self.from
    }

    pub fn to(&self) -> Time {
        self.to
    }

    fn admits(&self, start: OffsetDateTime) -> bool {
        let t = Berlin::local(start).time();
        self.from <= t && t <= self.to
    }
}

/// R27: the day a request filed at `now` is for, if the office draws and
/// `now` is in the hour before today's online release.
pub fn check_request(office: &Office, now: OffsetDateTime) -> Result<Date, BookingError> {
    if office.settings.day_ticket_release != DayTicketRelease::Draw {
        return Err(BookingError::Draw(DrawError::NotUsed));
    }
    let date = Berlin::today(now);
    let (from, until) =
        request_hours(office, date).ok_or(BookingError::NotDayTicketDay { date })?;
    let time = Berlin::local(now).time();
    if time < from || time >= until {
        return Err(BookingError::Draw(DrawError::Closed { from, until }));
    }
    Ok(date)
}

/// R27: the day whose draw is due at `now` (the office draws, today has
/// Tagestickets, the online release has come); `None` otherwise.
pub fn draw_due(office: &Office, now: OffsetDateTime) -> Option<Date> {
    if office.settings.day_ticket_release != DayTicketRelease::Draw {
        return None;
    }
    let date = Berlin::today(now);
    let policy = office.day_ticket_on(date)?;
    (Berlin::local(now).time() >= policy.online_from).then_some(date)
}

/// The order of the draw: a permutation of `0..ids.len()`, each request
/// ranked by SHA-256 of the seed and its id (a keyed pseudo-random function:
/// uniform for a secret random seed, the same for the same seed on any
/// machine and any version, unlike a library's shuffle).
pub fn draw_order(seed: &[u8; SEED_BYTES], ids: &[&str]) -> Vec<usize> {
    let mut ranked: Vec<([u8; 32], usize)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut h = Sha256::new();
            h.update(seed);
            h.update(id.as_bytes());
            (h.finalize().into(), i)
        })
        .collect();
    ranked.sort_unstable();
    ranked.into_iter().map(|(_, i)| i).collect()
}

/// One request as the draw sees it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Stable and unique: the draw's order is derived from it.
    pub id: &'a str,
    pub selection: &'a Selection,
    pub window: Option<RequestWindow>,
}

/// R27: runs the draw of `date` at `now`: in the order of [`draw_order`],
/// each request gets the earliest start still free for its services in its
/// window (the Tagesticket rules of an online booking: contingent, held-back
/// capacity, not in the past), or nothing. `occupancy` is the day's before
/// the draw; the result is in the order of `entries`.
pub fn run_draw(
    office: &Office,
    now: OffsetDateTime,
    seed: &[u8; SEED_BYTES],
    entries: &[Entry<'_>],
    occupancy: &Occupancy,
) -> Vec<Option<Slot>> {
    let ids: Vec<&str> = entries.iter().map(|e| e.id).collect();
    let mut occupancy = occupancy.clone();
    let mut won = vec![None; entries.len()];
    for i in draw_order(seed, &ids) {
        let entry = &entries[i];
        let offer = day_ticket_offer(
            office,
            Some(entry.selection),
            Channel::Online,
            now,
            &occupancy,
        );
        let slot = offer
            .slots
            .into_iter()
            .find(|s| entry.window.is_none_or(|w| w.admits(s.start)));
        if let Some(slot) = slot {
            occupancy.add(&ActiveBooking {
                start: slot.start,
                minutes: entry.selection.minutes(),
                pool: BookingKind::DayTicket.pool(),
            });
            won[i] = Some(slot);
        }
    }
    won
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::test_support::{buergerbuero, service_ids};
    use time::macros::{datetime, time};

    fn drawing() -> Office {
        let mut office = buergerbuero();
        office.settings.day_ticket_release = DayTicketRelease::Draw;
        office
    }

    #[test]
    fn r27_requests_are_taken_in_the_hour_before_the_release_only() {
        let office = drawing();
        let monday = datetime!(2026-11-30 00:00 +01:00).date();
        assert_eq!(
            check_request(&office, datetime!(2026-11-30 06:00 +01:00)),
            Ok(monday)
        );
        assert_eq!(
            check_request(&office, datetime!(2026-11-30 06:59:59 +01:00)),
            Ok(monday)
        );
        for closed in [
            datetime!(2026-11-30 05:59:59 +01:00),
            datetime!(2026-11-30 07:00 +01:00),
        ] {
            assert_eq!(
                check_request(&office, closed),
                Err(BookingError::Draw(DrawError::Closed {
                    from: time!(06:00),
                    until: time!(07:00)
                }))
            );
        }
        assert_eq!(
            check_request(&buergerbuero(), datetime!(2026-11-30 06:30 +01:00)),
            Err(BookingError::Draw(DrawError::NotUsed))
        );
    }

    #[test]
    fn r27_the_draw_is_due_from_the_online_release() {
        let office = drawing();
        assert_eq!(
            draw_due(&office, datetime!(2026-11-30 06:59:59 +01:00)),
            None
        );
        assert!(draw_due(&office, datetime!(2026-11-30 07:00 +01:00)).is_some());
        assert_eq!(
            draw_due(&buergerbuero(), datetime!(2026-11-30 08:00 +01:00)),
            None
        );
    }

    #[test]
    fn r27_the_order_is_a_permutation_fixed_by_the_seed() {
        let ids: Vec<String> = (0..50).map(|i| format!("request-{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let a = draw_order(&[7; 32], &refs);
        assert_eq!(a, draw_order(&[7; 32], &refs));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(
            a,
            draw_order(&[8; 32], &refs),
            "another seed, another order"
        );
        assert_ne!(a, (0..50).collect::<Vec<_>>(), "not the filing order");
    }

    #[test]
    fn r27_each_winner_gets_the_earliest_free_start_in_its_window_up_to_the_contingent() {
        let office = drawing();
        let now = datetime!(2026-11-30 07:00 +01:00);
        let selection = Selection::new(&office, &service_ids(&["ausweis-abholung"])).unwrap();
        let ids: Vec<String> = (0..40).map(|i| format!("r{i:02}")).collect();
        let late = RequestWindow::new(time!(11:00), time!(11:30)).unwrap();
        let entries: Vec<Entry<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Entry {
                id,
                selection: &selection,
                window: (i % 2 == 0).then_some(late),
            })
            .collect();
        let seed = [42; 32];
        let won = run_draw(&office, now, &seed, &entries, &Occupancy::new());
        let winners = won.iter().filter(|w| w.is_some()).count();
        assert_eq!(winners, 12, "the contingent, no more");
        for (entry, slot) in entries.iter().zip(&won) {
            if let (Some(w), Some(s)) = (entry.window, slot) {
                assert!(w.admits(s.start), "{s:?} outside {w:?}");
            }
        }
        // Replayed from the seed: the same winners, the same starts.
        assert_eq!(
            won,
            run_draw(&office, now, &seed, &entries, &Occupancy::new())
        );
        // The first drawn gets the earliest start its window allows.
        let first = draw_order(&seed, &ids.iter().map(String::as_str).collect::<Vec<_>>())[0];
        let earliest = day_ticket_offer(
            &office,
            Some(&selection),
            Channel::Online,
            now,
            &Occupancy::new(),
        )
        .slots
        .into_iter()
        .find(|s| entries[first].window.is_none_or(|w| w.admits(s.start)));
        assert_eq!(won[first], earliest);
    }

    #[test]
    fn r27_a_window_must_start_before_it_ends() {
        assert_eq!(
            RequestWindow::new(time!(10:00), time!(10:00)),
            Err(DrawError::InvalidWindow)
        );
    }
}
