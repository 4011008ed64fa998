//! What occupies an office's days (I1, I2, I5): the confirmed bookings and
//! the live holds, as `domain::Occupancy` counts them. Read by bookings,
//! holds, moves, the draw, the offers and the rush pre-checks alike.

use crate::StoreError;
use crate::infra::codec::{from_db, parse, to_db, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::schema::{bookings, holds};
use diesel::prelude::*;
use domain::{ActiveBooking, BookingKind, Standing};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// What occupancy counts of `office` from `from` to `to` (local days) at
/// `now`: the confirmed bookings and the live holds (I5), except the booking
/// `except` (a booking being moved counts as free for its new start, R20).
pub(crate) fn active_bookings(
    conn: &mut DbConnection,
    office: &str,
    (from, to): (Date, Date),
    now: OffsetDateTime,
    except: Option<&str>,
) -> Result<Vec<ActiveBooking>, StoreError> {
    let mut query = bookings::table
        .filter(bookings::office_id.eq(office))
        .filter(bookings::local_day.between(from, to))
        .filter(bookings::status.eq(Standing::Active.as_str()))
        .select((bookings::start_at, bookings::minutes, bookings::kind))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(bookings::id.ne(id));
    }
    let mut rows: Vec<ActiveRow> = query.load(conn)?;
    rows.extend(live_holds(conn, office, (from, to), now)?);
    to_active(rows)
}

/// What a new appointment of `kind` on `day`, from `start` to `end`, is
/// checked against (I1, I2): the confirmed bookings that overlap it and the
/// day's live holds. That is all a regular appointment's check looks at: at
/// each moment of its own span, the appointments of its pool against the
/// counters (`domain::Occupancy::peak`). A Tagesticket also counts every
/// ticket of its day against the contingent (R15), so it reads the whole
/// day. Reading the overlap only keeps a booking's cost from growing with
/// the bookings already on its day (docs/PERFORMANCE.md).
pub(crate) fn occupancy_around(
    conn: &mut DbConnection,
    office: &str,
    day: Date,
    kind: BookingKind,
    (start, end): (OffsetDateTime, OffsetDateTime),
    now: OffsetDateTime,
) -> Result<Vec<ActiveBooking>, StoreError> {
    if kind == BookingKind::DayTicket {
        return active_bookings(conn, office, (day, day), now, None);
    }
    // One statement for both, as the day is locked meanwhile (issue #13);
    // diesel's MultiConnection has no UNION, so each backend runs it.
    let both = bookings::table
        .filter(bookings::office_id.eq(office))
        .filter(bookings::local_day.eq(day))
        .filter(bookings::start_at.lt(to_db(end)))
        .filter(bookings::end_at.gt(to_db(start)))
        .filter(bookings::status.eq(Standing::Active.as_str()))
        .select((bookings::start_at, bookings::minutes, bookings::kind))
        .union_all(
            holds::table
                .filter(holds::office_id.eq(office))
                .filter(holds::local_day.eq(day))
                .filter(holds::expires_at.gt(to_db(now)))
                .select((holds::start_at, holds::minutes, holds::kind)),
        );
    let rows: Vec<ActiveRow> = match conn {
        DbConnection::Pg(pg) => both.load(pg)?,
        DbConnection::Sqlite(lite) => both.load(lite)?,
    };
    to_active(rows)
}

/// An appointment as occupancy reads it: start, minutes, kind.
type ActiveRow = (PrimitiveDateTime, i32, String);

fn to_active(rows: Vec<ActiveRow>) -> Result<Vec<ActiveBooking>, StoreError> {
    rows.into_iter()
        .map(|(start, minutes, kind)| {
            Ok(ActiveBooking {
                start: from_db(start),
                minutes: to_u32(minutes, "minutes")?,
                pool: parse::<BookingKind>(&kind)?.pool(),
            })
        })
        .collect()
}

/// The live holds of `office` from `from` to `to` (local days) at `now`,
/// as occupancy reads bookings: start, minutes, kind (I5).
pub(crate) fn live_holds(
    conn: &mut DbConnection,
    office: &str,
    (from, to): (Date, Date),
    now: OffsetDateTime,
) -> Result<Vec<ActiveRow>, StoreError> {
    Ok(holds::table
        .filter(holds::office_id.eq(office))
        .filter(holds::local_day.between(from, to))
        .filter(holds::expires_at.gt(to_db(now)))
        .select((holds::start_at, holds::minutes, holds::kind))
        .load(conn)?)
}
