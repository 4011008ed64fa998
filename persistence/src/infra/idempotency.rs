//! `Idempotency-Key` for bookings, holds, hold confirmations and moves: a retry with the same key and the
//! same request within [`KEY_LIFETIME`] gets the booking the first request
//! made, never a second one. A booking's or a hold's key is bound to the
//! client address it came from (part of the request's fingerprint); a
//! confirmation's and a move's to the hold's or the booking's token. Kept
//! in the database, in the booking's transaction, so it holds across
//! processes.

use crate::infra::codec::to_db;
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::idempotency_keys;
use crate::infra::secret::hash_token;
use crate::{NewBooking, StoreError};
use diesel::prelude::*;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// How long a key is remembered.
pub const KEY_LIFETIME: Duration = Duration::hours(24);

/// What a key found: nothing (go on), or the id of the booking or hold
/// its first request made.
pub(crate) enum Seen {
    New,
    Made(String),
}

/// The fingerprint of a request's fields: their JSON, hashed as tokens are.
fn fingerprint(fields: &serde_json::Value) -> String {
    hash_token(&fields.to_string())
}

/// With a key: takes its lock, and answers the id of what a request with
/// this key and fingerprint made before (a retry), if one did.
pub(crate) fn retried(
    conn: &mut DbConnection,
    key: Option<(&str, &str)>,
    now: OffsetDateTime,
) -> Result<Option<String>, StoreError> {
    let Some((key, hash)) = key else {
        return Ok(None);
    };
    locks::lock_name(conn, "idempotency", key)?;
    Ok(match seen(conn, key, hash, now)? {
        Seen::Made(id) => Some(id),
        Seen::New => None,
    })
}

/// A fingerprint of everything a booking request asks for, and of the
/// client its key is bound to (issue #23: the same key and body from
/// another client address is another request, 422 `idempotency_key_reused`).
pub(crate) fn request_hash(r: &NewBooking) -> String {
    let services: Vec<&str> = r.services.iter().map(|s| s.as_str()).collect();
    let c = &r.citizen;
    let mut fields = serde_json::json!([
        r.office.as_str(),
        services,
        r.start.format(&Rfc3339).ok(),
        r.kind.as_str(),
        r.channel.as_str(),
        c.name(),
        c.email(),
        c.phone(),
        c.postcode().map(|p| p.as_str()),
        r.created_by.as_ref().map(|u| u.as_str()),
    ]);
    // Hashed, as a hold's client is; a key bound to no client has the
    // fingerprint it had before keys were bound.
    let client = r.idempotency_key.as_ref().and_then(|k| k.client.as_deref());
    if let (Some(client), Some(list)) = (client, fields.as_array_mut()) {
        list.push(serde_json::Value::from(crate::infra::secret::hash_token(
            client,
        )));
    }
    fingerprint(&fields)
}

/// A fingerprint of a hold request (R19), the client included.
pub(crate) fn hold_hash(r: &crate::NewHold) -> String {
    let services: Vec<&str> = r.services.iter().map(|s| s.as_str()).collect();
    let fields = serde_json::json!([
        "hold",
        r.office.as_str(),
        services,
        r.start.format(&Rfc3339).ok(),
        r.kind.as_str(),
        crate::infra::secret::hash_token(&r.client),
    ]);
    fingerprint(&fields)
}

/// A fingerprint of a move (R20): the booking, who moves it, where to.
pub(crate) fn move_hash(id: &str, who: &str, r: &crate::MoveRequest) -> String {
    let services: Option<Vec<&str>> = r
        .services
        .as_ref()
        .map(|list| list.iter().map(|s| s.as_str()).collect());
    let fields = serde_json::json!(["move", id, who, r.start.format(&Rfc3339).ok(), services]);
    fingerprint(&fields)
}

/// A fingerprint of a hold's confirmation: the hold, its secret (so a key
/// alone never reveals the booking) and the citizen.
pub(crate) fn confirmation_hash(
    hold: &uuid::Uuid,
    hold_token: &str,
    c: &domain::Citizen,
) -> String {
    let fields = serde_json::json!([
        "confirm",
        hold.to_string(),
        crate::infra::secret::hash_token(hold_token),
        c.name(),
        c.email(),
        c.phone(),
        c.postcode().map(|p| p.as_str()),
    ]);
    fingerprint(&fields)
}

/// The booking `key` made within its lifetime, if any; 422
/// `idempotency_key_reused` if the key came with another request.
pub(crate) fn seen(
    conn: &mut DbConnection,
    key: &str,
    hash: &str,
    now: OffsetDateTime,
) -> Result<Seen, StoreError> {
    diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::created_at.le(to_db(now - KEY_LIFETIME))),
    )
    .execute(conn)?;
    let row: Option<(String, String)> = idempotency_keys::table
        .find(key)
        .select((idempotency_keys::request_hash, idempotency_keys::target_id))
        .first(conn)
        .optional()?;
    match row {
        None => Ok(Seen::New),
        Some((stored, target)) if stored == hash => Ok(Seen::Made(target)),
        Some(_) => Err(StoreError::IdempotencyKeyReused),
    }
}

/// Remembers that `key` made `target` (a booking or hold id). A second request with the key racing
/// this one fails on the primary key; its transaction is tried again and
/// then finds this row.
pub(crate) fn remember(
    conn: &mut DbConnection,
    key: &str,
    hash: &str,
    target: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::target_id.eq(target),
            idempotency_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
