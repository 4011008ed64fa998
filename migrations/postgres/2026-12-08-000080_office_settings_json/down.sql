-- Back to one column per setting; a setting added after this migration is
-- dropped with the JSON column.
ALTER TABLE offices
    ADD COLUMN counters INTEGER NOT NULL DEFAULT 1 CHECK (counters > 0),
    ADD COLUMN grid_minutes INTEGER NOT NULL DEFAULT 5 CHECK (grid_minutes > 0),
    ADD COLUMN lead_days INTEGER NOT NULL DEFAULT 1 CHECK (lead_days >= 0),
    ADD COLUMN horizon_days INTEGER NOT NULL DEFAULT 56,
    ADD COLUMN max_per_service INTEGER NOT NULL DEFAULT 5 CHECK (max_per_service > 0),
    ADD COLUMN max_total_minutes INTEGER NOT NULL DEFAULT 90 CHECK (max_total_minutes > 0),
    ADD COLUMN bookings_per_contact INTEGER NOT NULL DEFAULT 3,
    ADD COLUMN day_tickets_per_contact INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN challenge TEXT NOT NULL DEFAULT 'off',
    ADD COLUMN day_ticket_release TEXT NOT NULL DEFAULT 'first_come',
    ADD COLUMN day_ticket_postcodes TEXT NOT NULL DEFAULT '',
    ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 10,
    ADD COLUMN reminder_days_before INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN reminder_time TIME NOT NULL DEFAULT '16:00:00',
    ADD COLUMN no_show_grace_minutes INTEGER NOT NULL DEFAULT 10;
UPDATE offices SET
    counters = coalesce((settings::json->>'counters')::int, counters),
    grid_minutes = coalesce((settings::json->>'grid_minutes')::int, grid_minutes),
    lead_days = coalesce((settings::json->>'lead_days')::int, lead_days),
    horizon_days = coalesce((settings::json->>'horizon_days')::int, horizon_days),
    max_per_service = coalesce((settings::json->>'max_per_service')::int, max_per_service),
    max_total_minutes = coalesce((settings::json->>'max_total_minutes')::int, max_total_minutes),
    bookings_per_contact = coalesce((settings::json->>'bookings_per_contact')::int, bookings_per_contact),
    day_tickets_per_contact = coalesce((settings::json->>'day_tickets_per_contact')::int, day_tickets_per_contact),
    challenge = coalesce(settings::json->>'challenge', challenge),
    day_ticket_release = coalesce(settings::json->>'day_ticket_release', day_ticket_release),
    day_ticket_postcodes = coalesce(
        (SELECT string_agg(p, ',') FROM json_array_elements_text(settings::json->'day_ticket_postcodes') AS p),
        ''),
    hold_minutes = coalesce((settings::json->>'hold_minutes')::int, hold_minutes),
    reminder_days_before = coalesce((settings::json->>'reminder_days_before')::int, reminder_days_before),
    reminder_time = coalesce((settings::json->>'reminder_time')::time, reminder_time),
    no_show_grace_minutes = coalesce((settings::json->>'no_show_grace_minutes')::int, no_show_grace_minutes);
ALTER TABLE offices ADD CHECK (horizon_days >= lead_days), DROP COLUMN settings;
