-- Back to one column per setting; a setting added after this migration is
-- dropped with the JSON column.
ALTER TABLE offices ADD COLUMN counters INTEGER NOT NULL DEFAULT 1 CHECK (counters > 0);
ALTER TABLE offices ADD COLUMN grid_minutes INTEGER NOT NULL DEFAULT 5 CHECK (grid_minutes > 0);
ALTER TABLE offices ADD COLUMN lead_days INTEGER NOT NULL DEFAULT 1 CHECK (lead_days >= 0);
ALTER TABLE offices ADD COLUMN horizon_days INTEGER NOT NULL DEFAULT 56 CHECK (horizon_days >= lead_days);
ALTER TABLE offices ADD COLUMN max_per_service INTEGER NOT NULL DEFAULT 5 CHECK (max_per_service > 0);
ALTER TABLE offices ADD COLUMN max_total_minutes INTEGER NOT NULL DEFAULT 90 CHECK (max_total_minutes > 0);
ALTER TABLE offices ADD COLUMN bookings_per_contact INTEGER NOT NULL DEFAULT 3;
ALTER TABLE offices ADD COLUMN day_tickets_per_contact INTEGER NOT NULL DEFAULT 1;
ALTER TABLE offices ADD COLUMN challenge TEXT NOT NULL DEFAULT 'off';
ALTER TABLE offices ADD COLUMN day_ticket_release TEXT NOT NULL DEFAULT 'first_come';
ALTER TABLE offices ADD COLUMN day_ticket_postcodes TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 10;
ALTER TABLE offices ADD COLUMN reminder_days_before INTEGER NOT NULL DEFAULT 1;
ALTER TABLE offices ADD COLUMN reminder_time TIME NOT NULL DEFAULT '16:00:00';
ALTER TABLE offices ADD COLUMN no_show_grace_minutes INTEGER NOT NULL DEFAULT 10;
UPDATE offices SET
    counters = coalesce(json_extract(settings, '$.counters'), counters),
    grid_minutes = coalesce(json_extract(settings, '$.grid_minutes'), grid_minutes),
    lead_days = coalesce(json_extract(settings, '$.lead_days'), lead_days),
    horizon_days = coalesce(json_extract(settings, '$.horizon_days'), horizon_days),
    max_per_service = coalesce(json_extract(settings, '$.max_per_service'), max_per_service),
    max_total_minutes = coalesce(json_extract(settings, '$.max_total_minutes'), max_total_minutes),
    bookings_per_contact = coalesce(json_extract(settings, '$.bookings_per_contact'), bookings_per_contact),
    day_tickets_per_contact = coalesce(json_extract(settings, '$.day_tickets_per_contact'), day_tickets_per_contact),
    challenge = coalesce(json_extract(settings, '$.challenge'), challenge),
    day_ticket_release = coalesce(json_extract(settings, '$.day_ticket_release'), day_ticket_release),
    day_ticket_postcodes = coalesce(
        (SELECT group_concat(value, ',') FROM json_each(settings, '$.day_ticket_postcodes')), ''),
    hold_minutes = coalesce(json_extract(settings, '$.hold_minutes'), hold_minutes),
    reminder_days_before = coalesce(json_extract(settings, '$.reminder_days_before'), reminder_days_before),
    reminder_time = coalesce(json_extract(settings, '$.reminder_time') || ':00', reminder_time),
    no_show_grace_minutes = coalesce(json_extract(settings, '$.no_show_grace_minutes'), no_show_grace_minutes);
ALTER TABLE offices DROP COLUMN settings;
