-- An office's plain settings move into one JSON column, in the serde form
-- of `domain::OfficeSettings` (declared once in domain/src/settings.rs): a
-- new setting needs no migration, and a key missing here reads as its
-- declared default. The cross-column CHECK of the initial schema goes with
-- the columns; `Office::validate` decides the same, before every write.
ALTER TABLE offices ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
UPDATE offices SET settings = json_object(
    'counters', counters,
    'grid_minutes', grid_minutes,
    'lead_days', lead_days,
    'horizon_days', horizon_days,
    'max_per_service', max_per_service,
    'max_total_minutes', max_total_minutes,
    'hold_minutes', hold_minutes,
    'no_show_grace_minutes', no_show_grace_minutes,
    'reminder_days_before', reminder_days_before,
    'reminder_time', substr(reminder_time, 1, 5),
    'bookings_per_contact', bookings_per_contact,
    'day_tickets_per_contact', day_tickets_per_contact,
    'challenge', challenge,
    'day_ticket_release', day_ticket_release,
    'day_ticket_postcodes', CASE
        WHEN day_ticket_postcodes = '' THEN json('[]')
        ELSE json('["' || replace(day_ticket_postcodes, ',', '","') || '"]')
    END
);
-- horizon_days first: its CHECK names lead_days.
ALTER TABLE offices DROP COLUMN horizon_days;
ALTER TABLE offices DROP COLUMN lead_days;
ALTER TABLE offices DROP COLUMN counters;
ALTER TABLE offices DROP COLUMN grid_minutes;
ALTER TABLE offices DROP COLUMN max_per_service;
ALTER TABLE offices DROP COLUMN max_total_minutes;
ALTER TABLE offices DROP COLUMN hold_minutes;
ALTER TABLE offices DROP COLUMN no_show_grace_minutes;
ALTER TABLE offices DROP COLUMN reminder_days_before;
ALTER TABLE offices DROP COLUMN reminder_time;
ALTER TABLE offices DROP COLUMN bookings_per_contact;
ALTER TABLE offices DROP COLUMN day_tickets_per_contact;
ALTER TABLE offices DROP COLUMN challenge;
ALTER TABLE offices DROP COLUMN day_ticket_release;
ALTER TABLE offices DROP COLUMN day_ticket_postcodes;
