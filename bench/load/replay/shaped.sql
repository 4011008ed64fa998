-- The ceiling: a booking-shaped transaction (lock the office day's row, two
-- conditional updates, an insert) on tables of its own (shaped-schema.sql).
\set day random(1, 56)
BEGIN;
SELECT version FROM days WHERE id = :day FOR UPDATE;
UPDATE days SET version = version + 1, booked = booked + 1 WHERE id = :day AND booked < 1000000000;
UPDATE units SET used = used + 1 WHERE id = :day AND used < 1000000000;
INSERT INTO bookings (day_id, at, who) VALUES (:day, now(), 'pgbench');
END;
