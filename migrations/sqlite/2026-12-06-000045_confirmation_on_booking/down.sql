-- The confirmations still waiting on their bookings go into the outbox
-- first (I6: none is lost), each with a random UUID, hyphenated as the
-- store writes them (materialized, so each row's random value is drawn
-- once).
INSERT INTO outbox (id, booking_id, kind, sequence, secret, status, due_at, attempts,
                    created_at, remind_at)
    WITH waiting AS MATERIALIZED (
        SELECT id, sequence, confirmation_secret, confirmation_due_at, confirmation_remind_at,
               lower(hex(randomblob(16))) AS h
        FROM bookings WHERE confirmation_due_at IS NOT NULL
    )
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'
               || substr(h, 17, 4) || '-' || substr(h, 21),
           id, 'confirmation', sequence, confirmation_secret,
           'pending', confirmation_due_at, 0, confirmation_due_at, confirmation_remind_at
    FROM waiting;
DROP INDEX bookings_confirmation_due;
ALTER TABLE bookings DROP COLUMN confirmation_remind_at;
ALTER TABLE bookings DROP COLUMN confirmation_due_at;
ALTER TABLE bookings DROP COLUMN confirmation_secret;
