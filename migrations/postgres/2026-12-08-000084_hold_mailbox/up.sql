-- R33: the mailbox a contact token proved for a hold where the office asks
-- for a verified contact: its confirmation must be that mailbox's, and a
-- mailbox holds one live Tagesticket hold.
ALTER TABLE holds ADD COLUMN mailbox TEXT;
CREATE INDEX holds_mailbox ON holds (mailbox, expires_at);
