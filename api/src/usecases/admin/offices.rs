//! An office's configuration (R6, R21, R22): read, and changed by one typed
//! [`OfficeEdit`] at a time. An edit that would strand confirmed bookings
//! is refused with the list, or applied with `force` and the list returned;
//! slot search follows at once.

use crate::state::AppState;
use crate::usecases::staff::Actor;
use domain::{Office, OfficeEdit, OfficeId};
use persistence::{OfficeChange, StoreError};
use std::sync::Arc;

/// An office's whole configuration (R39: of the admin's municipality).
pub async fn office(
    state: &AppState,
    admin: &Actor,
    id: OfficeId,
) -> Result<Arc<Office>, StoreError> {
    admin.acts_on(&id)?;
    state.call(move |store, _| store.office(&id)).await
}

/// Applies `edit` to `office` (R39: of the admin's municipality), audited
/// as `admin`: the configuration now and the bookings it stranded.
pub async fn edit_office(
    state: &AppState,
    admin: &Actor,
    office: OfficeId,
    edit: OfficeEdit,
    force: bool,
) -> Result<OfficeChange, StoreError> {
    admin.acts_on(&office)?;
    let name = admin.username.clone();
    state
        .call(move |store, now| store.update_office(&office, &edit, force, &name, now))
        .await
}
