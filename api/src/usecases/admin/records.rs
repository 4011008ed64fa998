//! What admins read back: the audit log of staff actions, the outbox of
//! messages to citizens (R23), and the statistics per office and day (R30).

use super::error::StatisticsError;
use crate::state::AppState;
use crate::usecases::staff::Actor;
use domain::{DayStatistics, MAX_STATISTICS_DAYS, MessageStatus, MunicipalityId, OfficeId};
use persistence::{AuditEntry, Message, StoreError};
use time::Date;

/// The newest `limit` entries of the audit log the admin sees (R39: of
/// its municipality), newest first.
pub async fn audit_log(
    state: &AppState,
    admin: &Actor,
    limit: u32,
) -> Result<Vec<AuditEntry>, StoreError> {
    let municipality = admin.municipality.clone();
    state
        .call(move |store, _| store.audit_log_of(municipality.as_ref(), limit))
        .await
}

/// At most `limit` messages of the outbox, of one status or all, the
/// latest due first.
pub async fn messages(
    state: &AppState,
    admin: &Actor,
    status: Option<MessageStatus>,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    let municipality = admin.municipality.clone();
    state
        .call(move |store, _| store.messages_in(municipality.as_ref(), status, limit))
        .await
}

/// R39: a municipality's statistics for each day from `from` to `to` (its
/// offices together), for an admin of it or an operator; another
/// municipality is unknown to the admin.
pub async fn municipality_statistics(
    state: &AppState,
    admin: &Actor,
    municipality: MunicipalityId,
    from: Date,
    to: Date,
) -> Result<Vec<DayStatistics>, StatisticsError> {
    if !admin.within(&municipality) {
        return Err(StoreError::UnknownMunicipality.into());
    }
    if !(0..MAX_STATISTICS_DAYS).contains(&(to - from).whole_days()) {
        return Err(StatisticsError::InvalidRange);
    }
    Ok(state
        .call(move |store, now| store.municipality_statistics(&municipality, from, to, now))
        .await?)
}

/// An office's statistics for each day from `from` to `to`, a range of at
/// most [`MAX_STATISTICS_DAYS`].
pub async fn statistics(
    state: &AppState,
    admin: &Actor,
    office: OfficeId,
    from: Date,
    to: Date,
) -> Result<Vec<DayStatistics>, StatisticsError> {
    admin.acts_on(&office)?;
    if !(0..MAX_STATISTICS_DAYS).contains(&(to - from).whole_days()) {
        return Err(StatisticsError::InvalidRange);
    }
    Ok(state
        .call(move |store, now| store.statistics(&office, from, to, now))
        .await?)
}
