ALTER TABLE staff_users DROP COLUMN token_generation;
