DROP INDEX bookings_office_day_span;
