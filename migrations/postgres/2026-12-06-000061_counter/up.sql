-- R28: the counter. `status` stays what holds capacity (confirmed or
-- cancelled); `stage` is where a confirmed booking stands at the counter,
-- with the time and the staff user of each step.
ALTER TABLE offices ADD COLUMN no_show_grace_minutes INTEGER NOT NULL DEFAULT 10;
ALTER TABLE bookings ADD COLUMN stage TEXT
    CHECK (stage IN ('checked_in', 'called', 'served', 'no_show'));
ALTER TABLE bookings ADD COLUMN checked_in_at TIMESTAMP;
ALTER TABLE bookings ADD COLUMN checked_in_by TEXT;
ALTER TABLE bookings ADD COLUMN called_at TIMESTAMP;
ALTER TABLE bookings ADD COLUMN called_by TEXT;
ALTER TABLE bookings ADD COLUMN counter INTEGER;
-- Served or marked as a no-show.
ALTER TABLE bookings ADD COLUMN closed_at TIMESTAMP;
ALTER TABLE bookings ADD COLUMN closed_by TEXT;

-- Every call, in the order made: what the public display shows (codes and
-- counters, never names). Calls of an office are made under its day lock,
-- so their ids are committed in order and a reader can follow the id.
CREATE TABLE counter_calls (
    id BIGSERIAL PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    code TEXT NOT NULL,
    counter INTEGER NOT NULL,
    called_at TIMESTAMP NOT NULL
);
CREATE INDEX counter_calls_office ON counter_calls (office_id, id);
