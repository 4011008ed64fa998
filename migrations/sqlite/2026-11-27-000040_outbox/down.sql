DROP TABLE outbox;
ALTER TABLE offices DROP COLUMN reminder_time;
ALTER TABLE offices DROP COLUMN reminder_days_before;
