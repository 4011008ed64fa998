//! What can be booked: slot search (R9) and today's Tagesticket offer
//! (R12–R15), read without locks. A start offered here may be gone by the
//! time it is booked; [`Store::book`] then says so.

use crate::bookings::active_bookings;
use crate::{Store, StoreError};
use domain::{
    Channel, DayTicketOffer, Occupancy, OfficeId, Selection, ServiceId, SlotOffer, day_ticket_date,
    day_ticket_offer, search_days, search_slots,
};
use time::{Date, OffsetDateTime};

impl Store {
    /// The occupancy of `office` from `from` to `to` at `now`: bookings and
    /// live holds (I5), so held capacity is not offered.
    pub fn occupancy(
        &self,
        office: &OfficeId,
        from: Date,
        to: Date,
        now: OffsetDateTime,
    ) -> Result<Occupancy, StoreError> {
        let mut conn = self.conn()?;
        let active = active_bookings(&mut conn, office.as_str(), (from, to), now, None)?;
        Ok(Occupancy::from_bookings(&active))
    }

    /// Every regular start for `services` in `from..=to` (defaults and
    /// clamping as [`domain::search_days`] decides), and the earliest (R9).
    pub fn search_slots(
        &self,
        office: &OfficeId,
        services: &[ServiceId],
        from: Option<Date>,
        to: Option<Date>,
        now: OffsetDateTime,
    ) -> Result<SlotOffer, StoreError> {
        let config = self.office(office)?;
        let selection = Selection::new(&config, services)?;
        let Some((from, to)) = search_days(&config, now, from, to) else {
            return Ok(SlotOffer {
                minutes: selection.minutes(),
                earliest: None,
                slots: Vec::new(),
            });
        };
        let occupancy = self.occupancy(office, from, to, now)?;
        Ok(search_slots(&config, &selection, from, to, now, &occupancy))
    }

    /// Today's Tagesticket situation of `office` as `channel` sees it; with
    /// services, the free times for them.
    pub fn day_tickets(
        &self,
        office: &OfficeId,
        services: &[ServiceId],
        channel: Channel,
        now: OffsetDateTime,
    ) -> Result<DayTicketOffer, StoreError> {
        // R27: at the release, the draw is given out before anyone sees
        // what remains.
        self.draw_if_due(office, now)?;
        let config = self.office(office)?;
        let selection = match services {
            [] => None,
            ids => Some(Selection::new(&config, ids)?),
        };
        let today = day_ticket_date(now);
        let occupancy = self.occupancy(office, today, today, now)?;
        Ok(day_ticket_offer(
            &config,
            selection.as_ref(),
            channel,
            now,
            &occupancy,
        ))
    }
}
