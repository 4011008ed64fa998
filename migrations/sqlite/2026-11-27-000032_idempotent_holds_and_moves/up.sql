-- An Idempotency-Key now names what its first request made: a booking (a
-- booking, a hold's confirmation, a move) or a hold (R19). SQLite cannot drop
-- a foreign key, so the table is rebuilt.
CREATE TABLE idempotency_keys_new (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    request_hash TEXT NOT NULL,
    target_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO idempotency_keys_new (idempotency_key, request_hash, target_id, created_at)
    SELECT idempotency_key, request_hash, booking_id, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
