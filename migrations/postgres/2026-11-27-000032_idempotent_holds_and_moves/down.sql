DELETE FROM idempotency_keys WHERE target_id NOT IN (SELECT id FROM bookings);
ALTER TABLE idempotency_keys RENAME COLUMN target_id TO booking_id;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_booking_id_fkey
    FOREIGN KEY (booking_id) REFERENCES bookings (id);
