-- Staff accounts (R11) and the audit log of staff actions.

CREATE TABLE staff_users (
    -- Lower case; logins compare case-insensitively.
    username TEXT PRIMARY KEY NOT NULL,
    -- argon2id, PHC string format.
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'desk', 'phone', 'clerk')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Who did what, when; written in the same transaction as the action.
CREATE TABLE audit_log (
    -- UUIDv7: ordered by time of creation.
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    office_id TEXT,
    booking_id TEXT,
    -- JSON: what was changed, and what it affected.
    detail TEXT NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at);
