//! At the counter (R28): check-in, the call, served, no-show, the queue and
//! the calls the public display shows. The domain decides which step may be
//! taken; here each step is one transaction, and a call is claimed under the
//! office day's lock so that two clerks never get the same citizen.

use crate::audit::{booking_audit, record};
use crate::bookings::{Booking, BookingRow, booking_row, one, with_services};
use crate::cancels::covers;
use crate::infra::codec::{from_db, to_db, to_i32, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::{bookings, counter_calls};
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    AuditAction, Berlin, CounterError, OfficeId, OfficeScope, Stage, Standing, Username,
    check_check_in, check_counter, check_done, check_no_show,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// One call as the public display shows it: never a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Rises with every call of all offices; a display follows it.
    pub seq: i64,
    pub code: String,
    pub counter: u32,
    pub called_at: OffsetDateTime,
}

/// R28: who waits at an office today, and who is being served where.
#[derive(Debug, Clone)]
pub struct Queue {
    /// Checked in, not yet called, in the order they will be called.
    pub waiting: Vec<Booking>,
    /// Called, not yet closed, by counter.
    pub serving: Vec<Booking>,
}

#[derive(Insertable)]
#[diesel(table_name = counter_calls)]
struct NewCall<'a> {
    office_id: &'a str,
    booking_id: &'a str,
    code: &'a str,
    counter: i32,
    called_at: time::PrimitiveDateTime,
}

/// The booking `id` if `offices` covers its office (R29), else unknown.
fn scoped_booking(
    conn: &mut DbConnection,
    id: &str,
    offices: &OfficeScope,
) -> Result<Booking, StoreError> {
    let row = booking_row(conn, id)?;
    if !covers(offices, &row.office_id) {
        return Err(StoreError::UnknownBooking);
    }
    one(conn, row)
}

/// A step that changed no row: someone else took a step meanwhile. The
/// booking read again says which.
fn lost(
    conn: &mut DbConnection,
    id: &str,
    check: impl Fn(&Booking) -> Result<(), CounterError>,
    fallback: CounterError,
) -> StoreError {
    match booking_row(conn, id).and_then(|row| one(conn, row)) {
        Ok(b) => check(&b).err().unwrap_or(fallback).into(),
        Err(e) => e,
    }
}

/// A step at the counter (R28) that one conditional update takes: from
/// stage `from` (`None`: confirmed, not yet at the counter) to `to`.
struct Step {
    from: Option<Stage>,
    to: Stage,
    /// The answer when another clerk took a step first and the check of
    /// the booking read again still passes.
    raced: CounterError,
    action: AuditAction,
}

const CHECK_IN: Step = Step {
    from: None,
    to: Stage::CheckedIn,
    raced: CounterError::AlreadyCheckedIn,
    action: AuditAction::BookingCheckIn,
};

const SERVED: Step = Step {
    from: Some(Stage::Called),
    to: Stage::Served,
    raced: CounterError::AlreadyServed,
    action: AuditAction::BookingServed,
};

const NO_SHOW: Step = Step {
    from: None,
    to: Stage::NoShow,
    raced: CounterError::NoShow,
    action: AuditAction::BookingNoShow,
};

/// Takes `step` for `current` if `check` allows it: the update is
/// conditional on the stage it was read in, so of two clerks exactly one
/// takes it; the other gets what the booking read again says. Stamped with
/// when and by whom (check-in, or closing), audited.
fn step(
    conn: &mut DbConnection,
    current: &Booking,
    step: &Step,
    check: impl Fn(&Booking) -> Result<(), CounterError>,
    actor: &Username,
    now: OffsetDateTime,
) -> Result<Booking, StoreError> {
    check(current)?;
    let id = current.id.to_string();
    let mut target = diesel::update(bookings::table)
        .filter(bookings::id.eq(&id))
        .filter(bookings::status.eq(Standing::Active.as_str()))
        .into_boxed();
    target = match step.from {
        None => target.filter(bookings::stage.is_null()),
        Some(from) => target.filter(bookings::stage.eq(from.as_str())),
    };
    let (stage, at, by) = (
        Some(step.to.as_str()),
        Some(to_db(now)),
        Some(actor.as_str()),
    );
    let updated = if step.to == Stage::CheckedIn {
        target
            .set((
                bookings::stage.eq(stage),
                bookings::checked_in_at.eq(at),
                bookings::checked_in_by.eq(by),
            ))
            .execute(conn)?
    } else {
        target
            .set((
                bookings::stage.eq(stage),
                bookings::closed_at.eq(at),
                bookings::closed_by.eq(by),
            ))
            .execute(conn)?
    };
    if updated == 0 {
        return Err(lost(conn, &id, check, step.raced));
    }
    finish(conn, &id, actor, step.action, now)
}

impl Store {
    /// R28: checks the booking in (on its day; early arrivals welcome).
    /// Audited.
    pub fn check_in(
        &self,
        id: Uuid,
        actor: &Username,
        offices: &OfficeScope,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let check = |b: &Booking, _: &domain::Office| check_check_in(b.status, b.start, now);
        self.scoped_step(id, (actor, offices), &CHECK_IN, check, now)
    }

    /// R28: calls the next checked-in booking of `office` today to
    /// `counter`, in order of appointment time (then of arrival). The
    /// office day's lock makes the claim atomic across clerks and
    /// processes: the second clerk reads the queue only after the first
    /// call is committed. Audited; the call is recorded for the display.
    pub fn call_next(
        &self,
        office: &OfficeId,
        counter: u32,
        actor: &Username,
        offices: &OfficeScope,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        if !offices.covers(office) {
            return Err(StoreError::UnknownOffice);
        }
        let today = Berlin::today(now);
        self.write(|conn| {
            let version =
                locks::lock_day(conn, office.as_str(), today)?.ok_or(StoreError::UnknownOffice)?;
            let config = self.cached_office(conn, office.as_str(), Some(version))?;
            check_counter(counter, config.settings.counters)?;
            // A cancel takes no day lock: a booking cancelled between the
            // read and the claim is skipped and the next one taken.
            loop {
                let next: Option<BookingRow> = bookings::table
                    .filter(bookings::office_id.eq(office.as_str()))
                    .filter(bookings::local_day.eq(today))
                    .filter(bookings::status.eq(Standing::Active.as_str()))
                    .filter(bookings::stage.eq(Stage::CheckedIn.as_str()))
                    .order((bookings::start_at, bookings::checked_in_at, bookings::id))
                    .select(BookingRow::as_select())
                    .first(conn)
                    .optional()?;
                let Some(next) = next else {
                    return Err(StoreError::QueueEmpty);
                };
                let booking = one(conn, next)?;
                let id = booking.id.to_string();
                let claimed = diesel::update(
                    bookings::table
                        .find(&id)
                        .filter(bookings::status.eq(Standing::Active.as_str()))
                        .filter(bookings::stage.eq(Stage::CheckedIn.as_str())),
                )
                .set((
                    bookings::stage.eq(Some(Stage::Called.as_str())),
                    bookings::called_at.eq(Some(to_db(now))),
                    bookings::called_by.eq(Some(actor.as_str())),
                    bookings::counter.eq(Some(to_i32(counter))),
                ))
                .execute(conn)?;
                if claimed == 0 {
                    continue;
                }
                diesel::insert_into(counter_calls::table)
                    .values(NewCall {
                        office_id: office.as_str(),
                        booking_id: &id,
                        code: booking.code.as_str(),
                        counter: to_i32(counter),
                        called_at: to_db(now),
                    })
                    .execute(conn)?;
                return finish(conn, &id, actor, AuditAction::BookingCall, now);
            }
        })
    }

    /// R28: closes a called booking as served. Audited.
    pub fn serve(
        &self,
        id: Uuid,
        actor: &Username,
        offices: &OfficeScope,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let check = |b: &Booking, _: &domain::Office| check_done(b.status);
        self.scoped_step(id, (actor, offices), &SERVED, check, now)
    }

    /// R28: marks a booking not checked in as a no-show, from its start
    /// plus the office's grace time. Audited.
    pub fn no_show(
        &self,
        id: Uuid,
        actor: &Username,
        offices: &OfficeScope,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let check = |b: &Booking, office: &domain::Office| {
            let grace = office.settings.no_show_grace_minutes;
            check_no_show(b.status, b.start, grace, now)
        };
        self.scoped_step(id, (actor, offices), &NO_SHOW, check, now)
    }

    /// R28, R29: the step `step` of booking `id`, for `actor` acting on
    /// `offices`, once `check` allows it for the booking and its office.
    fn scoped_step(
        &self,
        id: Uuid,
        (actor, offices): (&Username, &OfficeScope),
        step: &Step,
        check: impl Fn(&Booking, &domain::Office) -> Result<(), CounterError>,
        now: OffsetDateTime,
    ) -> Result<Booking, StoreError> {
        let id = id.to_string();
        self.write(|conn| {
            let current = scoped_booking(conn, &id, offices)?;
            let office = self.cached_office(conn, current.office.as_str(), None)?;
            let check = |b: &Booking| check(b, &office);
            self::step(conn, &current, step, check, actor, now)
        })
    }

    /// R28: today's queue of `office`.
    pub fn queue(
        &self,
        office: &OfficeId,
        offices: &OfficeScope,
        now: OffsetDateTime,
    ) -> Result<Queue, StoreError> {
        if !offices.covers(office) {
            return Err(StoreError::UnknownOffice);
        }
        let mut conn = self.conn()?;
        self.cached_office(&mut conn, office.as_str(), None)?;
        let of_stage = |conn: &mut DbConnection, stage: Stage| {
            let rows = bookings::table
                .filter(bookings::office_id.eq(office.as_str()))
                .filter(bookings::local_day.eq(Berlin::today(now)))
                .filter(bookings::status.eq(Standing::Active.as_str()))
                .filter(bookings::stage.eq(stage.as_str()))
                .order((bookings::start_at, bookings::checked_in_at, bookings::id))
                .select(BookingRow::as_select())
                .load(conn)?;
            with_services(conn, rows)
        };
        let waiting = of_stage(&mut conn, Stage::CheckedIn)?;
        let mut serving = of_stage(&mut conn, Stage::Called)?;
        serving.sort_by_key(|b| b.counter.counter);
        Ok(Queue { waiting, serving })
    }

    /// R28: the calls of `office` after `seq` (all of them with `None`,
    /// newest last), at most `limit`; `today` only, as a display shows.
    pub fn calls(
        &self,
        office: &OfficeId,
        after: Option<i64>,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<Call>, StoreError> {
        let mut conn = self.conn()?;
        // Midnight exists on every day in Berlin (the clocks change at 2 and 3).
        let start = Berlin::instant(Berlin::today(now), time::Time::MIDNIGHT).unwrap_or(now);
        let mut query = counter_calls::table
            .filter(counter_calls::office_id.eq(office.as_str()))
            .filter(counter_calls::called_at.ge(to_db(start)))
            .select((
                counter_calls::id,
                counter_calls::code,
                counter_calls::counter,
                counter_calls::called_at,
            ))
            .into_boxed();
        if let Some(seq) = after {
            query = query.filter(counter_calls::id.gt(seq));
        }
        // The newest `limit`, then oldest first.
        let mut rows: Vec<(i64, String, i32, time::PrimitiveDateTime)> = query
            .order(counter_calls::id.desc())
            .limit(i64::from(limit))
            .load(&mut *conn)?;
        rows.reverse();
        rows.into_iter()
            .map(|(seq, code, counter, at)| {
                Ok(Call {
                    seq,
                    code,
                    counter: to_u32(counter, "counter_calls.counter")?,
                    called_at: from_db(at),
                })
            })
            .collect()
    }

    /// R28: the last call's number of all offices (0 before the first):
    /// what a display poller compares, one cheap read.
    pub fn last_call(&self) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        let last: Option<i64> = counter_calls::table
            .select(diesel::dsl::max(counter_calls::id))
            .first(&mut *conn)?;
        Ok(last.unwrap_or(0))
    }
}

/// The booking after a step, audited.
fn finish(
    conn: &mut DbConnection,
    id: &str,
    actor: &Username,
    action: AuditAction,
    now: OffsetDateTime,
) -> Result<Booking, StoreError> {
    let row = booking_row(conn, id)?;
    let booking = one(conn, row)?;
    record(conn, &booking_audit(actor, action, &booking), now)?;
    Ok(booking)
}
