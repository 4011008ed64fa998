-- Issue #13: every committed change of an office day's occupancy (booking,
-- hold, move, confirmation, draw, cancellation, released hold) raises its
-- day's version, so a cached slot search or Tagesticket status is checked
-- with one small query instead of being computed again.
ALTER TABLE office_days ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
