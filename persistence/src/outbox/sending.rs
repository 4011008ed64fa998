//! Claiming is a conditional UPDATE (`… WHERE status = 'pending' AND the
//! lease is free`): of two senders, in this process or another, on
//! PostgreSQL or SQLite, exactly one updates the row (PostgreSQL re-checks
//! the condition after the first commits). The lease (`claimed_until`)
//! lets another sender take over a row whose sender died; a sender that
//! died after the mail server accepted the message but before marking it
//! sent makes it go out twice (no SMTP offers more), with the same
//! Message-ID.

use super::confirmation::{Waiting, promote};
use super::{ClaimedMessage, New, OutboxRow, insert};
use crate::bookings::{booking_row, one};
use crate::infra::codec::{from_db, to_db, to_u32};
use crate::infra::connection::DbConnection;
use crate::infra::locks;
use crate::infra::schema::outbox;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{MessageKind, MessageStatus, Retry, retry_after, still_worth_sending};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Whether a claim on a row has run out (or there is none) at `now`.
macro_rules! lease_free {
    ($now:expr) => {
        outbox::claimed_until
            .is_null()
            .or(outbox::claimed_until.le(to_db($now)))
    };
}

impl Store {
    /// Claims up to `limit` messages due at `now` for `lease` (I6): no other
    /// sender gets them until the lease runs out or they are marked. Messages
    /// no longer worth sending (`domain::still_worth_sending`) are marked
    /// obsolete instead.
    pub fn claim_messages(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let claim = Uuid::new_v4().to_string();
        let pending = MessageStatus::Pending.as_str();
        self.write(|conn| {
            locks::lock_outbox(conn)?;
            promote(conn, Waiting::DueBy(now, limit))?;
            let candidates: Vec<OutboxRow> = outbox::table
                .filter(outbox::status.eq(pending))
                .filter(outbox::due_at.le(to_db(now)))
                .filter(lease_free!(now))
                .order((outbox::due_at, outbox::id))
                .limit(i64::from(limit))
                .select(OutboxRow::as_select())
                .load(conn)?;
            let mut claimed = Vec::new();
            for row in candidates {
                let won = diesel::update(
                    outbox::table
                        .find(&row.id)
                        .filter(outbox::status.eq(pending))
                        .filter(lease_free!(now)),
                )
                .set((
                    outbox::claimed_by.eq(&claim),
                    outbox::claimed_until.eq(Some(to_db(now + lease))),
                ))
                .execute(conn)?;
                if won == 0 {
                    continue;
                }
                let message = row.message()?;
                let booking_row = booking_row(conn, &row.booking_id)?;
                let booking = one(conn, booking_row)?;
                if !still_worth_sending(
                    message.kind,
                    message.sequence,
                    booking.status,
                    booking.sequence,
                    booking.start,
                    now,
                ) {
                    finish(conn, &row.id, &claim, MessageStatus::Obsolete, now)?;
                    continue;
                }
                let office = self.cached_office(conn, booking.office.as_str(), None)?;
                // R39: its sender, links and name are the municipality's.
                let municipality = crate::municipalities::load(conn, &office.municipality)?;
                let secret = row.secret.as_deref().and_then(|sealed| {
                    let opened = self.sealer.open(sealed, &row.booking_id);
                    if opened.is_none() {
                        tracing::warn!(
                            message = %message.id,
                            booking = %message.booking,
                            "the token of this message was sealed with another key (a random \
                             one before a restart, or another TERMIN_JWT_SECRET): it goes out \
                             without its manage link"
                        );
                    }
                    opened
                });
                claimed.push(ClaimedMessage {
                    message,
                    claim: claim.clone(),
                    secret,
                    booking,
                    office,
                    municipality,
                });
            }
            Ok(claimed)
        })
    }

    /// The message was handed to the mail server: sent, its secret erased.
    /// `false`: the claim had run out and another sender has it.
    pub fn mark_sent(
        &self,
        id: Uuid,
        claim: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.write(|conn| {
            locks::lock_outbox(conn)?;
            let row: Option<(String, i32, Option<time::PrimitiveDateTime>)> = outbox::table
                .find(&id)
                .filter(outbox::claimed_by.eq(claim))
                .select((outbox::booking_id, outbox::sequence, outbox::remind_at))
                .first(conn)
                .optional()?;
            let Some((booking, sequence, remind_at)) = row else {
                return Ok(false);
            };
            finish(conn, &id, claim, MessageStatus::Sent, now)?;
            // R23: the reminder follows the message that told of this state
            // of the booking, once that is out (so a booking's own
            // transaction writes one row). It is for that state only.
            if let Some(at) = remind_at.map(from_db).filter(|at| *at > now) {
                let new = New {
                    booking: &booking,
                    sequence,
                    kind: MessageKind::Reminder,
                    secret: None,
                    due: at,
                    remind_at: None,
                };
                insert(conn, new, now)?;
            }
            Ok(true)
        })
    }

    /// Sending failed with `error` (which must name no address): tried again
    /// after the back-off, or marked failed after the last attempt (R23).
    pub fn mark_failed(
        &self,
        id: Uuid,
        claim: &str,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<MessageStatus, StoreError> {
        let id = id.to_string();
        let error: String = error.chars().take(500).collect();
        self.write(|conn| {
            locks::lock_outbox(conn)?;
            let attempts: i32 = outbox::table
                .find(&id)
                .filter(outbox::claimed_by.eq(claim))
                .select(outbox::attempts)
                .first(conn)
                .optional()?
                .ok_or(StoreError::UnknownMessage)?;
            let attempts = attempts.saturating_add(1);
            match retry_after(to_u32(attempts, "outbox.attempts")?, now) {
                Retry::At(next) => {
                    diesel::update(outbox::table.find(&id))
                        .set((
                            outbox::attempts.eq(attempts),
                            outbox::last_error.eq(Some(&error)),
                            outbox::due_at.eq(to_db(next)),
                            outbox::claimed_by.eq(None::<String>),
                            outbox::claimed_until.eq(None::<time::PrimitiveDateTime>),
                        ))
                        .execute(conn)?;
                    Ok(MessageStatus::Pending)
                }
                Retry::GiveUp => {
                    diesel::update(outbox::table.find(&id))
                        .set((
                            outbox::attempts.eq(attempts),
                            outbox::last_error.eq(Some(&error)),
                        ))
                        .execute(conn)?;
                    finish(conn, &id, claim, MessageStatus::Failed, now)?;
                    Ok(MessageStatus::Failed)
                }
            }
        })
    }
}

/// Ends a claim with `status`: the secret is erased, the claim released.
/// `false` if the claim was no longer this sender's.
fn finish(
    conn: &mut DbConnection,
    id: &str,
    claim: &str,
    status: MessageStatus,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let sent_at = (status == MessageStatus::Sent).then(|| to_db(now));
    let changed = diesel::update(outbox::table.find(id).filter(outbox::claimed_by.eq(claim)))
        .set((
            outbox::status.eq(status.as_str()),
            outbox::secret.eq(None::<String>),
            outbox::sent_at.eq(sent_at),
            outbox::claimed_by.eq(None::<String>),
            outbox::claimed_until.eq(None::<time::PrimitiveDateTime>),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}
