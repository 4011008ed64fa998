//! Municipalities (R39): listed for everyone, managed by operators, and
//! the offices each owns.

use crate::state::AppState;
use crate::usecases::staff::Actor;
use domain::{Municipality, MunicipalityChange, MunicipalityId, NewOffice, Office};
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
        .call(move |store, _| {
            let all = store.offices()?;
            let Some(m) = municipality else {
                return Ok(all);
            };
            store.municipality(&m)?;
            Ok(all.into_iter().filter(|o| o.municipality == m).collect())
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
