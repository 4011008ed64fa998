CREATE TABLE idempotency_keys_old (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    request_hash TEXT NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO idempotency_keys_old (idempotency_key, request_hash, booking_id, created_at)
    SELECT idempotency_key, request_hash, target_id, created_at FROM idempotency_keys
    WHERE target_id IN (SELECT id FROM bookings);
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_old RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
