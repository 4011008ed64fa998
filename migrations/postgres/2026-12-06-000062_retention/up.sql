-- R31: when a booking's personal data (name, e-mail, phone, postcode) were
-- erased, after the retention time or at the citizen's request; the
-- anonymous facts R30 counts stay.
ALTER TABLE bookings ADD COLUMN erased_at TIMESTAMP;
CREATE INDEX bookings_to_erase ON bookings (end_at) WHERE erased_at IS NULL;
