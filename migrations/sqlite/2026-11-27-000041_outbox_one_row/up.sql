-- R23: a booking's transaction writes one outbox row (docs/PERFORMANCE.md):
-- a confirmation or move notice carries when the reminder for that state of
-- the booking is due (remind_at), and the reminder row is written when it
-- is sent. Rebuilt WITHOUT ROWID, so the text key is the table's B-tree
-- and not a second index; the one other index is what the senders look for
-- (changes by booking look among the pending rows through it).
CREATE TABLE outbox_new (
    id TEXT PRIMARY KEY NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    kind TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    secret TEXT,
    status TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    remind_at TIMESTAMP
) WITHOUT ROWID;
INSERT INTO outbox_new (id, booking_id, kind, sequence, secret, status, due_at, attempts,
                        last_error, claimed_by, claimed_until, created_at, sent_at)
    SELECT id, booking_id, kind, sequence, secret, status, due_at, attempts,
           last_error, claimed_by, claimed_until, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, due_at);
