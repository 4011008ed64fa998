-- Not the product: what the booking would cost decided in one round trip,
-- its statements (those of booking.sql) run by a server-side function. The
-- rules would then have to be checked in PL/pgSQL; see docs/PERFORMANCE.md.
CREATE FUNCTION replay_book(d int, m int, r bigint, c int) RETURNS int
LANGUAGE plpgsql SET plpgsql.variable_conflict = use_column AS $$
DECLARE
  day date := date '2026-12-01' + d;
  s timestamp := (date '2026-12-01' + d) + interval '7 hours' + m * interval '5 minutes';
  n int;
  id text := 'b' || c || '-' || r;
BEGIN
  WITH o AS (SELECT version FROM offices WHERE offices.id = 'infobuero-bauen' FOR SHARE),
  dd AS (INSERT INTO office_days (office_id, day) SELECT 'infobuero-bauen', day FROM o
         ON CONFLICT (office_id, day) DO UPDATE SET version = office_days.version + 1 RETURNING 1)
  SELECT o.version INTO n FROM o, dd;
  SELECT count(*) INTO n FROM (
    (SELECT b.start_at, b.minutes, b.kind FROM bookings b WHERE b.office_id = 'infobuero-bauen'
       AND b.local_day = day AND b.start_at < s + interval '30 minutes' AND b.end_at > s AND b.status = 'confirmed')
    UNION ALL
    (SELECT h.start_at, h.minutes, h.kind FROM holds h WHERE h.office_id = 'infobuero-bauen'
       AND h.local_day = day AND h.expires_at > '2026-11-30 07:00:00')) x;
  INSERT INTO bookings (id, code, token_hash, office_id, local_day, start_at, end_at, minutes, kind,
    channel, status, citizen_name, citizen_email, created_at, contact_email, sequence,
    confirmation_secret, confirmation_due_at, confirmation_remind_at)
  VALUES (id, upper(substr(md5(r::text || c), 1, 12)), md5(r::text) || md5(c::text), 'infobuero-bauen',
    day, s, s + interval '30 minutes', 30, 'regular', 'online', 'confirmed', 'Last Test',
    'l' || r || '@example.org', '2026-11-30 07:00:00', 'l' || r || '@example.org', 0,
    md5(r::text) || md5(r::text), '2026-11-30 07:00:00', '2026-11-30 15:00:00');
  INSERT INTO booking_services (booking_id, position, office_id, service_id, minutes)
  VALUES (id, 0, 'infobuero-bauen', 'bauberatung', 30);
  RETURN n;
END $$;
