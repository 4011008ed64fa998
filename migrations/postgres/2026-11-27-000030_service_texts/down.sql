ALTER TABLE services DROP COLUMN leika;
ALTER TABLE services DROP COLUMN note;
ALTER TABLE services DROP COLUMN requirements;
