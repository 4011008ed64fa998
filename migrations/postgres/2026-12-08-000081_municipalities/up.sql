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
ALTER TABLE offices ADD COLUMN municipality TEXT NOT NULL DEFAULT 'kaarst'
    REFERENCES municipalities (id);
ALTER TABLE offices ALTER COLUMN municipality DROP DEFAULT;
CREATE INDEX offices_municipality ON offices (municipality);
ALTER TABLE staff_users ADD COLUMN municipality TEXT REFERENCES municipalities (id);
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check
    CHECK (role IN ('operator', 'admin', 'desk', 'phone', 'clerk'));
UPDATE staff_users SET role = 'operator', token_generation = token_generation + 1
WHERE role = 'admin';
ALTER TABLE audit_log ADD COLUMN municipality TEXT;
UPDATE audit_log SET municipality = 'kaarst';
CREATE INDEX audit_log_municipality ON audit_log (municipality, at);
