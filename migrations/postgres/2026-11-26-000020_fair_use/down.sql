ALTER TABLE offices DROP COLUMN day_ticket_postcodes;
ALTER TABLE offices DROP COLUMN day_ticket_release;
ALTER TABLE offices DROP COLUMN challenge;
ALTER TABLE offices DROP COLUMN day_tickets_per_contact;
ALTER TABLE offices DROP COLUMN bookings_per_contact;
