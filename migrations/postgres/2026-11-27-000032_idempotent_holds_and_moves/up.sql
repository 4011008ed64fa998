-- An Idempotency-Key now names what its first request made: a booking (a
-- booking, a hold's confirmation, a move) or a hold (R19).
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_booking_id_fkey;
ALTER TABLE idempotency_keys RENAME COLUMN booking_id TO target_id;
