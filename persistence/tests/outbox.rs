//! The outbox (R23, I6) in the store: which changes queue which messages,
//! in the change's transaction; claims that two senders never share;
//! retries and giving up. SQLite always, PostgreSQL with `--ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{BookingKind, Channel, Citizen, MessageKind, MessageStatus, Username};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::{MONDAY_10, citizen, office_id, services};
use persistence::{CancelAuth, MoveRequest, NewBooking, Store, StoreError, on_both_backends};
use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

on_both_backends!(
    std::convert::identity::<TestDb>;
    r23_a_booking_queues_its_confirmation_and_reminder_in_its_transaction,
    r23_move_and_cancel_queue_their_notice_and_replace_the_reminder,
    r23_no_messages_without_an_email_address,
    i6_a_refused_booking_queues_nothing,
    i6_two_stores_claiming_at_once_never_share_a_message,
    r23_failures_back_off_then_fail_and_the_secret_is_erased,
    r23_a_reminder_of_a_changed_booking_is_not_sent,
    r23_the_token_is_kept_only_until_sent_and_a_retry_renews_it,
    r23_a_confirmation_not_yet_in_the_outbox_keeps_its_state_through_a_move,
    i6_reverting_the_migration_moves_waiting_confirmations_into_the_outbox,
    r23_the_token_is_kept_sealed_and_dropped_once_of_no_use,
);

const TUESDAY_0830: OffsetDateTime = datetime!(2026-12-01 08:30 +01:00);
const LEASE: Duration = Duration::minutes(5);

/// The secret the tokens of unsent messages are sealed with (as the
/// server's `TERMIN_JWT_SECRET`): stores with the same one share them.
const SECRET: &[u8] = b"the secret of the stores in these tests";

fn open_with_key(db: &TestDb) -> Store {
    Store::open(db.url())
        .unwrap()
        .with_message_key(Some(SECRET))
}

fn open(db: &TestDb) -> Store {
    let store = open_with_key(db);
    let relax = persistence::test_support::fixtures::without_fair_use();
    store
        .update_office(
            &office_id("buergerbuero"),
            &relax,
            false,
            &Username::parse("admin").unwrap(),
            MONDAY_10,
        )
        .unwrap();
    store
}

fn request(start: OffsetDateTime, who: Citizen) -> NewBooking {
    NewBooking {
        office: office_id("buergerbuero"),
        services: services(&["anmeldung"]),
        start,
        kind: BookingKind::Regular,
        channel: Channel::Online,
        citizen: who,
        created_by: None,
        challenge: None,
        contact_token: None,
        idempotency_key: None,
    }
}

fn kinds(store: &Store, status: MessageStatus) -> Vec<MessageKind> {
    let mut list: Vec<MessageKind> = store
        .messages(Some(status), 1000)
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect();
    list.sort();
    list
}

fn r23_a_booking_queues_its_confirmation_and_reminder_in_its_transaction(db: &TestDb) {
    let store = open(db);
    let made = store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    // One row in the booking's transaction: the confirmation, due at once.
    let all = store.messages(None, 100).unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].booking, made.booking.id);
    assert_eq!(
        kinds(&store, MessageStatus::Pending),
        [MessageKind::Confirmation]
    );
    // Due at once: what a server without a mail server logs as not sent.
    let due = store.due_messages(MONDAY_10, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, MessageKind::Confirmation);
    let claimed = store.claim_messages(MONDAY_10, LEASE, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].message.kind, MessageKind::Confirmation);
    assert_eq!(claimed[0].secret.as_deref(), Some(made.token.as_str()));
    assert!(
        store
            .mark_sent(claimed[0].message.id, &claimed[0].claim, MONDAY_10)
            .unwrap()
    );
    assert_eq!(
        kinds(&store, MessageStatus::Sent),
        [MessageKind::Confirmation]
    );
    // Once it is out, its reminder waits for Monday 16:00 (R23).
    let reminder = store
        .messages(Some(MessageStatus::Pending), 10)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(reminder.kind, MessageKind::Reminder);
    assert_eq!(reminder.due_at, datetime!(2026-11-30 16:00 +01:00));
    assert_eq!(reminder.sequence, 0);
    let before = datetime!(2026-11-30 15:59 +01:00);
    assert!(store.claim_messages(before, LEASE, 10).unwrap().is_empty());
    let at = datetime!(2026-11-30 16:00 +01:00);
    let due = store.claim_messages(at, LEASE, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].message.kind, MessageKind::Reminder);
    assert_eq!(due[0].secret, None);
    // A reminder queues no further reminder.
    assert!(
        store
            .mark_sent(due[0].message.id, &due[0].claim, at)
            .unwrap()
    );
    assert!(
        store
            .messages(Some(MessageStatus::Pending), 10)
            .unwrap()
            .is_empty()
    );
}

fn send_all(store: &Store, now: OffsetDateTime) -> Vec<MessageKind> {
    let claimed = store.claim_messages(now, LEASE, 10).unwrap();
    for c in &claimed {
        assert!(store.mark_sent(c.message.id, &c.claim, now).unwrap());
    }
    claimed.iter().map(|c| c.message.kind).collect()
}

fn r23_move_and_cancel_queue_their_notice_and_replace_the_reminder(db: &TestDb) {
    let store = open(db);
    let made = store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    let id = made.booking.id;
    assert_eq!(send_all(&store, MONDAY_10), [MessageKind::Confirmation]);
    let to = datetime!(2026-12-02 09:00 +01:00);
    let moved = store
        .move_booking(
            id,
            &MoveRequest {
                start: to,
                services: None,
            },
            CancelAuth::Token(&made.token),
            None,
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(moved.sequence, 1);
    // The reminder for Tuesday is obsolete; the move notice waits.
    assert_eq!(
        kinds(&store, MessageStatus::Obsolete),
        [MessageKind::Reminder]
    );
    assert_eq!(send_all(&store, MONDAY_10), [MessageKind::Moved]);
    let reminder = store
        .messages(Some(MessageStatus::Pending), 10)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(reminder.kind, MessageKind::Reminder);
    assert_eq!(reminder.due_at, datetime!(2026-12-01 16:00 +01:00));
    assert_eq!(reminder.sequence, 1);
    // Moved again before that notice went out: the notice still goes, its
    // reminder (sequence 2) follows; the one for sequence 1 is obsolete.
    let again = datetime!(2026-12-02 09:15 +01:00);
    let request = MoveRequest {
        start: again,
        services: None,
    };
    store
        .move_booking(
            id,
            &request,
            CancelAuth::Token(&made.token),
            None,
            MONDAY_10,
        )
        .unwrap();
    // Staff cancel: the notice; every reminder is obsolete.
    let actor = Username::parse("clerk").unwrap();
    store
        .cancel(
            id,
            CancelAuth::Staff {
                actor: &actor,
                offices: &domain::OfficeScope::All,
            },
            MONDAY_10,
        )
        .unwrap();
    assert_eq!(
        kinds(&store, MessageStatus::Obsolete),
        [MessageKind::Reminder, MessageKind::Reminder]
    );
    // Claimed now, the move notice of a cancelled booking is obsolete (and
    // queues no reminder); the cancellation goes out.
    assert_eq!(send_all(&store, MONDAY_10), [MessageKind::Cancelled]);
    assert!(
        store
            .messages(Some(MessageStatus::Pending), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        kinds(&store, MessageStatus::Obsolete),
        [
            MessageKind::Moved,
            MessageKind::Reminder,
            MessageKind::Reminder
        ]
    );
}

fn r23_no_messages_without_an_email_address(db: &TestDb) {
    let store = open(db);
    let phone_only = Citizen::new("Max Mustermann", None, Some("02131 123456")).unwrap();
    let made = store
        .book(&request(TUESDAY_0830, phone_only), MONDAY_10)
        .unwrap();
    store
        .cancel(made.booking.id, CancelAuth::Token(&made.token), MONDAY_10)
        .unwrap();
    assert!(store.messages(None, 10).unwrap().is_empty());
}

fn i6_a_refused_booking_queues_nothing(db: &TestDb) {
    let store = open(db);
    // Three regular counters at 08:30; the fourth booking is refused for
    // capacity after its checks ran in the transaction.
    for _ in 0..3 {
        store
            .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
            .unwrap();
    }
    assert_eq!(store.messages(None, 100).unwrap().len(), 3);
    let refused = store.book(&request(TUESDAY_0830, citizen()), MONDAY_10);
    assert!(matches!(refused, Err(StoreError::Rule(_))), "{refused:?}");
    assert_eq!(store.messages(None, 100).unwrap().len(), 3);
    // A refused cancellation (already cancelled) queues nothing either.
    let made = store
        .book(
            &request(datetime!(2026-12-01 09:00 +01:00), citizen()),
            MONDAY_10,
        )
        .unwrap();
    let auth = CancelAuth::Token(&made.token);
    store.cancel(made.booking.id, auth, MONDAY_10).unwrap();
    assert!(store.cancel(made.booking.id, auth, MONDAY_10).is_err());
    let cancellations = store
        .messages(None, 100)
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Cancelled)
        .count();
    assert_eq!(cancellations, 1);
}

fn i6_two_stores_claiming_at_once_never_share_a_message(db: &TestDb) {
    let first = Arc::new(open(db));
    let second = Arc::new(open_with_key(db));
    let mut start = TUESDAY_0830;
    let mut booked = 0;
    while booked < 30 {
        for _ in 0..3 {
            first.book(&request(start, citizen()), MONDAY_10).unwrap();
            booked += 1;
        }
        start += Duration::minutes(15);
    }
    // Eight claimers in two "processes", in small batches, until none is left.
    let threads = 8;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let store = Arc::clone(if i % 2 == 0 { &first } else { &second });
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_messages(MONDAY_10, LEASE, 3).unwrap();
                    if batch.is_empty() {
                        break;
                    }
                    for c in batch {
                        assert!(store.mark_sent(c.message.id, &c.claim, MONDAY_10).unwrap());
                        mine.push(c.message.id);
                    }
                }
                mine
            })
        })
        .collect();
    let all: Vec<uuid::Uuid> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 30, "every confirmation claimed");
    assert_eq!(distinct.len(), 30, "none claimed twice");
    assert_eq!(kinds(&first, MessageStatus::Sent).len(), 30);
}

fn r23_failures_back_off_then_fail_and_the_secret_is_erased(db: &TestDb) {
    let store = open(db);
    store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    let mut now = MONDAY_10;
    let mut waits = Vec::new();
    loop {
        let claimed = store.claim_messages(now, LEASE, 10).unwrap();
        assert_eq!(claimed.len(), 1, "at {now}");
        let c = &claimed[0];
        assert!(c.secret.is_some());
        // Claimed: no other sender gets it while the lease lasts.
        assert!(store.claim_messages(now, LEASE, 10).unwrap().is_empty());
        let status = store
            .mark_failed(c.message.id, &c.claim, "451 try later", now)
            .unwrap();
        if status == MessageStatus::Failed {
            break;
        }
        let next = store.messages(Some(MessageStatus::Pending), 10).unwrap();
        let confirmation = next
            .iter()
            .find(|m| m.kind == MessageKind::Confirmation)
            .unwrap();
        assert!(
            store
                .claim_messages(confirmation.due_at - Duration::seconds(1), LEASE, 10)
                .unwrap()
                .is_empty()
        );
        waits.push((confirmation.due_at - now).whole_minutes());
        now = confirmation.due_at;
    }
    assert_eq!(waits, [1, 5, 15, 60, 240]);
    let failed = store.messages(Some(MessageStatus::Failed), 10).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, domain::MAX_SEND_ATTEMPTS);
    assert_eq!(failed[0].last_error.as_deref(), Some("451 try later"));
    let counts = store.message_counts().unwrap();
    assert!(counts.contains(&(MessageStatus::Failed, 1)));
    // Given up: never claimed again.
    assert!(
        store
            .claim_messages(now + Duration::days(1), LEASE, 10)
            .unwrap()
            .iter()
            .all(|c| c.message.kind != MessageKind::Confirmation)
    );
}

fn r23_a_reminder_of_a_changed_booking_is_not_sent(db: &TestDb) {
    let store = open(db);
    let made = store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    for c in store.claim_messages(MONDAY_10, LEASE, 10).unwrap() {
        store.mark_sent(c.message.id, &c.claim, MONDAY_10).unwrap();
    }
    // A lease that ran out: another sender may take the row over.
    let at = datetime!(2026-11-30 16:00 +01:00);
    let first = store.claim_messages(at, LEASE, 10).unwrap();
    assert_eq!(first.len(), 1);
    let later = at + LEASE;
    let retaken = store.claim_messages(later, LEASE, 10).unwrap();
    assert_eq!(retaken.len(), 1, "the lease ran out");
    assert!(
        !store
            .mark_sent(first[0].message.id, &first[0].claim, later)
            .unwrap()
    );
    assert!(
        store
            .mark_sent(retaken[0].message.id, &retaken[0].claim, later)
            .unwrap()
    );
    // Cancelled after the reminder went out: only the cancellation follows.
    store
        .cancel(made.booking.id, CancelAuth::Token(&made.token), later)
        .unwrap();
    let claimed = store.claim_messages(later, LEASE, 10).unwrap();
    let claimed: Vec<MessageKind> = claimed.iter().map(|c| c.message.kind).collect();
    assert_eq!(claimed, [MessageKind::Cancelled]);
}

/// How many tokens are still kept for messages (read past the store's API):
/// in outbox rows, and on the booking rows whose confirmation waits there
/// to be moved into the outbox.
fn secrets_kept(db: &TestDb) -> i64 {
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = "SELECT (SELECT COUNT(*) FROM outbox WHERE secret IS NOT NULL) \
               + (SELECT COUNT(*) FROM bookings WHERE confirmation_secret IS NOT NULL) AS n";
    let count: Count = match db.url().strip_prefix("sqlite://") {
        Some(path) => diesel::sql_query(sql)
            .get_result(&mut diesel::SqliteConnection::establish(path).unwrap())
            .unwrap(),
        None => diesel::sql_query(sql)
            .get_result(&mut diesel::PgConnection::establish(db.url()).unwrap())
            .unwrap(),
    };
    count.n
}

fn r23_the_token_is_kept_only_until_sent_and_a_retry_renews_it(db: &TestDb) {
    let store = open(db);
    let mut first = request(TUESDAY_0830, citizen());
    first.idempotency_key = Some("key-1".into());
    let made = store.book(&first, MONDAY_10).unwrap();
    assert_eq!(secrets_kept(db), 1);
    // The answer was lost; the retry gets a new token: the waiting
    // confirmation carries the new one, not a second confirmation.
    let retried = store.book(&first, MONDAY_10).unwrap();
    assert_ne!(retried.token, made.token);
    let claimed = store.claim_messages(MONDAY_10, LEASE, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].secret.as_deref(), Some(retried.token.as_str()));
    store
        .mark_sent(claimed[0].message.id, &claimed[0].claim, MONDAY_10)
        .unwrap();
    assert_eq!(secrets_kept(db), 0, "erased once sent");
    // A retry after it went out: its link is dead, so a new confirmation.
    let again = store.book(&first, MONDAY_10).unwrap();
    let claimed = store.claim_messages(MONDAY_10, LEASE, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].message.kind, MessageKind::Confirmation);
    assert_eq!(claimed[0].secret.as_deref(), Some(again.token.as_str()));
    // Given up: erased too.
    let mut now = MONDAY_10 + LEASE;
    let mut last = MessageStatus::Pending;
    while last == MessageStatus::Pending {
        let c = store.claim_messages(now, LEASE, 10).unwrap();
        let c = c
            .iter()
            .find(|c| c.message.kind == MessageKind::Confirmation)
            .unwrap();
        last = store
            .mark_failed(c.message.id, &c.claim, "down", now)
            .unwrap();
        // Past the longest back-off, still before the appointment.
        now += Duration::minutes(241);
    }
    assert_eq!(last, MessageStatus::Failed);
    assert_eq!(secrets_kept(db), 0, "erased once failed");
}

/// The confirmation waits on its booking row until something moves it into
/// the outbox; a move before that moves it first, as it was queued
/// (sequence 0 and the reminder for the first start), so its reminder is
/// for the state it told of and is not sent after the move.
fn r23_a_confirmation_not_yet_in_the_outbox_keeps_its_state_through_a_move(db: &TestDb) {
    let store = open(db);
    let made = store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    // Nothing has looked at the outbox yet: moved straight away.
    store
        .move_booking(
            made.booking.id,
            &MoveRequest {
                start: datetime!(2026-12-02 09:00 +01:00),
                services: None,
            },
            CancelAuth::Token(&made.token),
            None,
            MONDAY_10,
        )
        .unwrap();
    let claimed = store.claim_messages(MONDAY_10, LEASE, 10).unwrap();
    let told: Vec<(MessageKind, u32)> = claimed
        .iter()
        .map(|c| (c.message.kind, c.message.sequence))
        .collect();
    assert_eq!(
        told,
        [(MessageKind::Confirmation, 0), (MessageKind::Moved, 1)]
    );
    assert_eq!(claimed[0].secret.as_deref(), Some(made.token.as_str()));
    assert_eq!(claimed[0].message.created_at, MONDAY_10);
    for c in &claimed {
        assert!(store.mark_sent(c.message.id, &c.claim, MONDAY_10).unwrap());
    }
    // The reminder for Tuesday (the state the confirmation told of) is not
    // sent; the one for Wednesday is.
    let monday_16 = datetime!(2026-11-30 16:00 +01:00);
    assert!(
        store
            .claim_messages(monday_16, LEASE, 10)
            .unwrap()
            .is_empty()
    );
    let tuesday_16 = datetime!(2026-12-01 16:00 +01:00);
    let reminders = store.claim_messages(tuesday_16, LEASE, 10).unwrap();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].message.kind, MessageKind::Reminder);
    assert_eq!(reminders[0].message.sequence, 1);
}

/// I6 across a rollback of the schema: the confirmations still waiting on
/// their booking rows go into the outbox, with their token, and are sent
/// once.
fn i6_reverting_the_migration_moves_waiting_confirmations_into_the_outbox(db: &TestDb) {
    let store = open(db);
    let made = store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    store.redo_migration("_confirmation_on_booking").unwrap();
    let store = open_with_key(db);
    let claimed = store.claim_messages(MONDAY_10, LEASE, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].message.kind, MessageKind::Confirmation);
    assert_eq!(claimed[0].message.booking, made.booking.id);
    assert_eq!(claimed[0].secret.as_deref(), Some(made.token.as_str()));
    assert!(
        store
            .mark_sent(claimed[0].message.id, &claimed[0].claim, MONDAY_10)
            .unwrap()
    );
    assert!(
        store
            .claim_messages(MONDAY_10, LEASE, 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(secrets_kept(db), 0);
}

/// Issue #23: the token a confirmation keeps for its link is sealed with
/// the stores' secret: the database holds it nowhere in plain text, a
/// store with another secret cannot open it (and the message goes on
/// without it), and it is dropped once of no use: the booking cancelled,
/// or its appointment begun, sent or not.
fn r23_the_token_is_kept_sealed_and_dropped_once_of_no_use(db: &TestDb) {
    use persistence::test_support::{columns_containing, message_secrets_kept};
    let store = open(db);
    let made = store
        .book(&request(TUESDAY_0830, citizen()), MONDAY_10)
        .unwrap();
    assert_eq!(message_secrets_kept(&store).unwrap(), 1);
    assert!(columns_containing(&store, &made.token).unwrap().is_empty());
    // Another secret (or a random key since a restart): no token, no error.
    let stranger = Store::open(db.url())
        .unwrap()
        .with_message_key(Some(b"another secret"));
    let claimed = stranger.claim_messages(MONDAY_10, LEASE, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].secret, None);
    stranger
        .mark_failed(claimed[0].message.id, &claimed[0].claim, "451", MONDAY_10)
        .unwrap();
    // The stores' own secret opens it.
    let later = MONDAY_10 + Duration::minutes(1);
    let claimed = store.claim_messages(later, LEASE, 10).unwrap();
    assert_eq!(claimed[0].secret.as_deref(), Some(made.token.as_str()));
    store
        .mark_failed(claimed[0].message.id, &claimed[0].claim, "451", later)
        .unwrap();
    assert_eq!(message_secrets_kept(&store).unwrap(), 1);
    // Cancelled before its confirmation went out: its token goes.
    let other = store
        .book(
            &request(TUESDAY_0830 + Duration::minutes(15), citizen()),
            later,
        )
        .unwrap();
    assert_eq!(message_secrets_kept(&store).unwrap(), 2);
    store
        .cancel(other.booking.id, CancelAuth::Token(&other.token), later)
        .unwrap();
    assert_eq!(message_secrets_kept(&store).unwrap(), 1);
    // The first appointment begins unsent: the retention run drops it.
    store.erase_expired(30, TUESDAY_0830).unwrap();
    assert_eq!(message_secrets_kept(&store).unwrap(), 0);
}
