-- R34: one mailbox, one contact. The limits compare e-mail addresses by
-- mailbox: the keys stored with bookings and draw requests lose their
-- subaddress (`+tag`) and, at gmail.com and googlemail.com, their dots and
-- the second domain (`domain::email_key`). A key that keeps its quotes (a
-- local part that needs them) is left as it is, as the code leaves it; an
-- address without `@` or with an empty local part before `+` too.
UPDATE bookings SET contact_email =
    CASE WHEN split_part(contact_email, '@', 2) IN ('gmail.com', 'googlemail.com')
        THEN replace(CASE WHEN strpos(split_part(contact_email, '@', 1), '+') > 1 THEN substr(split_part(contact_email, '@', 1), 1, strpos(split_part(contact_email, '@', 1), '+') - 1) ELSE split_part(contact_email, '@', 1) END, '.', '') || '@gmail.com'
        ELSE CASE WHEN strpos(split_part(contact_email, '@', 1), '+') > 1 THEN substr(split_part(contact_email, '@', 1), 1, strpos(split_part(contact_email, '@', 1), '+') - 1) ELSE split_part(contact_email, '@', 1) END || '@' || split_part(contact_email, '@', 2) END
WHERE contact_email IS NOT NULL AND contact_email NOT LIKE '"%' AND contact_email LIKE '_%@%';
UPDATE day_ticket_requests SET contact_email =
    CASE WHEN split_part(contact_email, '@', 2) IN ('gmail.com', 'googlemail.com')
        THEN replace(CASE WHEN strpos(split_part(contact_email, '@', 1), '+') > 1 THEN substr(split_part(contact_email, '@', 1), 1, strpos(split_part(contact_email, '@', 1), '+') - 1) ELSE split_part(contact_email, '@', 1) END, '.', '') || '@gmail.com'
        ELSE CASE WHEN strpos(split_part(contact_email, '@', 1), '+') > 1 THEN substr(split_part(contact_email, '@', 1), 1, strpos(split_part(contact_email, '@', 1), '+') - 1) ELSE split_part(contact_email, '@', 1) END || '@' || split_part(contact_email, '@', 2) END
WHERE contact_email IS NOT NULL AND contact_email NOT LIKE '"%' AND contact_email LIKE '_%@%';
