DROP INDEX bookings_to_erase;
ALTER TABLE bookings DROP COLUMN erased_at;
