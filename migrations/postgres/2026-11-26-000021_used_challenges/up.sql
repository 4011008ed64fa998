-- Proof-of-work solutions already used (R26): each works once, until it
-- expires; expired rows are removed as new ones arrive.
CREATE TABLE used_challenges (
    challenge TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX used_challenges_expires_at ON used_challenges (expires_at);
