//! Statistics per office and day (R30): what the city needs to size the
//! Tagesticket contingent and the counters. Computed from anonymous facts
//! of the bookings only (kind, channel, length, times of the steps), so the
//! figures stay right after R31 has erased names and contacts.

use crate::booking::{BookingKind, BookingStatus, Channel};
use crate::calendar::Berlin;
use crate::config::Office;
use time::{Date, OffsetDateTime};

/// The most days one request covers.
pub const MAX_STATISTICS_DAYS: i64 = 366;

/// What statistics need of one booking: nothing personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingFact {
    pub date: Date,
    pub kind: BookingKind,
    pub channel: Channel,
    pub status: BookingStatus,
    pub minutes: u32,
    pub created_at: OffsetDateTime,
    pub cancelled_at: Option<OffsetDateTime>,
    pub checked_in_at: Option<OffsetDateTime>,
    pub called_at: Option<OffsetDateTime>,
}

/// A count in all and by channel (R10).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByChannel {
    pub online: u32,
    pub phone: u32,
    pub desk: u32,
}

impl ByChannel {
    pub fn total(&self) -> u32 {
        self.online + self.phone + self.desk
    }

    fn add(&mut self, channel: Channel) {
        let n = match channel {
            Channel::Online => &mut self.online,
            Channel::Phone => &mut self.phone,
            Channel::Desk => &mut self.desk,
        };
        *n += 1;
    }
}

/// Booked minutes against the minutes a pool of counters is open.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Utilisation {
    pub booked_minutes: u32,
    pub capacity_minutes: u32,
}

impl Utilisation {
    /// The share booked, 0 to 1; `None` where the pool had no capacity.
    pub fn ratio(&self) -> Option<f64> {
        (self.capacity_minutes > 0)
            .then(|| f64::from(self.booked_minutes) / f64::from(self.capacity_minutes))
    }
}

/// R30: one office day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayStatistics {
    pub date: Date,
    /// Every booking made for the day, cancelled ones included.
    pub booked: ByChannel,
    pub cancelled: ByChannel,
    pub served: ByChannel,
    pub no_shows: ByChannel,
    /// Regular bookings against the counters open to them (R12).
    pub regular: Utilisation,
    /// Tagestickets against the counters held back for them (R12).
    pub held_back: Utilisation,
    /// Tagestickets issued and not cancelled.
    pub day_tickets_issued: u32,
    /// The day's contingent (as configured on the day); `None` on a day
    /// without Tagestickets.
    pub day_ticket_contingent: Option<u32>,
    /// The minute the last Tagesticket of the contingent went (a cancelled
    /// one returns to it, R16: the first time none was left).
    pub day_tickets_ran_out_at: Option<OffsetDateTime>,
    /// Mean minutes from check-in to call (R28), over the called bookings.
    pub mean_wait_minutes: Option<f64>,
}

impl ByChannel {
    fn plus(self, other: ByChannel) -> ByChannel {
        ByChannel {
            online: self.online + other.online,
            phone: self.phone + other.phone,
            desk: self.desk + other.desk,
        }
    }
}

impl Utilisation {
    fn plus(self, other: Utilisation) -> Utilisation {
        Utilisation {
            booked_minutes: self.booked_minutes + other.booked_minutes,
            capacity_minutes: self.capacity_minutes + other.capacity_minutes,
        }
    }
}

impl DayStatistics {
    /// R30, R39: the day of several offices (a municipality's) as one:
    /// counts and minutes add up, so the utilisation is of the capacity
    /// together; the contingents add up (`None` where no office had one);
    /// the contingent ran out when the last office's did (`None` while one
    /// had tickets left); the mean wait is weighted by each office's
    /// served bookings. `None` for no offices.
    pub fn together(days: &[DayStatistics]) -> Option<DayStatistics> {
        let first = days.first()?;
        let mut sum = DayStatistics {
            date: first.date,
            booked: ByChannel::default(),
            cancelled: ByChannel::default(),
            served: ByChannel::default(),
            no_shows: ByChannel::default(),
            regular: Utilisation::default(),
            held_back: Utilisation::default(),
            day_tickets_issued: 0,
            day_ticket_contingent: None,
            day_tickets_ran_out_at: None,
            mean_wait_minutes: None,
        };
        let (mut waited, mut weight) = (0.0, 0u32);
        let mut all_ran_out = true;
        for d in days {
            sum.booked = sum.booked.plus(d.booked);
            sum.cancelled = sum.cancelled.plus(d.cancelled);
            sum.served = sum.served.plus(d.served);
            sum.no_shows = sum.no_shows.plus(d.no_shows);
            sum.regular = sum.regular.plus(d.regular);
            sum.held_back = sum.held_back.plus(d.held_back);
            sum.day_tickets_issued += d.day_tickets_issued;
            if let Some(c) = d.day_ticket_contingent {
                sum.day_ticket_contingent = Some(sum.day_ticket_contingent.unwrap_or(0) + c);
                match d.day_tickets_ran_out_at {
                    Some(at) => {
                        sum.day_tickets_ran_out_at =
                            Some(sum.day_tickets_ran_out_at.map_or(at, |t| t.max(at)));
                    }
                    None => all_ran_out = false,
                }
            }
            if let Some(wait) = d.mean_wait_minutes {
                let n = d.served.total().max(1);
                waited += wait * f64::from(n);
                weight += n;
            }
        }
        if !all_ran_out {
            sum.day_tickets_ran_out_at = None;
        }
        sum.mean_wait_minutes = (weight > 0).then(|| waited / f64::from(weight));
        Some(sum)
    }
}

/// R30: what an office day could take, as the configuration in force on
/// that day set it: the minutes open times the counters of each pool, and
/// the Tagesticket contingent. Kept per past day (persistence freezes it
/// before a configuration change), so a changed configuration does not
/// rewrite the utilisation of days gone by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCapacity {
    /// Minutes open times the counters regular bookings may take.
    pub regular_minutes: u32,
    /// Minutes open times the counters held back for Tagestickets (R12).
    pub held_back_minutes: u32,
    /// `None` on a day without Tagestickets.
    pub day_ticket_contingent: Option<u32>,
}

/// R30: the capacity of `office` on `date` as it is configured now.
pub fn day_capacity(office: &Office, date: Date) -> DayCapacity {
    if office.closed(date).is_some() {
        return DayCapacity {
            regular_minutes: 0,
            held_back_minutes: 0,
            day_ticket_contingent: office.day_ticket_on(date).map(|p| p.per_day),
        };
    }
    let open: u32 = office
        .hours
        .on(date.weekday())
        .iter()
        .map(|w| {
            let minutes = (w.end - w.start).whole_minutes();
            u32::try_from(minutes).unwrap_or(0)
        })
        .sum();
    let (regular, held_back) = office.capacity_on(date);
    DayCapacity {
        regular_minutes: open * regular,
        held_back_minutes: open * held_back,
        day_ticket_contingent: office.day_ticket_on(date).map(|p| p.per_day),
    }
}

/// R30: the statistics of an office on `date` with that day's `capacity`,
/// from the facts of that day's bookings.
pub fn day_statistics(capacity: DayCapacity, date: Date, facts: &[BookingFact]) -> DayStatistics {
    let mut day = DayStatistics {
        date,
        booked: ByChannel::default(),
        cancelled: ByChannel::default(),
        served: ByChannel::default(),
        no_shows: ByChannel::default(),
        regular: Utilisation {
            booked_minutes: 0,
            capacity_minutes: capacity.regular_minutes,
        },
        held_back: Utilisation {
            booked_minutes: 0,
            capacity_minutes: capacity.held_back_minutes,
        },
        day_tickets_issued: 0,
        day_ticket_contingent: capacity.day_ticket_contingent,
        day_tickets_ran_out_at: None,
        mean_wait_minutes: None,
    };
    // Tagesticket events in time order: +1 when taken, -1 when cancelled.
    let mut tickets: Vec<(OffsetDateTime, i32)> = Vec::new();
    let mut waits: Vec<i64> = Vec::new();
    for f in facts.iter().filter(|f| f.date == date) {
        day.booked.add(f.channel);
        match f.status {
            BookingStatus::Cancelled => day.cancelled.add(f.channel),
            BookingStatus::Served => day.served.add(f.channel),
            BookingStatus::NoShow => day.no_shows.add(f.channel),
            _ => {}
        }
        let live = f.status != BookingStatus::Cancelled;
        if live {
            match f.kind {
                BookingKind::Regular => day.regular.booked_minutes += f.minutes,
                BookingKind::DayTicket => {
                    day.held_back.booked_minutes += f.minutes;
                    day.day_tickets_issued += 1;
                }
            }
        }
        if f.kind == BookingKind::DayTicket {
            tickets.push((f.created_at, 1));
            if let Some(at) = f.cancelled_at {
                tickets.push((at, -1));
            }
        }
        if let (Some(checked_in), Some(called)) = (f.checked_in_at, f.called_at) {
            waits.push((called - checked_in).whole_seconds());
        }
    }
    if let Some(contingent) = day.day_ticket_contingent {
        tickets.sort();
        let mut taken = 0i64;
        for (at, change) in tickets {
            taken += i64::from(change);
            if taken >= i64::from(contingent) {
                // To the minute, in local time.
                let local = Berlin::local(at);
                day.day_tickets_ran_out_at = Some(
                    local
                        .replace_second(0)
                        .unwrap_or(local)
                        .replace_nanosecond(0)
                        .unwrap_or(local),
                );
                break;
            }
        }
    }
    if !waits.is_empty() {
        let total: i64 = waits.iter().sum();
        let count = i64::try_from(waits.len()).unwrap_or(i64::MAX);
        // Seconds to minutes, one decimal.
        let mean = total as f64 / count as f64 / 60.0;
        day.mean_wait_minutes = Some((mean * 10.0).round() / 10.0);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::buergerbuero;
    use time::macros::{date, datetime};

    fn fact(kind: BookingKind, channel: Channel, status: BookingStatus) -> BookingFact {
        BookingFact {
            date: date!(2026 - 12 - 01),
            kind,
            channel,
            status,
            minutes: 15,
            created_at: datetime!(2026-11-30 10:00 +01:00),
            cancelled_at: None,
            checked_in_at: None,
            called_at: None,
        }
    }

    fn day(
        served: u32,
        wait: Option<f64>,
        contingent: Option<(u32, Option<OffsetDateTime>)>,
    ) -> DayStatistics {
        DayStatistics {
            date: date!(2026 - 12 - 01),
            booked: ByChannel {
                online: served,
                phone: 1,
                desk: 0,
            },
            cancelled: ByChannel::default(),
            served: ByChannel {
                online: served,
                phone: 0,
                desk: 0,
            },
            no_shows: ByChannel::default(),
            regular: Utilisation {
                booked_minutes: 30,
                capacity_minutes: 100,
            },
            held_back: Utilisation::default(),
            day_tickets_issued: contingent.map_or(0, |(c, _)| c),
            day_ticket_contingent: contingent.map(|(c, _)| c),
            day_tickets_ran_out_at: contingent.and_then(|(_, at)| at),
            mean_wait_minutes: wait,
        }
    }

    #[test]
    fn r30_r39_a_municipalitys_day_is_its_offices_days_together() {
        let early = datetime!(2026-12-01 07:11 +01:00);
        let late = datetime!(2026-12-01 08:40 +01:00);
        let both = DayStatistics::together(&[
            day(1, Some(10.0), Some((12, Some(early)))),
            day(3, Some(2.0), Some((6, Some(late)))),
            day(0, None, None),
        ])
        .unwrap_or_else(|| unreachable!());
        assert_eq!(both.booked.total(), 7);
        assert_eq!(both.served.online, 4);
        assert_eq!(both.regular.ratio(), Some(0.3));
        assert_eq!(both.day_ticket_contingent, Some(18));
        assert_eq!(
            both.day_tickets_ran_out_at,
            Some(late),
            "when the last ran out"
        );
        assert_eq!(both.mean_wait_minutes, Some(4.0), "weighted by the served");
        let one_left = DayStatistics::together(&[
            day(1, None, Some((12, Some(early)))),
            day(1, None, Some((6, None))),
        ])
        .unwrap_or_else(|| unreachable!());
        assert_eq!(one_left.day_tickets_ran_out_at, None);
        assert_eq!(DayStatistics::together(&[]), None);
    }

    #[test]
    fn r30_counts_by_channel_and_utilisation_of_each_pool() {
        use BookingKind::*;
        use BookingStatus::*;
        let office = buergerbuero();
        let mut cancelled = fact(Regular, Channel::Phone, Cancelled);
        cancelled.cancelled_at = Some(datetime!(2026-11-30 11:00 +01:00));
        let mut waited = fact(Regular, Channel::Online, Served);
        waited.checked_in_at = Some(datetime!(2026-12-01 08:20 +01:00));
        waited.called_at = Some(datetime!(2026-12-01 08:35 +01:00));
        let facts = [
            fact(Regular, Channel::Online, Confirmed),
            waited,
            fact(Regular, Channel::Desk, NoShow),
            cancelled,
            fact(DayTicket, Channel::Desk, Served),
        ];
        let day = day_statistics(
            day_capacity(&office, date!(2026 - 12 - 01)),
            date!(2026 - 12 - 01),
            &facts,
        );
        assert_eq!((day.booked.total(), day.booked.online), (5, 2));
        assert_eq!(day.cancelled.phone, 1);
        assert_eq!((day.served.online, day.served.desk), (1, 1));
        assert_eq!(day.no_shows.desk, 1);
        // Tuesday 08:30–12:00: 210 minutes; 3 regular counters, 1 held back.
        assert_eq!(day.regular.capacity_minutes, 630);
        assert_eq!(day.regular.booked_minutes, 45);
        assert_eq!(day.held_back.capacity_minutes, 210);
        assert_eq!(day.held_back.booked_minutes, 15);
        assert_eq!(day.day_tickets_issued, 1);
        assert_eq!(day.day_ticket_contingent, Some(12));
        assert_eq!(day.day_tickets_ran_out_at, None);
        assert_eq!(day.mean_wait_minutes, Some(15.0));
    }

    #[test]
    fn r30_the_minute_the_contingent_ran_out_counts_returned_tickets() {
        let office = buergerbuero();
        let mut facts: Vec<BookingFact> = (0..12)
            .map(|i| {
                let mut f = fact(
                    BookingKind::DayTicket,
                    Channel::Online,
                    BookingStatus::Confirmed,
                );
                f.created_at = datetime!(2026-12-01 07:00:30 +01:00) + time::Duration::minutes(i);
                f
            })
            .collect();
        // The fifth was cancelled at 07:10, before the last went at 07:11;
        // the contingent ran out when it was taken again at 08:31.
        facts[4].status = BookingStatus::Cancelled;
        facts[4].cancelled_at = Some(datetime!(2026-12-01 07:10 +01:00));
        let mut again = fact(
            BookingKind::DayTicket,
            Channel::Desk,
            BookingStatus::Confirmed,
        );
        again.created_at = datetime!(2026-12-01 08:31:10 +01:00);
        facts.push(again);
        let day = day_statistics(
            day_capacity(&office, date!(2026 - 12 - 01)),
            date!(2026 - 12 - 01),
            &facts,
        );
        assert_eq!(day.day_tickets_issued, 12);
        assert_eq!(
            day.day_tickets_ran_out_at,
            Some(datetime!(2026-12-01 08:31 +01:00))
        );
        // Saturday: no Tagestickets, all four counters regular.
        let saturday = day_statistics(
            day_capacity(&office, date!(2026 - 12 - 05)),
            date!(2026 - 12 - 05),
            &[],
        );
        assert_eq!(saturday.day_ticket_contingent, None);
        assert_eq!(saturday.held_back.ratio(), None);
        assert_eq!(saturday.regular.capacity_minutes, 210 * 4);
    }
}
