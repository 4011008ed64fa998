//! R39: municipalities, their rows, and the offices each owns.

use crate::audit::{Audit, record};
use crate::infra::codec::corrupt;
use crate::infra::connection::DbConnection;
use crate::infra::schema::{municipalities, offices};
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    Ags, AuditAction, Municipality, MunicipalityChange, MunicipalityId, Office, OfficeId, Username,
};
use std::collections::BTreeSet;
use time::OffsetDateTime;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = municipalities, treat_none_as_null = true)]
struct MunicipalityRow {
    id: String,
    name: String,
    ags: String,
    mail_from: Option<String>,
    public_url: Option<String>,
    imprint_url: Option<String>,
    privacy_url: Option<String>,
    accessibility_url: Option<String>,
}

impl From<&Municipality> for MunicipalityRow {
    fn from(m: &Municipality) -> Self {
        Self {
            id: m.id.as_str().to_owned(),
            name: m.name.clone(),
            ags: m.ags.as_str().to_owned(),
            mail_from: m.mail_from.clone(),
            public_url: m.public_url.clone(),
            imprint_url: m.imprint_url.clone(),
            privacy_url: m.privacy_url.clone(),
            accessibility_url: m.accessibility_url.clone(),
        }
    }
}

impl TryFrom<MunicipalityRow> for Municipality {
    type Error = StoreError;
    fn try_from(r: MunicipalityRow) -> Result<Self, StoreError> {
        Ok(Municipality {
            id: MunicipalityId::parse(&r.id).map_err(corrupt)?,
            name: r.name,
            ags: Ags::parse(&r.ags).map_err(corrupt)?,
            mail_from: r.mail_from,
            public_url: r.public_url,
            imprint_url: r.imprint_url,
            privacy_url: r.privacy_url,
            accessibility_url: r.accessibility_url,
        })
    }
}

fn row(conn: &mut DbConnection, id: &str) -> Result<Option<Municipality>, StoreError> {
    municipalities::table
        .find(id)
        .select(MunicipalityRow::as_select())
        .first(conn)
        .optional()?
        .map(TryInto::try_into)
        .transpose()
}

/// The municipality `id`; one an office names exists (the store writes
/// none without).
pub(crate) fn load(
    conn: &mut DbConnection,
    id: &MunicipalityId,
) -> Result<Municipality, StoreError> {
    row(conn, id.as_str())?.ok_or_else(|| corrupt(format!("no municipality `{id}`")))
}

/// Stores `m` unless a municipality of its id exists.
pub(crate) fn insert_if_missing(
    conn: &mut DbConnection,
    m: &Municipality,
) -> Result<(), StoreError> {
    if row(conn, m.id.as_str())?.is_none() {
        diesel::insert_into(municipalities::table)
            .values(MunicipalityRow::from(m))
            .execute(conn)?;
    }
    Ok(())
}

/// R39: the offices of `municipality`.
pub(crate) fn office_ids(
    conn: &mut DbConnection,
    municipality: &MunicipalityId,
) -> Result<BTreeSet<OfficeId>, StoreError> {
    let ids: Vec<String> = offices::table
        .filter(offices::municipality.eq(municipality.as_str()))
        .select(offices::id)
        .load(conn)?;
    ids.iter()
        .map(|id| OfficeId::parse(id).map_err(corrupt))
        .collect()
}

/// Whether `municipality` exists; a name in a body that does not is 422.
pub(crate) fn check_exists(
    conn: &mut DbConnection,
    municipality: &MunicipalityId,
) -> Result<(), StoreError> {
    match row(conn, municipality.as_str())? {
        Some(_) => Ok(()),
        None => Err(StoreError::UnknownMunicipalityNamed(
            municipality.as_str().to_owned(),
        )),
    }
}

impl Store {
    /// Every municipality, by id.
    pub fn municipalities(&self) -> Result<Vec<Municipality>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<MunicipalityRow> = municipalities::table
            .order(municipalities::id)
            .select(MunicipalityRow::as_select())
            .load(&mut *conn)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The municipality `id`.
    pub fn municipality(&self, id: &MunicipalityId) -> Result<Municipality, StoreError> {
        let mut conn = self.conn()?;
        row(&mut conn, id.as_str())?.ok_or(StoreError::UnknownMunicipality)
    }

    /// R39: the offices of `municipality`.
    pub fn municipality_offices(
        &self,
        municipality: &MunicipalityId,
    ) -> Result<BTreeSet<OfficeId>, StoreError> {
        let mut conn = self.conn()?;
        office_ids(&mut conn, municipality)
    }

    /// R30, R39: the statistics of `municipality` for each day from `from`
    /// to `to`: its offices' days together ([`domain::DayStatistics::together`]).
    pub fn municipality_statistics(
        &self,
        municipality: &MunicipalityId,
        from: time::Date,
        to: time::Date,
        now: OffsetDateTime,
    ) -> Result<Vec<domain::DayStatistics>, StoreError> {
        self.municipality(municipality)?;
        let offices = self.municipality_offices(municipality)?;
        let per_office = offices
            .iter()
            .map(|office| self.statistics(office, from, to, now))
            .collect::<Result<Vec<_>, _>>()?;
        let days = per_office.first().map_or(0, Vec::len);
        Ok((0..days)
            .filter_map(|i| {
                let day: Vec<_> = per_office
                    .iter()
                    .filter_map(|o| o.get(i).cloned())
                    .collect();
                domain::DayStatistics::together(&day)
            })
            .collect())
    }

    /// Creates a municipality; `MunicipalityExists` if the id is taken.
    pub fn create_municipality(
        &self,
        m: &Municipality,
        actor: &Username,
        now: OffsetDateTime,
    ) -> Result<Municipality, StoreError> {
        m.validate()?;
        self.write(|conn| {
            if row(conn, m.id.as_str())?.is_some() {
                return Err(StoreError::MunicipalityExists);
            }
            diesel::insert_into(municipalities::table)
                .values(MunicipalityRow::from(m))
                .execute(conn)?;
            let audit = Audit {
                municipality: Some(m.id.as_str()),
                ..Audit::new(actor.as_str(), AuditAction::MunicipalityCreate, detail(m))
            };
            record(conn, &audit, now)?;
            Ok(m.clone())
        })
    }

    /// Changes a municipality, audited.
    pub fn change_municipality(
        &self,
        id: &MunicipalityId,
        change: &MunicipalityChange,
        actor: &Username,
        now: OffsetDateTime,
    ) -> Result<Municipality, StoreError> {
        self.write(|conn| {
            // The version rises first: the row is locked for the change.
            diesel::update(municipalities::table.find(id.as_str()))
                .set(municipalities::version.eq(municipalities::version + 1))
                .execute(conn)?;
            let current = row(conn, id.as_str())?.ok_or(StoreError::UnknownMunicipality)?;
            let next = current.apply(change)?;
            diesel::update(municipalities::table.find(id.as_str()))
                .set(MunicipalityRow::from(&next))
                .execute(conn)?;
            let audit = Audit {
                municipality: Some(id.as_str()),
                ..Audit::new(
                    actor.as_str(),
                    AuditAction::MunicipalityChange,
                    detail(&next),
                )
            };
            record(conn, &audit, now)?;
            Ok(next)
        })
    }

    /// R39: a new office of its municipality, validated and audited;
    /// `OfficeExists` if the id is taken (office ids stay unique across
    /// municipalities, so every path keeps naming one office).
    pub fn create_office(
        &self,
        office: &Office,
        actor: &Username,
        now: OffsetDateTime,
    ) -> Result<Office, StoreError> {
        office.validate().map_err(|e| StoreError::Edit(e.into()))?;
        self.write(|conn| {
            row(conn, office.municipality.as_str())?.ok_or(StoreError::UnknownMunicipality)?;
            if crate::offices::version(conn, office.id.as_str())?.is_some() {
                return Err(StoreError::OfficeExists);
            }
            crate::offices::insert_office(conn, office)?;
            let detail = serde_json::json!({
                "office": office.id.as_str(),
                "name": office.name,
                "settings": office.settings,
            });
            let audit = Audit {
                office: Some(office.id.as_str()),
                municipality: Some(office.municipality.as_str()),
                ..Audit::new(actor.as_str(), AuditAction::OfficeCreate, detail)
            };
            record(conn, &audit, now)?;
            Ok(office.clone())
        })
    }
}

fn detail(m: &Municipality) -> serde_json::Value {
    serde_json::json!({
        "id": m.id.as_str(),
        "name": m.name,
        "ags": m.ags.as_str(),
        "mail_from": m.mail_from,
        "public_url": m.public_url,
        "imprint_url": m.imprint_url,
        "privacy_url": m.privacy_url,
        "accessibility_url": m.accessibility_url,
    })
}
