-- R19: how long a hold keeps its slot (and what an extension adds).
ALTER TABLE offices ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 10;

-- R20: a moved booking records where it was; `sequence` rises with every
-- change the citizen should hear of (the calendar entry's SEQUENCE).
ALTER TABLE bookings ADD COLUMN previous_start_at TIMESTAMP;
ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

-- R19, I5: a slot held while the citizen types. It counts like a booking
-- while expires_at lies ahead and for nothing after; confirming deletes it
-- in the transaction that inserts the booking.
CREATE TABLE holds (
    id TEXT PRIMARY KEY NOT NULL,
    -- SHA-256 of the secret token, hex; the token itself is never stored.
    token_hash TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    local_day DATE NOT NULL,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL,
    kind TEXT NOT NULL,
    -- The services in the order chosen with the minutes each took, as JSON:
    -- [["personalausweis", 15], ...].
    services TEXT NOT NULL,
    -- SHA-256 of the client address (R25's address), for the limit per client.
    client_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    extensions_left INTEGER NOT NULL
);
CREATE INDEX holds_office_day ON holds (office_id, local_day, expires_at);
CREATE INDEX holds_client ON holds (client_key, expires_at);
