-- R11: a staff token carries the generation of its account at login; a new
-- password, a disable, a re-enable or a change of role raises it, and every
-- token of an older generation is refused.
ALTER TABLE staff_users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;
