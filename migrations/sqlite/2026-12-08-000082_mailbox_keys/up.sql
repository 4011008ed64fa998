-- R34: one mailbox, one contact. The limits compare e-mail addresses by
-- mailbox: the keys stored with bookings and draw requests lose their
-- subaddress (`+tag`) and, at gmail.com and googlemail.com, their dots and
-- the second domain (`domain::email_key`). A key that keeps its quotes (a
-- local part that needs them) is left as it is, as the code leaves it; an
-- address without `@` or with an empty local part before `+` too.
UPDATE bookings SET contact_email =
    CASE WHEN substr(contact_email, instr(contact_email, '@')) IN ('@gmail.com', '@googlemail.com')
        THEN replace(CASE WHEN instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') > 1 THEN substr(substr(contact_email, 1, instr(contact_email, '@') - 1), 1, instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') - 1) ELSE substr(contact_email, 1, instr(contact_email, '@') - 1) END, '.', '') || '@gmail.com'
        ELSE CASE WHEN instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') > 1 THEN substr(substr(contact_email, 1, instr(contact_email, '@') - 1), 1, instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') - 1) ELSE substr(contact_email, 1, instr(contact_email, '@') - 1) END || substr(contact_email, instr(contact_email, '@')) END
WHERE contact_email IS NOT NULL AND contact_email NOT LIKE '"%' AND contact_email LIKE '_%@%';
UPDATE day_ticket_requests SET contact_email =
    CASE WHEN substr(contact_email, instr(contact_email, '@')) IN ('@gmail.com', '@googlemail.com')
        THEN replace(CASE WHEN instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') > 1 THEN substr(substr(contact_email, 1, instr(contact_email, '@') - 1), 1, instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') - 1) ELSE substr(contact_email, 1, instr(contact_email, '@') - 1) END, '.', '') || '@gmail.com'
        ELSE CASE WHEN instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') > 1 THEN substr(substr(contact_email, 1, instr(contact_email, '@') - 1), 1, instr(substr(contact_email, 1, instr(contact_email, '@') - 1), '+') - 1) ELSE substr(contact_email, 1, instr(contact_email, '@') - 1) END || substr(contact_email, instr(contact_email, '@')) END
WHERE contact_email IS NOT NULL AND contact_email NOT LIKE '"%' AND contact_email LIKE '_%@%';
