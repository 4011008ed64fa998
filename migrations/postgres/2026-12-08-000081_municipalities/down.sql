DROP INDEX audit_log_municipality;
ALTER TABLE audit_log DROP COLUMN municipality;
UPDATE staff_users SET role = 'admin', token_generation = token_generation + 1
WHERE role = 'operator';
ALTER TABLE staff_users DROP COLUMN municipality;
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check
    CHECK (role IN ('admin', 'desk', 'phone', 'clerk'));
DROP INDEX offices_municipality;
ALTER TABLE offices DROP COLUMN municipality;
DROP TABLE municipalities;
