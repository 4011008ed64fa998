-- Idempotency-Key of booking requests (IETF httpapi draft): a retry with the
-- same key and the same request within 24 hours gets the booking the first
-- one made, never a second one.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    -- SHA-256 of the request, to refuse the same key with another request.
    request_hash TEXT NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
