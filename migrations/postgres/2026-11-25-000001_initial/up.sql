-- The configuration of the offices, the bookings, and one lock row per office day.
-- Instants are UTC timestamps; dates and times of day are Europe/Berlin local.

CREATE TABLE offices (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    counters INTEGER NOT NULL CHECK (counters > 0),
    grid_minutes INTEGER NOT NULL CHECK (grid_minutes > 0),
    lead_days INTEGER NOT NULL CHECK (lead_days >= 0),
    horizon_days INTEGER NOT NULL CHECK (horizon_days >= lead_days),
    max_per_service INTEGER NOT NULL CHECK (max_per_service > 0),
    max_total_minutes INTEGER NOT NULL CHECK (max_total_minutes > 0),
    -- The Tagesticket contingent; all NULL when the office has none.
    day_ticket_held_back INTEGER,
    day_ticket_per_day INTEGER,
    day_ticket_online_from TIME,
    day_ticket_staff_from TIME,
    -- Bit 0 = Monday … bit 6 = Sunday.
    day_ticket_weekdays INTEGER,
    -- Raised by every change of the configuration; caches compare it.
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE services (
    office_id TEXT NOT NULL REFERENCES offices (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL,
    PRIMARY KEY (office_id, id)
);

CREATE TABLE opening_windows (
    office_id TEXT NOT NULL REFERENCES offices (id),
    -- 0 = Monday … 6 = Sunday.
    weekday SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    PRIMARY KEY (office_id, weekday, start_time)
);

CREATE TABLE closures (
    office_id TEXT NOT NULL REFERENCES offices (id),
    day DATE NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (office_id, day)
);

-- One row per office and local day, locked by every booking of that day before
-- it checks capacity (SELECT … FOR UPDATE on PostgreSQL; on SQLite the write
-- that creates or touches it takes the database's write lock).
CREATE TABLE office_days (
    office_id TEXT NOT NULL REFERENCES offices (id),
    day DATE NOT NULL,
    PRIMARY KEY (office_id, day)
);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    -- SHA-256 of the secret token, hex; the token itself is never stored.
    token_hash TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    local_day DATE NOT NULL,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    kind TEXT NOT NULL CHECK (kind IN ('regular', 'day_ticket')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'desk')),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
    citizen_name TEXT NOT NULL,
    citizen_email TEXT,
    citizen_phone TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT,
    cancelled_at TIMESTAMP,
    cancelled_by TEXT,
    CHECK (end_at > start_at),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);

CREATE INDEX bookings_office_day ON bookings (office_id, local_day, status);

-- The services of a booking in the order chosen; repeats allowed (R3, R4).
CREATE TABLE booking_services (
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    position INTEGER NOT NULL,
    office_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (booking_id, position),
    FOREIGN KEY (office_id, service_id) REFERENCES services (office_id, id)
);
