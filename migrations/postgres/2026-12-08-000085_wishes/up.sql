-- R35: a citizen's wish for a regular appointment at an office: the
-- services (a JSON list of ids, one repeated per person, as a booking's
-- request), the days, the weekdays ("1,3,5", Monday = 1; NULL: any) and the
-- time of day ("HH:MM"; NULL: any) it accepts, and the citizen, whose
-- e-mail was proven by a contact token (R33) and is kept with its mailbox
-- key (R34). Its secret token is kept as a hash. One live wish per mailbox
-- and office: the partial unique index.
CREATE TABLE wishes (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    services TEXT NOT NULL,
    from_day DATE NOT NULL,
    to_day DATE NOT NULL,
    weekdays TEXT,
    times_from TEXT,
    times_to TEXT,
    citizen_name TEXT NOT NULL,
    citizen_email TEXT NOT NULL,
    citizen_phone TEXT,
    citizen_postcode TEXT,
    mailbox TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'waiting'
        CHECK (status IN ('waiting', 'offered', 'booked', 'withdrawn', 'ended')),
    expired_offers INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    booking_id TEXT,
    erased_at TIMESTAMP
);
CREATE UNIQUE INDEX wishes_live ON wishes (office_id, mailbox)
    WHERE status IN ('waiting', 'offered');
-- The queue of an office: its live wishes, oldest first.
CREATE INDEX wishes_queue ON wishes (office_id, status, created_at);
