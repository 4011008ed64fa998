-- R23, I6: a new booking's confirmation waits on the booking row itself
-- until a sender moves it into the outbox (docs/PERFORMANCE.md, "Booking
-- latency before and after"). It is written by the booking's own INSERT,
-- so it is committed or rolled back with the booking, and the booking's
-- transaction writes no second row: no further statement, heap page,
-- primary key or foreign key check. A sender moves it into `outbox` (and
-- clears these columns) in one transaction before it claims.
--
-- The booking's secret token, for the confirmation's manage link (the
-- token itself is otherwise never stored, only its hash); erased when the
-- confirmation moves into the outbox, where it lives until sent.
ALTER TABLE bookings ADD COLUMN confirmation_secret TEXT;
-- When the confirmation was queued (the booking's time); NULL when none
-- waits here.
ALTER TABLE bookings ADD COLUMN confirmation_due_at TIMESTAMP;
-- When the reminder for this state of the booking is due (the outbox row's
-- remind_at).
ALTER TABLE bookings ADD COLUMN confirmation_remind_at TIMESTAMP;
-- What the senders look for; holds only the few bookings whose
-- confirmation has not yet moved into the outbox.
CREATE INDEX bookings_confirmation_due ON bookings (confirmation_due_at)
    WHERE confirmation_due_at IS NOT NULL;
