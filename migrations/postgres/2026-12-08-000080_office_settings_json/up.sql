-- An office's plain settings move into one JSON column, in the serde form
-- of `domain::OfficeSettings` (declared once in domain/src/settings.rs): a
-- new setting needs no migration, and a key missing here reads as its
-- declared default. Text, not jsonb: the store reads and writes it whole,
-- the same on both backends. The cross-column CHECK of the initial schema
-- goes with the columns; `Office::validate` decides the same, before every
-- write.
ALTER TABLE offices ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
UPDATE offices SET settings = json_build_object(
    'counters', counters,
    'grid_minutes', grid_minutes,
    'lead_days', lead_days,
    'horizon_days', horizon_days,
    'max_per_service', max_per_service,
    'max_total_minutes', max_total_minutes,
    'hold_minutes', hold_minutes,
    'no_show_grace_minutes', no_show_grace_minutes,
    'reminder_days_before', reminder_days_before,
    'reminder_time', to_char(reminder_time, 'HH24:MI'),
    'bookings_per_contact', bookings_per_contact,
    'day_tickets_per_contact', day_tickets_per_contact,
    'challenge', challenge,
    'day_ticket_release', day_ticket_release,
    'day_ticket_postcodes', coalesce(
        to_json(string_to_array(nullif(day_ticket_postcodes, ''), ',')), '[]'::json)
)::text;
ALTER TABLE offices
    DROP COLUMN counters,
    DROP COLUMN grid_minutes,
    DROP COLUMN lead_days,
    DROP COLUMN horizon_days,
    DROP COLUMN max_per_service,
    DROP COLUMN max_total_minutes,
    DROP COLUMN hold_minutes,
    DROP COLUMN no_show_grace_minutes,
    DROP COLUMN reminder_days_before,
    DROP COLUMN reminder_time,
    DROP COLUMN bookings_per_contact,
    DROP COLUMN day_tickets_per_contact,
    DROP COLUMN challenge,
    DROP COLUMN day_ticket_release,
    DROP COLUMN day_ticket_postcodes;
