DROP TABLE contact_tokens;
DROP TABLE verifications;
