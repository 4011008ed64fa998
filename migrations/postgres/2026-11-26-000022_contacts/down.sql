DROP INDEX bookings_contact_phone;
DROP INDEX bookings_contact_email;
ALTER TABLE bookings DROP COLUMN citizen_postcode;
ALTER TABLE bookings DROP COLUMN contact_email;
