-- R27: requests for the Tagesticket draw, filed in the hour before the
-- online release, one per contact and day (by e-mail and by phone).
CREATE TABLE day_ticket_requests (
    id TEXT PRIMARY KEY NOT NULL,
    -- SHA-256 of the secret token, hex; the token itself is never stored.
    token_hash TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    local_day DATE NOT NULL,
    -- The service ids in the order chosen, as JSON: ["personalausweis", ...].
    services TEXT NOT NULL,
    -- The accepted starts, minutes after local midnight; both or neither.
    window_from INTEGER,
    window_to INTEGER,
    citizen_name TEXT NOT NULL,
    citizen_email TEXT,
    citizen_phone TEXT,
    citizen_postcode TEXT,
    -- The e-mail address as compared (R24), for one request per contact.
    contact_email TEXT,
    created_at TIMESTAMP NOT NULL,
    -- pending, won or lost.
    status TEXT NOT NULL,
    booking_id TEXT REFERENCES bookings (id),
    -- The won booking's secret token until the citizen has read it once
    -- (with the request's token); then NULL.
    booking_token TEXT
);
CREATE UNIQUE INDEX day_ticket_requests_email
    ON day_ticket_requests (office_id, local_day, contact_email);
CREATE UNIQUE INDEX day_ticket_requests_phone
    ON day_ticket_requests (office_id, local_day, citizen_phone);

-- R27: a day's draw, at most one (the primary key), with the seed that
-- re-runs it.
CREATE TABLE day_ticket_draws (
    office_id TEXT NOT NULL REFERENCES offices (id),
    local_day DATE NOT NULL,
    -- 32 bytes from a CSPRNG, hex.
    seed TEXT NOT NULL,
    drawn_at TIMESTAMP NOT NULL,
    requests INTEGER NOT NULL,
    winners INTEGER NOT NULL,
    PRIMARY KEY (office_id, local_day)
);
