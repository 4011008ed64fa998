-- A regular online booking of one service as the server sends it (PostgreSQL
-- log, log_statement = all): the pool's check-out, BEGIN, the day lock, the
-- overlap and the live holds, the booking row, its service row, COMMIT. Over
-- the 56 days from 2026-12-01, a random 5-minute start from 07:00.
\set d random(0, 55)
\set m random(0, 100)
\set r random(1, 9000000000000000000)
SELECT 1;
BEGIN;
WITH o AS (SELECT version FROM offices WHERE id = 'infobuero-bauen' FOR SHARE), d AS (INSERT INTO office_days (office_id, day) SELECT 'infobuero-bauen', date '2026-12-01' + :d FROM o ON CONFLICT (office_id, day) DO UPDATE SET version = office_days.version + 1 RETURNING 1) SELECT o.version FROM o, d;
(SELECT "bookings"."start_at", "bookings"."minutes", "bookings"."kind" FROM "bookings" WHERE ((((("bookings"."office_id" = 'infobuero-bauen') AND ("bookings"."local_day" = date '2026-12-01' + :d)) AND ("bookings"."start_at" < (date '2026-12-01' + :d) + interval '7 hours' + :m * interval '5 minutes' + interval '30 minutes')) AND ("bookings"."end_at" > (date '2026-12-01' + :d) + interval '7 hours' + :m * interval '5 minutes')) AND ("bookings"."status" = 'confirmed'))) UNION ALL (SELECT "holds"."start_at", "holds"."minutes", "holds"."kind" FROM "holds" WHERE ((("holds"."office_id" = 'infobuero-bauen') AND ("holds"."local_day" = date '2026-12-01' + :d)) AND ("holds"."expires_at" > '2026-11-30 07:00:00')));
INSERT INTO "bookings" ("id", "code", "token_hash", "office_id", "local_day", "start_at", "end_at", "minutes", "kind", "channel", "status", "citizen_name", "citizen_email", "citizen_phone", "created_at", "created_by", "cancelled_at", "cancelled_by", "contact_email", "citizen_postcode", "previous_start_at", "sequence", "stage", "checked_in_at", "checked_in_by", "called_at", "called_by", "counter", "closed_at", "closed_by", "erased_at", "confirmation_secret", "confirmation_due_at", "confirmation_remind_at") VALUES ('b:client_id-:r', upper(substr(md5(':r:client_id'), 1, 12)), md5(':r') || md5(':client_id'), 'infobuero-bauen', date '2026-12-01' + :d, (date '2026-12-01' + :d) + interval '7 hours' + :m * interval '5 minutes', (date '2026-12-01' + :d) + interval '7 hours' + :m * interval '5 minutes' + interval '30 minutes', 30, 'regular', 'online', 'confirmed', 'Last Test', 'l:r@example.org', DEFAULT, '2026-11-30 07:00:00', DEFAULT, DEFAULT, DEFAULT, 'l:r@example.org', DEFAULT, DEFAULT, 0, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, md5(':r') || md5(':r'), '2026-11-30 07:00:00', '2026-11-30 15:00:00');
INSERT INTO "booking_services" ("booking_id", "position", "office_id", "service_id", "minutes") VALUES ('b:client_id-:r', 0, 'infobuero-bauen', 'bauberatung', 30);
COMMIT;
