-- The confirmations still waiting on their bookings go into the outbox
-- first (I6: none is lost).
INSERT INTO outbox (id, booking_id, kind, sequence, secret, status, due_at, attempts,
                    created_at, remind_at)
    SELECT gen_random_uuid()::text, id, 'confirmation', sequence, confirmation_secret,
           'pending', confirmation_due_at, 0, confirmation_due_at, confirmation_remind_at
    FROM bookings WHERE confirmation_due_at IS NOT NULL;
DROP INDEX bookings_confirmation_due;
ALTER TABLE bookings DROP COLUMN confirmation_remind_at;
ALTER TABLE bookings DROP COLUMN confirmation_due_at;
ALTER TABLE bookings DROP COLUMN confirmation_secret;
