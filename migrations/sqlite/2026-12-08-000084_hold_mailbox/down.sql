DROP INDEX holds_mailbox;
ALTER TABLE holds DROP COLUMN mailbox;
