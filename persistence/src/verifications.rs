//! R33: verifications of e-mail addresses and the contact tokens they give.
//! A verification's row is also its code's message: sealed until sent,
//! claimed by one sender at a time under a lease (I6: once).

use crate::infra::codec::{from_db, to_db, to_i32, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::{contact_tokens, verifications};
use crate::infra::secret::{hash_token, new_token};
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{
    CODE_DIGITS, CODE_VALID, TOKEN_VALID, Verification, email_key, is_code, may_send_code,
    same_in_constant_time,
};
use rand::Rng;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A verification just asked for: where to confirm it, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVerification {
    pub id: Uuid,
    pub expires_at: OffsetDateTime,
}

/// What a right code gives (R33): the token, shown once, proving `email`'s
/// mailbox until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactToken {
    pub token: String,
    pub email: String,
    pub expires_at: OffsetDateTime,
}

/// A verified contact, as a contact token proves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// R34: the mailbox key.
    pub mailbox: String,
    /// The address as entered when it was verified.
    pub email: String,
}

/// A code claimed for sending.
#[derive(Debug, Clone)]
pub struct ClaimedCode {
    pub id: Uuid,
    pub claim: String,
    pub email: String,
    pub code: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = verifications)]
struct Row {
    id: String,
    email: String,
    code_hash: String,
    code_sealed: Option<String>,
    expires_at: time::PrimitiveDateTime,
    wrong: i32,
    confirmed_at: Option<time::PrimitiveDateTime>,
}

/// The stored form of `code` for verification `id`: a hash of both, so
/// the same code of two verifications is stored differently.
fn code_hash(id: &str, code: &str) -> String {
    hash_token(&format!("{id}\n{}", code.trim()))
}

fn new_code() -> String {
    let n: u32 = rand::rng().random_range(0..1_000_000);
    format!("{n:0width$}", width = CODE_DIGITS)
}

impl Store {
    /// R33: a new verification of `email` with a fresh code, its message
    /// waiting to be sent; `CodeLimit` when the mailbox (R34) had its codes
    /// of the hour. The answer never says whether the address is known.
    pub fn request_verification(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> Result<NewVerification, StoreError> {
        let mailbox = email_key(email);
        let id = Uuid::now_v7();
        let code = new_code();
        let sealed = self.sealer.seal(&code, &id.to_string())?;
        self.write(|conn| {
            locks::lock_name(conn, "verify", &mailbox)?;
            locks::lock_verifications(conn)?;
            let since = now - domain::CODES_WINDOW;
            let sent: Vec<time::PrimitiveDateTime> = verifications::table
                .filter(verifications::mailbox.eq(&mailbox))
                .filter(verifications::created_at.gt(to_db(since)))
                .select(verifications::created_at)
                .load(conn)?;
            let sent: Vec<OffsetDateTime> = sent.into_iter().map(from_db).collect();
            may_send_code(&sent, now).map_err(StoreError::CodeLimit)?;
            let expires_at = now + CODE_VALID;
            diesel::insert_into(verifications::table)
                .values((
                    verifications::id.eq(id.to_string()),
                    verifications::mailbox.eq(&mailbox),
                    verifications::email.eq(email.trim()),
                    verifications::code_hash.eq(code_hash(&id.to_string(), &code)),
                    verifications::code_sealed.eq(Some(&sealed)),
                    verifications::created_at.eq(to_db(now)),
                    verifications::expires_at.eq(to_db(expires_at)),
                ))
                .execute(conn)?;
            Ok(NewVerification { id, expires_at })
        })
    }

    /// R33: enters `code` for verification `id`. A right one (once) gives a
    /// contact token; a wrong one counts, the fifth voids it. 40 at once
    /// give one token: the row is locked for the comparison.
    pub fn confirm_verification(
        &self,
        id: Uuid,
        code: &str,
        now: OffsetDateTime,
    ) -> Result<ContactToken, StoreError> {
        let id = id.to_string();
        self.write(|conn| {
            locks::lock_verifications(conn)?;
            // The first statement a write: the row is locked (PostgreSQL).
            let found = diesel::update(verifications::table.find(&id))
                .set(verifications::wrong.eq(verifications::wrong))
                .execute(conn)?;
            if found == 0 {
                return Err(StoreError::UnknownVerification);
            }
            let row: Row = verifications::table
                .find(&id)
                .select(Row::as_select())
                .first(conn)?;
            let state = Verification {
                expires_at: from_db(row.expires_at),
                wrong: to_u32(row.wrong, "verifications.wrong")?,
                confirmed: row.confirmed_at.is_some(),
            };
            let right = is_code(code)
                && same_in_constant_time(
                    code_hash(&row.id, code).as_bytes(),
                    row.code_hash.as_bytes(),
                );
            let (after, answer) = state.enter(right, now);
            diesel::update(verifications::table.find(&id))
                .set((
                    verifications::wrong.eq(to_i32(after.wrong)),
                    verifications::confirmed_at
                        .eq(after.confirmed.then(|| to_db(now)).or(row.confirmed_at)),
                ))
                .execute(conn)?;
            if let Err(refused) = answer {
                // The count of wrong codes stays, though the answer is a
                // refusal: a store error would roll it back.
                return Ok(Err(refused));
            }
            let token = new_token();
            let expires_at = now + TOKEN_VALID;
            diesel::insert_into(contact_tokens::table)
                .values((
                    contact_tokens::token_hash.eq(hash_token(&token)),
                    contact_tokens::mailbox.eq(email_key(&row.email)),
                    contact_tokens::email.eq(&row.email),
                    contact_tokens::created_at.eq(to_db(now)),
                    contact_tokens::expires_at.eq(to_db(expires_at)),
                ))
                .execute(conn)?;
            Ok(Ok(ContactToken {
                token,
                email: row.email,
                expires_at,
            }))
        })?
        .map_err(StoreError::Verification)
    }

    /// R33: the contact `token` proves at `now`; `None` for an unknown or
    /// expired one.
    pub fn contact(&self, token: &str, now: OffsetDateTime) -> Result<Option<Contact>, StoreError> {
        let mut conn = self.conn()?;
        proven(&mut conn, Some(token), now)
    }

    /// R33, I6: claims up to `limit` codes waiting to be sent (not expired),
    /// each for `lease`; a claim another sender holds is passed over.
    pub fn claim_codes(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedCode>, StoreError> {
        let claim = Uuid::new_v4().to_string();
        self.write(|conn| {
            locks::lock_verifications(conn)?;
            let free = verifications::claimed_until
                .is_null()
                .or(verifications::claimed_until.le(to_db(now)));
            let candidates: Vec<Row> = verifications::table
                .filter(verifications::send_status.eq("pending"))
                .filter(verifications::expires_at.gt(to_db(now)))
                .filter(free)
                .order(verifications::created_at)
                .limit(i64::from(limit))
                .select(Row::as_select())
                .load(conn)?;
            let mut claimed = Vec::new();
            for row in candidates {
                let won = diesel::update(
                    verifications::table
                        .find(&row.id)
                        .filter(verifications::send_status.eq("pending"))
                        .filter(
                            verifications::claimed_until
                                .is_null()
                                .or(verifications::claimed_until.le(to_db(now))),
                        ),
                )
                .set((
                    verifications::claimed_by.eq(Some(&claim)),
                    verifications::claimed_until.eq(Some(to_db(now + lease))),
                    verifications::send_attempts.eq(verifications::send_attempts + 1),
                ))
                .execute(conn)?;
                let code = row
                    .code_sealed
                    .as_deref()
                    .and_then(|sealed| self.sealer.open(sealed, &row.id));
                match (won, code) {
                    (1, Some(code)) => claimed.push(ClaimedCode {
                        id: Uuid::parse_str(&row.id).map_err(crate::infra::codec::corrupt)?,
                        claim: claim.clone(),
                        email: row.email,
                        code,
                        expires_at: from_db(row.expires_at),
                    }),
                    (1, None) => {
                        // Sealed with another key (a random one of an
                        // earlier process): it cannot be sent; the citizen
                        // asks for a new code.
                        finish_code(conn, &row.id, &claim, "failed", now)?;
                    }
                    _ => {}
                }
            }
            Ok(claimed)
        })
    }

    /// R33, I6: the claimed code went out; the sealed code is dropped.
    /// `false` if the claim was lost to another sender.
    pub fn mark_code_sent(
        &self,
        id: Uuid,
        claim: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.write(|conn| {
            locks::lock_verifications(conn)?;
            finish_code(conn, &id.to_string(), claim, "sent", now)
        })
    }

    /// R33: the claimed code could not be sent: it is tried again after the
    /// lease while it is valid (a code is short-lived: no longer back-off).
    pub fn release_code(&self, id: Uuid, claim: &str) -> Result<(), StoreError> {
        self.write(|conn| {
            locks::lock_verifications(conn)?;
            diesel::update(
                verifications::table
                    .find(id.to_string())
                    .filter(verifications::claimed_by.eq(claim)),
            )
            .set(verifications::claimed_by.eq(None::<String>))
            .execute(conn)?;
            Ok(())
        })
    }
}

/// R33: the mailbox contact `token` proves at `now`, if any.
pub(crate) fn proven_mailbox(
    conn: &mut DbConnection,
    token: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<String>, StoreError> {
    Ok(proven(conn, token, now)?.map(|c| c.mailbox))
}

/// R33: the contact `token` proves at `now`, if any: the one lookup of a
/// contact token.
fn proven(
    conn: &mut DbConnection,
    token: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<Contact>, StoreError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let found: Option<(String, String)> = contact_tokens::table
        .find(hash_token(token))
        .filter(contact_tokens::expires_at.gt(to_db(now)))
        .select((contact_tokens::mailbox, contact_tokens::email))
        .first(conn)
        .optional()?;
    Ok(found.map(|(mailbox, email)| Contact { mailbox, email }))
}

/// R33: where `office` asks for a verified contact for a request of `kind`
/// through `channel`, the contact token must prove the mailbox of `email`
/// (R34: however it is written); a request without an e-mail (a phone
/// number alone) is refused there. Staff need none.
pub(crate) fn check_contact(
    conn: &mut DbConnection,
    office: &domain::Office,
    (kind, channel): (domain::BookingKind, domain::Channel),
    email: Option<&str>,
    token: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if !office.settings.verify_contact.requires(kind, channel) {
        return Ok(());
    }
    let proven = proven_mailbox(conn, token, now)?;
    match (email, proven) {
        (Some(email), Some(mailbox)) if email_key(email) == mailbox => Ok(()),
        _ => Err(domain::BookingError::ContactUnverified.into()),
    }
}

/// R31, R33: verifications an hour past their expiry (the window of the
/// limit per mailbox has left them) and expired contact tokens go, with the
/// addresses they hold.
pub(crate) fn purge_expired(
    conn: &mut DbConnection,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let past = to_db(now - domain::CODES_WINDOW);
    diesel::delete(verifications::table.filter(verifications::expires_at.le(past)))
        .execute(conn)?;
    diesel::delete(contact_tokens::table.filter(contact_tokens::expires_at.le(to_db(now))))
        .execute(conn)?;
    Ok(())
}

fn finish_code(
    conn: &mut DbConnection,
    id: &str,
    claim: &str,
    status: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = diesel::update(
        verifications::table
            .find(id)
            .filter(verifications::claimed_by.eq(claim))
            .filter(verifications::send_status.eq("pending")),
    )
    .set((
        verifications::send_status.eq(status),
        verifications::code_sealed.eq(None::<String>),
        verifications::sent_at.eq((status == "sent").then(|| to_db(now))),
    ))
    .execute(conn)?;
    Ok(done == 1)
}
