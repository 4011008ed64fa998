DROP INDEX audit_log_municipality;
ALTER TABLE audit_log DROP COLUMN municipality;
CREATE TABLE staff_users_old (
    username TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'desk', 'phone', 'clerk')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    token_generation INTEGER NOT NULL DEFAULT 0,
    offices TEXT
);
-- Operators become admins again (acting on every office, as before).
INSERT INTO staff_users_old
    (username, password_hash, role, active, created_at, updated_at, token_generation, offices)
SELECT username, password_hash,
       CASE role WHEN 'operator' THEN 'admin' ELSE role END,
       active, created_at, updated_at,
       token_generation + CASE role WHEN 'operator' THEN 1 ELSE 0 END, offices
FROM staff_users;
DROP TABLE staff_users;
ALTER TABLE staff_users_old RENAME TO staff_users;
DROP INDEX offices_municipality;
ALTER TABLE offices DROP COLUMN municipality;
DROP TABLE municipalities;
