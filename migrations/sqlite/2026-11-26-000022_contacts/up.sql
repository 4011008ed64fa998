-- R24: the e-mail address as compared for the limits per contact (lower case);
-- phone numbers are stored in E.164 and compared as they are.
ALTER TABLE bookings ADD COLUMN contact_email TEXT;
UPDATE bookings SET contact_email = lower(citizen_email) WHERE citizen_email IS NOT NULL;
CREATE INDEX bookings_contact_email ON bookings (office_id, contact_email);
CREATE INDEX bookings_contact_phone ON bookings (office_id, citizen_phone);
-- R32: the postcode the citizen declared for an online Tagesticket.
ALTER TABLE bookings ADD COLUMN citizen_postcode TEXT;
