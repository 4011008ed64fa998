-- R23: a booking's transaction writes one outbox row (docs/PERFORMANCE.md):
-- a confirmation or move notice carries when the reminder for that state of
-- the booking is due, and the reminder row is written when it is sent.
ALTER TABLE outbox ADD COLUMN remind_at TIMESTAMP;
-- The one index besides the key is what the senders look for (status,
-- due_at). Changes by booking (a move's obsolete reminders, a renewed
-- token) look among the pending rows only, through it; one index less
-- keeps the booking's own insert cheap.
DROP INDEX outbox_booking;
