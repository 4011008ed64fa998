-- R39: municipalities own offices; admins and staff may belong to one.
-- Today's data is the municipality `kaarst` (a fresh database gets it when
-- the store seeds the shipped configuration); today's admins become
-- operators, and their tokens end (a new role).
CREATE TABLE municipalities (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    ags TEXT NOT NULL,
    mail_from TEXT,
    public_url TEXT,
    imprint_url TEXT,
    privacy_url TEXT,
    accessibility_url TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO municipalities (id, name, ags, imprint_url, privacy_url, accessibility_url)
SELECT 'kaarst', 'Stadt Kaarst', '05162016', 'https://www.kaarst.de/impressum',
       'https://www.kaarst.de/datenschutz', 'https://www.kaarst.de/barrierefreiheit'
WHERE EXISTS (SELECT 1 FROM offices);
-- SQLite cannot add a column with both a REFERENCES clause and a default
-- while foreign keys are on; the store names an existing municipality on
-- every insert (PostgreSQL also has the foreign key).
ALTER TABLE offices ADD COLUMN municipality TEXT NOT NULL DEFAULT 'kaarst';
CREATE INDEX offices_municipality ON offices (municipality);
-- The role's CHECK gains `operator`: SQLite changes a CHECK only by
-- rebuilding the table (nothing references staff_users).
CREATE TABLE staff_users_new (
    username TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator', 'admin', 'desk', 'phone', 'clerk')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    token_generation INTEGER NOT NULL DEFAULT 0,
    offices TEXT,
    municipality TEXT
);
INSERT INTO staff_users_new
    (username, password_hash, role, active, created_at, updated_at, token_generation, offices)
SELECT username, password_hash, role, active, created_at, updated_at, token_generation, offices
FROM staff_users;
DROP TABLE staff_users;
ALTER TABLE staff_users_new RENAME TO staff_users;
UPDATE staff_users SET role = 'operator', token_generation = token_generation + 1
WHERE role = 'admin';
ALTER TABLE audit_log ADD COLUMN municipality TEXT;
UPDATE audit_log SET municipality = 'kaarst';
CREATE INDEX audit_log_municipality ON audit_log (municipality, at);
