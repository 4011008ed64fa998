DROP INDEX holds_client;
DROP INDEX holds_office_day;
DROP TABLE holds;
ALTER TABLE bookings DROP COLUMN sequence;
ALTER TABLE bookings DROP COLUMN previous_start_at;
ALTER TABLE offices DROP COLUMN hold_minutes;
