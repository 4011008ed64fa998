//! The audit after a run, read from PostgreSQL itself rather than through
//! the API: the API could hide what the store holds (I1–I3).

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DayTickets {
    #[diesel(sql_type = Text)]
    pub office: String,
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = BigInt)]
    pub tickets: i64,
    #[diesel(sql_type = BigInt)]
    pub contingent: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = BigInt)]
    found: i64,
    #[diesel(sql_type = BigInt)]
    confirmed: i64,
    #[diesel(sql_type = BigInt)]
    cancelled: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Audit {
    /// Confirmed Tagestickets per office and day, with the office's contingent.
    pub tickets: Vec<DayTickets>,
    /// Confirmed bookings at whose start more confirmed bookings of the office
    /// overlap than it has counters (I1). The most overlap of a day is always
    /// reached at some booking's start, so checking every start suffices.
    pub overbooked: i64,
    /// Bookings the clients were answered 201 for, and of those the ones they
    /// cancelled (answered 204).
    pub seen_confirmed: usize,
    pub seen_cancelled: usize,
    /// Of the ids seen confirmed: rows found, rows still confirmed, rows cancelled.
    pub found: i64,
    pub found_confirmed: i64,
    pub found_cancelled: i64,
}

impl Audit {
    pub fn read(
        database_url: &str,
        confirmed: &[String],
        cancelled: &[String],
    ) -> Result<Self, String> {
        let mut conn = PgConnection::establish(database_url).map_err(|e| e.to_string())?;
        let tickets = diesel::sql_query(
            "SELECT b.office_id AS office, b.local_day::text AS day, count(*) AS tickets, \
                    COALESCE(o.day_ticket_per_day, 0)::bigint AS contingent \
             FROM bookings b JOIN offices o ON o.id = b.office_id \
             WHERE b.kind = 'day_ticket' AND b.status = 'confirmed' \
             GROUP BY b.office_id, b.local_day, o.day_ticket_per_day ORDER BY 1, 2",
        )
        .load::<DayTickets>(&mut conn)
        .map_err(|e| e.to_string())?;
        let overbooked = diesel::sql_query(
            "SELECT count(*) AS n FROM bookings b JOIN offices o ON o.id = b.office_id \
             WHERE b.status = 'confirmed' AND ( \
               SELECT count(*) FROM bookings x WHERE x.office_id = b.office_id \
                 AND x.local_day = b.local_day AND x.status = 'confirmed' \
                 AND x.start_at <= b.start_at AND x.end_at > b.start_at) > COALESCE((o.settings::json->>'counters')::bigint, 1)",
        )
        .get_result::<Count>(&mut conn)
        .map_err(|e| e.to_string())?
        .n;
        let found = diesel::sql_query(
            "SELECT count(*) AS found, \
                    count(*) FILTER (WHERE status = 'confirmed') AS confirmed, \
                    count(*) FILTER (WHERE status = 'cancelled') AS cancelled \
             FROM bookings WHERE id = ANY($1)",
        )
        .bind::<Array<Text>, _>(confirmed)
        .get_result::<Found>(&mut conn)
        .map_err(|e| e.to_string())?;
        Ok(Self {
            tickets,
            overbooked,
            seen_confirmed: confirmed.len(),
            seen_cancelled: cancelled.len(),
            found: found.found,
            found_confirmed: found.confirmed,
            found_cancelled: found.cancelled,
        })
    }

    /// What breaks an invariant; empty when the store agrees with the clients.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for d in &self.tickets {
            if d.tickets > d.contingent {
                problems.push(format!(
                    "{} {}: {} Tagestickets stored, contingent {} (I2)",
                    d.office, d.day, d.tickets, d.contingent
                ));
            }
        }
        if self.overbooked > 0 {
            problems.push(format!(
                "{} bookings start at an overbooked moment (I1)",
                self.overbooked
            ));
        }
        if self.found != self.seen_confirmed as i64 {
            problems.push(format!(
                "{} bookings answered 201, {} rows found (I3)",
                self.seen_confirmed, self.found
            ));
        }
        let kept = (self.seen_confirmed - self.seen_cancelled.min(self.seen_confirmed)) as i64;
        if self.found_confirmed != kept || self.found_cancelled != self.seen_cancelled as i64 {
            problems.push(format!(
                "{kept} should be confirmed and {} cancelled; found {} and {}",
                self.seen_cancelled, self.found_confirmed, self.found_cancelled
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Audit {
        Audit {
            tickets: vec![DayTickets {
                office: "buergerbuero".into(),
                day: "2026-11-30".into(),
                tickets: 12,
                contingent: 12,
            }],
            seen_confirmed: 20,
            seen_cancelled: 5,
            found: 20,
            found_confirmed: 15,
            found_cancelled: 5,
            ..Audit::default()
        }
    }

    #[test]
    fn a_store_that_agrees_has_no_problems() {
        assert!(clean().problems().is_empty());
    }

    #[test]
    fn each_broken_invariant_is_named() {
        let mut a = clean();
        a.tickets[0].tickets = 13;
        a.overbooked = 2;
        a.found = 19;
        a.found_confirmed = 14;
        let p = a.problems();
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("I2") && p[1].contains("I1") && p[2].contains("I3"));
    }
}
