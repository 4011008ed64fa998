//! Office configurations: rows of `offices`, `services`, `opening_windows`
//! and `closures`, turned into [`domain::Office`] and back.

use crate::StoreError;
use crate::infra::codec::{
    corrupt, leika_from_db, requirements_from_db, requirements_to_db, to_i32, to_u32,
};
use crate::infra::connection::DbConnection;
use crate::infra::schema::{closures, offices, opening_windows, services};
use diesel::prelude::*;
use domain::{
    DayTicketPolicy, MunicipalityId, Office, OfficeId, Service, ServiceId, WeeklyHours, Window,
};
use std::collections::BTreeMap;
use time::{Date, Time};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = offices, treat_none_as_null = true)]
struct OfficeRow {
    id: String,
    name: String,
    address: String,
    day_ticket_held_back: Option<i32>,
    day_ticket_per_day: Option<i32>,
    day_ticket_online_from: Option<Time>,
    day_ticket_staff_from: Option<Time>,
    day_ticket_weekdays: Option<i32>,
    version: i64,
    /// [`domain::OfficeSettings`] in its serde form; a key missing (an
    /// office stored before the setting existed) reads as its default.
    settings: String,
    municipality: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = services)]
pub(crate) struct ServiceRow {
    office_id: String,
    pub(crate) id: String,
    pub(crate) name: String,
    minutes: i32,
    active: bool,
    position: i32,
    /// R21: a JSON array of strings.
    pub(crate) requirements: String,
    pub(crate) note: Option<String>,
    /// R22.
    pub(crate) leika: Option<String>,
}

impl ServiceRow {
    /// The service this row stores.
    pub(crate) fn to_service(&self) -> Result<Service, StoreError> {
        Ok(Service {
            id: ServiceId::parse(&self.id).map_err(corrupt)?,
            name: self.name.clone(),
            minutes: to_u32(self.minutes, "services.minutes")?,
            active: self.active,
            requirements: requirements_from_db(&self.requirements)?,
            note: self.note.clone(),
            leika: leika_from_db(self.leika.as_deref())?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = opening_windows)]
struct WindowRow {
    office_id: String,
    weekday: i16,
    start_time: Time,
    end_time: Time,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = closures)]
struct ClosureRow {
    office_id: String,
    day: Date,
    reason: String,
}

fn weekdays_mask(days: &[bool; 7]) -> i32 {
    days.iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .fold(0, |mask, (i, _)| mask | (1 << i))
}

fn weekdays_from_mask(mask: i32) -> [bool; 7] {
    std::array::from_fn(|i| mask & (1 << i) != 0)
}

fn office_row(office: &Office, version: i64) -> Result<OfficeRow, StoreError> {
    let dt = office.day_ticket.as_ref();
    Ok(OfficeRow {
        id: office.id.as_str().to_owned(),
        name: office.name.clone(),
        address: office.address.clone(),
        day_ticket_held_back: dt.map(|p| to_i32(p.held_back_counters)),
        day_ticket_per_day: dt.map(|p| to_i32(p.per_day)),
        day_ticket_online_from: dt.map(|p| p.online_from),
        day_ticket_staff_from: dt.map(|p| p.staff_from),
        day_ticket_weekdays: dt.map(|p| weekdays_mask(&p.weekdays)),
        version,
        settings: serde_json::to_string(&office.settings).map_err(corrupt)?,
        municipality: office.municipality.as_str().to_owned(),
    })
}

/// Inserts the rows of a new office's configuration.
pub(crate) fn insert_office(conn: &mut DbConnection, office: &Office) -> Result<(), StoreError> {
    diesel::insert_into(offices::table)
        .values(office_row(office, 1)?)
        .execute(conn)?;
    insert_parts(conn, office)?;
    for (position, s) in office.services.iter().enumerate() {
        diesel::insert_into(services::table)
            .values(service_row(office, s, position)?)
            .execute(conn)?;
    }
    Ok(())
}

fn service_row(office: &Office, s: &Service, position: usize) -> Result<ServiceRow, StoreError> {
    Ok(ServiceRow {
        office_id: office.id.as_str().to_owned(),
        id: s.id.as_str().to_owned(),
        name: s.name.clone(),
        minutes: to_i32(s.minutes),
        active: s.active,
        position: to_i32(position),
        requirements: requirements_to_db(&s.requirements)?,
        note: s.note.clone(),
        leika: s.leika.as_ref().map(|k| k.as_str().to_owned()),
    })
}

/// Windows and closures: rewritten whole on every change.
fn insert_parts(conn: &mut DbConnection, office: &Office) -> Result<(), StoreError> {
    let id = office.id.as_str();
    for (weekday, windows) in office.hours.0.iter().enumerate() {
        for w in windows {
            diesel::insert_into(opening_windows::table)
                .values(WindowRow {
                    office_id: id.to_owned(),
                    weekday: i16::try_from(weekday).map_err(corrupt)?,
                    start_time: w.start,
                    end_time: w.end,
                })
                .execute(conn)?;
        }
    }
    for (day, reason) in &office.closures {
        diesel::insert_into(closures::table)
            .values(ClosureRow {
                office_id: id.to_owned(),
                day: *day,
                reason: reason.clone(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Stores `offices` if the database holds no office yet (a fresh database).
pub(crate) fn seed(conn: &mut DbConnection, list: &[Office]) -> Result<(), StoreError> {
    let existing: i64 = offices::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    for office in list {
        office.validate().map_err(corrupt)?;
        insert_office(conn, office)?;
    }
    tracing::info!(offices = list.len(), "stored the shipped configuration");
    Ok(())
}

/// Every office's id and version in id order, or only `municipality`'s
/// (R39), in one read: a list of the offices then costs one query, however
/// many a deployment holds (issue #25).
pub(crate) fn versions(
    conn: &mut DbConnection,
    municipality: Option<&MunicipalityId>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let all = offices::table
        .select((offices::id, offices::version))
        .order(offices::id);
    Ok(match municipality {
        Some(m) => all
            .filter(offices::municipality.eq(m.as_str()))
            .load(conn)?,
        None => all.load(conn)?,
    })
}

pub(crate) fn version(conn: &mut DbConnection, id: &str) -> Result<Option<i64>, StoreError> {
    Ok(offices::table
        .find(id)
        .select(offices::version)
        .first(conn)
        .optional()?)
}

/// The configuration of office `id` and its version.
pub(crate) fn load(conn: &mut DbConnection, id: &str) -> Result<Option<(i64, Office)>, StoreError> {
    let Some(row) = offices::table
        .find(id)
        .select(OfficeRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let service_rows: Vec<ServiceRow> = services::table
        .filter(services::office_id.eq(id))
        .order(services::position)
        .select(ServiceRow::as_select())
        .load(conn)?;
    let window_rows: Vec<WindowRow> = opening_windows::table
        .filter(opening_windows::office_id.eq(id))
        .order((opening_windows::weekday, opening_windows::start_time))
        .select(WindowRow::as_select())
        .load(conn)?;
    let closure_rows: Vec<ClosureRow> = closures::table
        .filter(closures::office_id.eq(id))
        .select(ClosureRow::as_select())
        .load(conn)?;

    let mut hours = WeeklyHours::default();
    for w in window_rows {
        let day = hours
            .0
            .get_mut(usize::try_from(w.weekday).map_err(corrupt)?)
            .ok_or_else(|| corrupt(format!("weekday {}", w.weekday)))?;
        day.push(Window {
            start: w.start_time,
            end: w.end_time,
        });
    }
    let day_ticket = match (
        row.day_ticket_held_back,
        row.day_ticket_per_day,
        row.day_ticket_online_from,
        row.day_ticket_staff_from,
        row.day_ticket_weekdays,
    ) {
        (Some(held_back), Some(per_day), Some(online_from), Some(staff_from), Some(mask)) => {
            Some(DayTicketPolicy {
                held_back_counters: to_u32(held_back, "day_ticket_held_back")?,
                per_day: to_u32(per_day, "day_ticket_per_day")?,
                online_from,
                staff_from,
                weekdays: weekdays_from_mask(mask),
            })
        }
        (None, None, None, None, None) => None,
        _ => {
            return Err(corrupt(format!(
                "office `{id}`: a partial Tagesticket policy"
            )));
        }
    };
    let services = service_rows
        .iter()
        .map(ServiceRow::to_service)
        .collect::<Result<Vec<_>, StoreError>>()?;
    let office = Office {
        id: OfficeId::parse(&row.id).map_err(corrupt)?,
        municipality: MunicipalityId::parse(&row.municipality).map_err(corrupt)?,
        name: row.name,
        address: row.address,
        settings: serde_json::from_str(&row.settings).map_err(corrupt)?,
        hours,
        day_ticket,
        closures: closure_rows
            .into_iter()
            .map(|c| (c.day, c.reason))
            .collect::<BTreeMap<_, _>>(),
        services,
    };
    Ok(Some((row.version, office)))
}

/// Writes a changed configuration of an existing office and raises its
/// version, so every cache reloads it. Services are updated in place (they
/// are retired, never deleted: bookings name them).
pub(crate) fn replace(
    conn: &mut DbConnection,
    office: &Office,
    old_version: i64,
) -> Result<(), StoreError> {
    let id = office.id.as_str();
    diesel::update(offices::table.find(id))
        .set(office_row(office, old_version + 1)?)
        .execute(conn)?;
    diesel::delete(opening_windows::table.filter(opening_windows::office_id.eq(id)))
        .execute(conn)?;
    diesel::delete(closures::table.filter(closures::office_id.eq(id))).execute(conn)?;
    insert_parts(conn, office)?;
    let existing: Vec<String> = services::table
        .filter(services::office_id.eq(id))
        .select(services::id)
        .load(conn)?;
    for (position, s) in office.services.iter().enumerate() {
        let row = service_row(office, s, position)?;
        if existing.iter().any(|e| e == s.id.as_str()) {
            diesel::update(services::table.find((id, s.id.as_str())))
                .set((
                    services::name.eq(row.name),
                    services::minutes.eq(row.minutes),
                    services::active.eq(row.active),
                    services::position.eq(row.position),
                    services::requirements.eq(row.requirements),
                    services::note.eq(row.note),
                    services::leika.eq(row.leika),
                ))
                .execute(conn)?;
        } else {
            diesel::insert_into(services::table)
                .values(row)
                .execute(conn)?;
        }
    }
    Ok(())
}
