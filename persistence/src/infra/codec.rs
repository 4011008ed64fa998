//! Between database values and domain values: UTC timestamps, integers,
//! and the one text form of each domain enum. A stored value that does not
//! fit is [`StoreError::Corrupt`], never a silent default.

use crate::StoreError;
use std::str::FromStr;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// UTC timestamps in the database, `OffsetDateTime` everywhere else.
pub(crate) fn to_db(t: OffsetDateTime) -> PrimitiveDateTime {
    let utc = t.to_offset(UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time())
}

/// A stored UTC timestamp as Berlin local time.
pub(crate) fn from_db(t: PrimitiveDateTime) -> OffsetDateTime {
    domain::Berlin::local(t.assume_utc())
}

/// A count or length for an INTEGER column. The domain bounds every value
/// far below `i32::MAX` (`Office::validate`), so this never saturates in
/// practice; if it did, the value read back would be refused as corrupt.
pub(crate) fn to_i32(v: impl TryInto<i32>) -> i32 {
    v.try_into().unwrap_or(i32::MAX)
}

/// A stored INTEGER as a count: a negative value is corrupt data.
pub(crate) fn to_u32(v: i32, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| corrupt(format!("{what} = {v}")))
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A stored text as the domain value it names (kind, channel, status, role,
/// audit action, …), through that type's one text mapping.
pub(crate) fn parse<T: FromStr>(text: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(corrupt)
}

/// R21: what to bring, stored as a JSON array of strings.
pub(crate) fn requirements_to_db(list: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(list).map_err(corrupt)
}

pub(crate) fn requirements_from_db(stored: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(stored).map_err(|e| corrupt(format!("services.requirements: {e}")))
}

/// R22: a stored national service key.
pub(crate) fn leika_from_db(stored: Option<&str>) -> Result<Option<domain::Leika>, StoreError> {
    stored
        .map(|k| domain::Leika::parse(k).map_err(corrupt))
        .transpose()
}

/// A list of services (one id repeated per person) as stored: a JSON array
/// of ids (R27's requests, R35's wishes).
pub(crate) fn service_ids_to_db(ids: &[domain::ServiceId]) -> Result<String, StoreError> {
    serde_json::to_string(
        &ids.iter()
            .map(domain::ServiceId::as_str)
            .collect::<Vec<_>>(),
    )
    .map_err(corrupt)
}

/// A stored JSON array of service ids, read back.
pub(crate) fn service_ids_from_db(text: &str) -> Result<Vec<domain::ServiceId>, StoreError> {
    let ids: Vec<String> = serde_json::from_str(text).map_err(corrupt)?;
    ids.iter()
        .map(|id| domain::ServiceId::parse(id).map_err(corrupt))
        .collect()
}
