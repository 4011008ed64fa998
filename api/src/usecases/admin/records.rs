//! What admins read back: the audit log of staff actions, the outbox of
//! messages to citizens (R23), and the statistics per office and day (R30).

use super::error::StatisticsError;
use crate::state::AppState;
use domain::{DayStatistics, MAX_STATISTICS_DAYS, MessageStatus, OfficeId};
use persistence::{AuditEntry, Message, StoreError};
use time::Date;

/// The newest `limit` entries of the audit log, newest first.
pub async fn audit_log(state: &AppState, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    state.call(move |store, _| store.audit_log(limit)).await
}

/// At most `limit` messages of the outbox, of one status or all, the
/// latest due first.
pub async fn messages(
    state: &AppState,
    status: Option<MessageStatus>,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    state
        .call(move |store, _| store.messages(status, limit))
        .await
}

/// An office's statistics for each day from `from` to `to`, a range of at
/// most [`MAX_STATISTICS_DAYS`].
pub async fn statistics(
    state: &AppState,
    office: OfficeId,
    from: Date,
    to: Date,
) -> Result<Vec<DayStatistics>, StatisticsError> {
    if !(0..MAX_STATISTICS_DAYS).contains(&(to - from).whole_days()) {
        return Err(StatisticsError::InvalidRange);
    }
    Ok(state
        .call(move |store, now| store.statistics(&office, from, to, now))
        .await?)
}
