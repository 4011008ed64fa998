//! Municipalities (R39): listed for everyone, managed by operators, and
//! the offices each owns.

use crate::state::AppState;
use crate::usecases::staff::Actor;
use domain::{
    Municipality, MunicipalityChange, MunicipalityId, MunicipalityIdError, NewOffice, Office,
};
use persistence::StoreError;
use std::sync::Arc;

/// Every municipality, by id.
pub async fn municipalities(state: &AppState) -> Result<Vec<Municipality>, StoreError> {
    state.call(|store, _| store.municipalities()).await
}

/// The offices of `municipality` (all without one); an unknown one is 404.
pub async fn offices_of(
    state: &AppState,
    municipality: Option<MunicipalityId>,
) -> Result<Vec<Arc<Office>>, StoreError> {
    state
        .call(move |store, _| match municipality {
            None => store.offices(),
            Some(m) => {
                store.municipality(&m)?;
                store.offices_of(&m)
            }
        })
        .await
}

/// The municipality `id`.
pub async fn municipality(
    state: &AppState,
    id: MunicipalityId,
) -> Result<Municipality, StoreError> {
    state.call(move |store, _| store.municipality(&id)).await
}

/// What the first segment of a page's path names (R39: the page of Kaarst
/// is `/kaarst/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathName {
    /// A municipality of this deployment, spelt as its id.
    Municipality(MunicipalityId),
    /// A municipality of this deployment spelt otherwise (`Kaarst`): its id.
    Respelt(MunicipalityId),
    /// A path of the server itself (`api`, `web`, …; `RESERVED_SLUGS`).
    Reserved,
    /// No municipality here (none of that id, or no id at all).
    Unknown,
}

/// What the path segment `segment` names.
pub async fn named_by(state: &AppState, segment: &str) -> Result<PathName, StoreError> {
    let (id, respelt) = match MunicipalityId::parse(segment) {
        Ok(id) => (id, false),
        Err(MunicipalityIdError::Reserved(_)) => return Ok(PathName::Reserved),
        Err(MunicipalityIdError::Invalid(_)) => {
            match MunicipalityId::parse(&segment.to_lowercase()) {
                Ok(id) => (id, true),
                Err(_) => return Ok(PathName::Unknown),
            }
        }
    };
    match state.call(move |store, _| store.municipality(&id)).await {
        Ok(m) if respelt => Ok(PathName::Respelt(m.id)),
        Ok(m) => Ok(PathName::Municipality(m.id)),
        Err(StoreError::UnknownMunicipality) => Ok(PathName::Unknown),
        Err(e) => Err(e),
    }
}

/// Creates a municipality, audited as `operator`.
pub async fn create(
    state: &AppState,
    operator: &Actor,
    m: Municipality,
) -> Result<Municipality, StoreError> {
    let actor = operator.username.clone();
    state
        .call(move |store, now| store.create_municipality(&m, &actor, now))
        .await
}

/// Changes a municipality, audited as `operator`.
pub async fn change(
    state: &AppState,
    operator: &Actor,
    id: MunicipalityId,
    change: MunicipalityChange,
) -> Result<Municipality, StoreError> {
    let actor = operator.username.clone();
    state
        .call(move |store, now| store.change_municipality(&id, &change, &actor, now))
        .await
}

/// Creates an office of its municipality, audited as `operator`; its
/// values are checked as an admin's edits check them.
pub async fn create_office(
    state: &AppState,
    operator: &Actor,
    office: NewOffice,
) -> Result<Office, StoreError> {
    let office = office.build()?;
    let actor = operator.username.clone();
    state
        .call(move |store, now| store.create_office(&office, &actor, now))
        .await
}
