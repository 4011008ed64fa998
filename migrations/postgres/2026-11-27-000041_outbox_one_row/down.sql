CREATE INDEX outbox_booking ON outbox (booking_id, kind, status);
ALTER TABLE outbox DROP COLUMN remind_at;
