-- R23: when an office reminds citizens of their appointment: this many days
-- before, at this local time; 0 days = no reminders. Existing offices get
-- the Kaarst values (the day before, 16:00).
ALTER TABLE offices ADD COLUMN reminder_days_before INTEGER NOT NULL DEFAULT 1;
ALTER TABLE offices ADD COLUMN reminder_time TIME NOT NULL DEFAULT '16:00:00';

-- R23, I6: the transactional outbox. A booking change writes its message
-- here in its own transaction; the sender claims due rows (a conditional
-- UPDATE of claimed_by/claimed_until: of two senders one wins), sends,
-- and marks them sent. Rendered at sending time from the booking's current
-- state, so the row holds no personal data except `secret`.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    -- confirmation | moved | cancelled | reminder
    kind TEXT NOT NULL,
    -- The booking's sequence when queued (a reminder is for that state only).
    sequence INTEGER NOT NULL,
    -- The booking's secret token, for the manage link of a confirmation
    -- only (the bookings table has only its hash); erased once the message
    -- is sent, failed or obsolete.
    secret TEXT,
    -- pending | sent | failed | obsolete
    status TEXT NOT NULL,
    -- The next attempt is due at (a reminder: its time; after a failure:
    -- the back-off).
    due_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_booking ON outbox (booking_id, kind, status);
