//! Statistics per office and day (R30), as JSON and as CSV rows.

use domain::{ByChannel, DayStatistics, Utilisation};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A count in all and by channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct ByChannelDto {
    pub total: u32,
    pub online: u32,
    pub phone: u32,
    pub desk: u32,
}

impl From<ByChannel> for ByChannelDto {
    fn from(c: ByChannel) -> Self {
        Self {
            total: c.total(),
            online: c.online,
            phone: c.phone,
            desk: c.desk,
        }
    }
}

/// Booked minutes against the minutes the pool's counters were open.
#[derive(Debug, Serialize, ToSchema)]
pub struct UtilisationDto {
    pub booked_minutes: u32,
    pub capacity_minutes: u32,
    /// 0 to 1, three decimals; `null` without capacity.
    #[schema(required = true)]
    pub ratio: Option<f64>,
}

impl From<Utilisation> for UtilisationDto {
    fn from(u: Utilisation) -> Self {
        Self {
            booked_minutes: u.booked_minutes,
            capacity_minutes: u.capacity_minutes,
            ratio: u.ratio().map(|r| (r * 1000.0).round() / 1000.0),
        }
    }
}

/// One office day.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"date": "2026-12-01", "booked": {"total": 40, "online": 25, "phone": 9, "desk": 6}, "cancelled": {"total": 3, "online": 3, "phone": 0, "desk": 0}, "served": {"total": 33, "online": 20, "phone": 8, "desk": 5}, "no_shows": {"total": 4, "online": 2, "phone": 1, "desk": 1}, "regular": {"booked_minutes": 540, "capacity_minutes": 630, "ratio": 0.857}, "held_back": {"booked_minutes": 180, "capacity_minutes": 210, "ratio": 0.857}, "day_tickets_issued": 12, "day_ticket_contingent": 12, "day_tickets_ran_out_at": "2026-12-01T07:42:00+01:00", "mean_wait_minutes": 6.5}))]
pub struct DayStatisticsDto {
    #[schema(value_type = String, format = Date, example = "2026-12-01")]
    pub date: String,
    /// Every booking made for the day, cancelled ones included.
    pub booked: ByChannelDto,
    pub cancelled: ByChannelDto,
    pub served: ByChannelDto,
    pub no_shows: ByChannelDto,
    /// Regular bookings against the counters open to them.
    pub regular: UtilisationDto,
    /// Tagestickets against the counters held back for them.
    pub held_back: UtilisationDto,
    /// Tagestickets issued and not cancelled.
    pub day_tickets_issued: u32,
    /// The day's contingent (as configured on that day); `null` without
    /// Tagestickets.
    #[schema(required = true)]
    pub day_ticket_contingent: Option<u32>,
    /// The minute the contingent ran out; `null` if it did not.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub day_tickets_ran_out_at: Option<OffsetDateTime>,
    /// Mean minutes from check-in to call (R28); `null` if no one was called.
    #[schema(required = true)]
    pub mean_wait_minutes: Option<f64>,
}

impl From<DayStatistics> for DayStatisticsDto {
    fn from(d: DayStatistics) -> Self {
        Self {
            date: super::format_date(d.date),
            booked: d.booked.into(),
            cancelled: d.cancelled.into(),
            served: d.served.into(),
            no_shows: d.no_shows.into(),
            regular: d.regular.into(),
            held_back: d.held_back.into(),
            day_tickets_issued: d.day_tickets_issued,
            day_ticket_contingent: d.day_ticket_contingent,
            day_tickets_ran_out_at: d.day_tickets_ran_out_at,
            mean_wait_minutes: d.mean_wait_minutes,
        }
    }
}

/// The CSV header: one column per figure, channels flattened.
pub const CSV_HEADER: [&str; 27] = [
    "date",
    "booked",
    "booked_online",
    "booked_phone",
    "booked_desk",
    "cancelled",
    "cancelled_online",
    "cancelled_phone",
    "cancelled_desk",
    "served",
    "served_online",
    "served_phone",
    "served_desk",
    "no_shows",
    "no_shows_online",
    "no_shows_phone",
    "no_shows_desk",
    "regular_booked_minutes",
    "regular_capacity_minutes",
    "regular_utilisation",
    "held_back_booked_minutes",
    "held_back_capacity_minutes",
    "held_back_utilisation",
    "day_tickets_issued",
    "day_ticket_contingent",
    "day_tickets_ran_out_at",
    "mean_wait_minutes",
];

impl DayStatisticsDto {
    /// The day as one CSV row, in the order of [`CSV_HEADER`]; empty where
    /// the JSON has `null`.
    pub fn csv_row(&self) -> Vec<String> {
        fn opt<T: ToString>(v: Option<T>) -> String {
            v.map(|v| v.to_string()).unwrap_or_default()
        }
        let mut row = vec![self.date.clone()];
        for c in [&self.booked, &self.cancelled, &self.served, &self.no_shows] {
            row.extend([c.total, c.online, c.phone, c.desk].map(|n| n.to_string()));
        }
        for u in [&self.regular, &self.held_back] {
            row.push(u.booked_minutes.to_string());
            row.push(u.capacity_minutes.to_string());
            row.push(opt(u.ratio));
        }
        row.push(self.day_tickets_issued.to_string());
        row.push(opt(self.day_ticket_contingent));
        row.push(opt(self.day_tickets_ran_out_at.and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })));
        row.push(opt(self.mean_wait_minutes));
        row
    }
}
