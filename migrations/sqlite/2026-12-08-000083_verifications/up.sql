-- R33: a verification of an e-mail address. Its row is also the code's
-- message (as a confirmation waits on its booking row): the code sealed
-- until it is sent, claimed by one sender at a time under a lease, so it
-- goes out once (I6). The code itself is kept as a hash of the row's id
-- and the code; the address as entered (to send to, erased with the row by
-- the retention run) and its mailbox key (R34, for the limit per mailbox).
CREATE TABLE verifications (
    id TEXT PRIMARY KEY NOT NULL,
    mailbox TEXT NOT NULL,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    code_sealed TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    wrong INTEGER NOT NULL DEFAULT 0,
    confirmed_at TIMESTAMP,
    send_status TEXT NOT NULL DEFAULT 'pending',
    send_attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP
);
CREATE INDEX verifications_mailbox ON verifications (mailbox, created_at);
CREATE INDEX verifications_sending ON verifications (send_status, created_at);
-- R33: what a right code gives: a token (kept as its hash) that proves the
-- mailbox until it expires.
CREATE TABLE contact_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    mailbox TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_tokens_expiry ON contact_tokens (expires_at);
