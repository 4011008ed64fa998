ALTER TABLE office_days DROP COLUMN version;
