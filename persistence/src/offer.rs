//! What can be booked: slot search (R9) and today's Tagesticket offer
//! (R12–R15), read without locks. A start offered here may be gone by the
//! time it is booked; [`Store::book`] then says so.

use crate::infra::codec::{from_db, to_db};
use crate::infra::schema::{holds, office_days};
use crate::occupancy::active_bookings;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    Channel, DayTicketOffer, Occupancy, OfficeId, Selection, ServiceId, SlotOffer, day_ticket_date,
    day_ticket_offer, search_days, search_slots,
};
use time::{Date, OffsetDateTime};

/// What an offer (a slot search or a Tagesticket status) of an office over
/// some days is computed from, as far as writes change it: the office's
/// configuration version and each day's version (raised by every committed
/// change of its occupancy, see `locks`). Equal versions, equal occupancy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferVersion {
    config: i64,
    days: Vec<(Date, i64)>,
}

/// An [`OfferVersion`] and until when an answer computed now stays true
/// without a write: the first expiry of a live hold in the days (an expired
/// hold frees its capacity with no write, I5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferStamp {
    pub version: OfferVersion,
    pub holds_until: Option<OffsetDateTime>,
}

impl OfferStamp {
    /// Whether what was judged at this stamp still holds at `now`, `current`
    /// being the stamp read now: no committed change of the configuration or
    /// the days since (versions only rise), and no hold has expired (which
    /// frees capacity without a write, I5).
    pub fn still_holds(&self, current: &OfferStamp, now: OffsetDateTime) -> bool {
        self.version == current.version && self.holds_until.is_none_or(|t| now < t)
    }
}

impl Store {
    /// The stamp of the days a slot search of `office` from `from` to `to`
    /// at `now` covers (as [`Store::search_slots`] chooses them), or of
    /// today for the Tagesticket status (`day_ticket`): read before the
    /// answer is computed, it can only be older than the answer, so a cache
    /// that compares stamps errs towards computing again.
    pub fn offer_stamp(
        &self,
        office: &OfficeId,
        range: Option<(Option<Date>, Option<Date>)>,
        now: OffsetDateTime,
    ) -> Result<OfferStamp, StoreError> {
        let mut conn = self.conn()?;
        let (version, config) = self.office_with_version(&mut conn, office.as_str())?;
        let days = match range {
            Some((from, to)) => search_days(&config, now, from, to),
            None => {
                let today = day_ticket_date(now);
                Some((today, today))
            }
        };
        let Some((from, to)) = days else {
            return Ok(OfferStamp {
                version: OfferVersion {
                    config: version,
                    days: Vec::new(),
                },
                holds_until: None,
            });
        };
        let days: Vec<(Date, i64)> = office_days::table
            .filter(office_days::office_id.eq(office.as_str()))
            .filter(office_days::day.between(from, to))
            .order(office_days::day)
            .select((office_days::day, office_days::version))
            .load(&mut conn)?;
        let holds_until: Option<time::PrimitiveDateTime> = holds::table
            .filter(holds::office_id.eq(office.as_str()))
            .filter(holds::local_day.between(from, to))
            .filter(holds::expires_at.gt(to_db(now)))
            .select(diesel::dsl::min(holds::expires_at))
            .first(&mut conn)?;
        Ok(OfferStamp {
            version: OfferVersion {
                config: version,
                days,
            },
            holds_until: holds_until.map(from_db),
        })
    }

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
