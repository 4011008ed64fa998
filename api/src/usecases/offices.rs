//! The offices and their services (R1, R2; R21, R22), as citizens see them.

use crate::state::AppState;
use domain::{Leika, OfficeId, Service};
use persistence::StoreError;
use std::sync::Arc;

// Every office, or a municipality's: `super::municipalities::offices_of`.

/// The services `office` offers now, only those with the national key
/// `leika` if one is given (R22).
pub async fn services(
    state: &Arc<AppState>,
    office: OfficeId,
    leika: Option<Leika>,
) -> Result<Vec<Service>, StoreError> {
    let office = state.call(move |store, _| store.office(&office)).await?;
    Ok(office.bookable_services(leika.as_ref()).cloned().collect())
}
