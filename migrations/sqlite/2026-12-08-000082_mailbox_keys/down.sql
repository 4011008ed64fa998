-- R34's keys cannot be undone (the subaddress and the dots are gone from
-- the key; the address as entered is kept in the booking): nothing to do.
SELECT 1;
