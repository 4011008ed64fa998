#!/usr/bin/env bash
# HTTP load on loopback with wrk: slot search and booking at 32 connections.
# Usage: bench/http/run.sh [DATABASE_URL]   (default: a fresh SQLite file)
# Needs: wrk (Debian: apt-get install wrk), curl; builds the release server.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p api --quiet
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
URL=${1:-sqlite://$WORK/bench.db}
PORT=18080
API=http://127.0.0.1:$PORT
DURATION=${DURATION:-15s}
# Monday 30 November 2026, 10:00: every run sees the same calendar.
DATABASE_URL=$URL TERMIN_BIND=127.0.0.1:$PORT TERMIN_NOW=2026-11-30T10:00:00+01:00 \
  TERMIN_BOOTSTRAP_ADMIN=bench:bench-password-1 RUST_LOG=warn \
  target/release/terminvergabe > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "$API/readyz" > /dev/null && break; sleep 0.2; done

echo "== slot search: 3 services, 14 days, 32 connections, $DURATION"
curl -s "$API/api/v1/offices/buergerbuero/slots?service=personalausweis&service=anmeldung&service=beglaubigung" \
  | grep -o '"start"' | wc -l | xargs echo "slots in one answer:"
wrk -t2 -c32 -d"$DURATION" --latency -s bench/http/slots.lua "$API"

# The Kaarst office fills up after about 2,000 Anmeldungen (3 regular counters);
# to measure bookings rather than 409s, an admin raises the counters to 200 first.
TOKEN=$(curl -s "$API/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username": "bench", "password": "bench-password-1"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
curl -sf -o /dev/null -X PATCH "$API/api/v1/admin/offices/buergerbuero" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"counters": 200}'

echo "== booking: anmeldung at random offered starts over 8 weeks (200 counters), 32 connections, $DURATION"
curl -s "$API/api/v1/offices/buergerbuero/slots?service=anmeldung&from=2026-12-01&to=2027-01-25" \
  | grep -o '"start":"[^"]*"' | sed 's/"start":"\(.*\)"/\1/' > "$WORK/starts"
wc -l < "$WORK/starts" | xargs echo "offered starts:"
STARTS_FILE=$WORK/starts wrk -t2 -c32 -d"$DURATION" --latency -s bench/http/book.lua "$API"
echo "(non-2xx responses would be 409 slot_taken where a start is full; every other status would be a bug)"
for day in 2026-12-01 2026-12-15 2027-01-12; do
  curl -s -H "Authorization: Bearer $TOKEN" "$API/api/v1/staff/offices/buergerbuero/appointments?date=$day" \
    | grep -o '"status":"confirmed"' | wc -l | xargs echo "confirmed bookings on $day:"
done
grep -ci "panicked\|internal error" "$WORK/server.log" | xargs echo "server errors logged:" || true
