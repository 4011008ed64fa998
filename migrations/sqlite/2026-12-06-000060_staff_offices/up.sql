-- R29: the offices a staff user acts on, as a comma-separated list of office
-- ids; NULL is every office, which every existing user keeps (behaviour
-- unchanged until an admin narrows them). Admins act on all whatever it says.
ALTER TABLE staff_users ADD COLUMN offices TEXT;
