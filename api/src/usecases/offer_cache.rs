//! Issue #13: slot search and the Tagesticket status answered from a cache
//! of their JSON (with its ETag), checked against the store's stamp of the
//! days they cover: the configuration's version, each day's version, and
//! the first expiry of a live hold (`persistence::OfferStamp`). A hit costs
//! three small queries instead of reading every booking of the days,
//! computing the starts and writing 30 KB of JSON; several processes stay
//! right because the stamp is read from the database.
//!
//! The key holds the minute of `now`, so an answer is reused within the
//! minute it was computed in at most: a start that begins during that
//! minute may be offered until its end (booking it is then refused as
//! past, `in_past`), and release times (whole minutes) are met exactly.

use actix_web::web::Bytes;
use persistence::OfferStamp;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use time::{Date, OffsetDateTime};

/// Entries kept at most; beyond, older minutes go first, then everything.
const MAX_ENTRIES: usize = 4096;

/// What an answer is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OfferKey {
    /// `slots` or `day_tickets`.
    pub what: &'static str,
    pub office: String,
    pub services: Vec<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Minutes since the epoch of the request's `now`.
    pub minute: i64,
}

impl OfferKey {
    pub fn minute_of(now: OffsetDateTime) -> i64 {
        now.unix_timestamp().div_euclid(60)
    }
}

/// An answer: the JSON and its ETag, computed once with the answer and
/// kept with it (the routes answer `304` by it, `http::etag`).
#[derive(Debug, Clone)]
pub struct Answer {
    pub body: Bytes,
    pub etag: String,
}

impl Answer {
    pub fn new(body: Vec<u8>) -> Self {
        let etag = tag_of(&body);
        Self {
            body: Bytes::from(body),
            etag,
        }
    }
}

/// The strong ETag of `body`: 128 bits of its SHA-256.
fn tag_of(body: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(body)[..16]))
}

#[derive(Debug)]
struct Entry {
    /// Read before the answer was computed.
    stamp: OfferStamp,
    answer: Answer,
}

#[derive(Debug, Default)]
pub struct OfferCache {
    entries: Mutex<HashMap<OfferKey, Entry>>,
}

impl OfferCache {
    /// The cached answer for `key` if `stamp` (read now) says nothing it was
    /// computed from has changed.
    pub fn get(&self, key: &OfferKey, stamp: &OfferStamp, now: OffsetDateTime) -> Option<Answer> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(key)?;
        entry
            .stamp
            .still_holds(stamp, now)
            .then(|| entry.answer.clone())
    }

    /// Keeps `answer`, computed after `stamp` was read.
    pub fn put(&self, key: OfferKey, stamp: OfferStamp, answer: Answer) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            let minute = key.minute;
            entries.retain(|k, _| k.minute == minute);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, Entry { stamp, answer });
    }
}
