-- I1: a new regular appointment is checked against the bookings of its day
-- that overlap it (start before its end, end after its start); this index
-- finds them without visiting the other rows of the day.
CREATE INDEX bookings_office_day_span ON bookings (office_id, local_day, start_at, end_at);
