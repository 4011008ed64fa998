//! An office's configuration (R6, R21, R22): read, and changed by one typed
//! [`OfficeEdit`] at a time. An edit that would strand confirmed bookings
//! is refused with the list, or applied with `force` and the list returned;
//! slot search follows at once.

use crate::state::AppState;
use domain::{Office, OfficeEdit, OfficeId, Username};
use persistence::{OfficeChange, StoreError};
use std::sync::Arc;

/// An office's whole configuration.
pub async fn office(state: &AppState, id: OfficeId) -> Result<Arc<Office>, StoreError> {
    state.call(move |store, _| store.office(&id)).await
}

/// Applies `edit` to `office`, audited as `admin`: the configuration now
/// and the bookings it stranded.
pub async fn edit_office(
    state: &AppState,
    admin: Username,
    office: OfficeId,
    edit: OfficeEdit,
    force: bool,
) -> Result<OfficeChange, StoreError> {
    state
        .call(move |store, now| store.update_office(&office, &edit, force, &admin, now))
        .await
}
