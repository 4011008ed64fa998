-- Fair use per office (R24, R26, R27, R32). Existing offices get no
-- challenge and no postcode restriction; the shipped Kaarst configuration of a
-- fresh database sets them (see the README's upgrade note).
ALTER TABLE offices ADD COLUMN bookings_per_contact INTEGER NOT NULL DEFAULT 3;
ALTER TABLE offices ADD COLUMN day_tickets_per_contact INTEGER NOT NULL DEFAULT 1;
ALTER TABLE offices ADD COLUMN challenge TEXT NOT NULL DEFAULT 'off';
ALTER TABLE offices ADD COLUMN day_ticket_release TEXT NOT NULL DEFAULT 'first_come';
-- Comma-separated five-digit postcodes; empty = anyone.
ALTER TABLE offices ADD COLUMN day_ticket_postcodes TEXT NOT NULL DEFAULT '';
