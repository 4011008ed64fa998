#!/usr/bin/env bash
# The load harness of issue #13: one scenario against the release server on a
# fresh PostgreSQL database, the baselines in the same run, then the audit.
#
# Usage: bench/load/run.sh rush|morning|soak
# Settings (environment):
#   SERVERS=1|2        API processes on the one database (rush: 2, else 1)
#   USERS=N            simulated clients (rush: 2000, else 100)
#   SECONDS_RUN=N      scenario length (rush, morning: 30; soak: 600)
#   BASELINE_SECONDS=N each baseline's length (10); 0 skips them
#   THINK_MS=N         mean pause between a client's steps (1000)
#   PG=postgres://postgres@127.0.0.1:5432  (trust auth; a database is created and dropped)
#   RELEASE_AFTER=N    rush: seconds of refreshing before the Tagestickets are
#                      released (5); 0: released when the clients start
#   PERF=1             record a perf profile of the first server during the scenario
# Needs: curl, psql and pgbench (PostgreSQL's client tools); builds the release binaries.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCENARIO=${1:?usage: bench/load/run.sh rush|morning|soak}
case $SCENARIO in rush | morning | soak) ;; *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;; esac
if [ "$SCENARIO" = rush ]; then SERVERS=${SERVERS:-2}; else SERVERS=${SERVERS:-1}; fi
PG=${PG:-postgres://postgres@127.0.0.1:5432}
BASELINE_SECONDS=${BASELINE_SECONDS:-10}
RELEASE_AFTER=${RELEASE_AFTER:-5}
TARGET=${CARGO_TARGET_DIR:-target}
# Every client holds a connection: servers and clients need the descriptors.
ulimit -n 65536 2> /dev/null || true

cargo build --release -p api -p load --quiet

WORK=$(mktemp -d)
DB=termin_load_$$
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS ${DB}_pgbench" > /dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -q "$PG/postgres" -c "CREATE DATABASE $DB" -c "CREATE DATABASE ${DB}_pgbench"

# The rush is at 07:00 on Monday 30 November 2026, when Tagestickets are
# released; the morning starts when the office opens.
if [ "$SCENARIO" = rush ]; then NOW=2026-11-30T07:00:00+01:00; else NOW=2026-11-30T08:00:00+01:00; fi
# Limits per address (R25) off: every simulated citizen comes from the one
# machine. The clients send X-Forwarded-For (one address each) and loopback is
# trusted, so the 2 live holds per address (R19) apply per person. One signing
# secret, so a staff token works on either process.
export TERMIN_NOW=$NOW TERMIN_BOOTSTRAP_ADMIN=bench:bench-password-1 RUST_LOG=warn \
  TERMIN_RATE_LIMIT_READS=off TERMIN_RATE_LIMIT_WRITES=off TERMIN_TRUSTED_PROXIES=127.0.0.1 \
  TERMIN_JWT_SECRET=load-harness-secret-of-at-least-32-bytes
start() { # URL PORT LOG
  DATABASE_URL=$1 TERMIN_BIND=127.0.0.1:$2 "$TARGET/release/terminvergabe" > "$3" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$2/readyz" > /dev/null && return; sleep 0.2; done
  echo "server on port $2 did not start:" >&2; cat "$3" >&2; exit 1
}
APIS=()
SERVER_PIDS=()
# One after the other: the first migrates and seeds the fresh database.
for i in $(seq "$SERVERS"); do
  port=$((18180 + i))
  start "$PG/$DB" "$port" "$WORK/server$i.log"
  APIS+=("http://127.0.0.1:$port")
  SERVER_PIDS+=("${PIDS[-1]}")
done
API=${APIS[0]}

# The Kaarst configuration asks a proof of work (R26) and a Kaarst postcode
# (R32) for online Tagestickets, and limits each contact (R24). The harness
# measures the server's capacity, not the clients' hashing, so an admin
# switches these off for the bench Bürgerbüro; the second office gets 200
# counters for the booking baseline (bookings rather than 409s).
TOKEN=$(curl -sf "$API/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username": "bench", "password": "bench-password-1"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
curl -sf -o /dev/null -X PATCH "$API/api/v1/admin/offices/buergerbuero" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"challenge":"off","day_ticket_postcodes":[],"day_tickets_per_contact":0,"bookings_per_contact":0}'
curl -sf -o /dev/null -X PATCH "$API/api/v1/admin/offices/infobuero-bauen" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"counters": 200, "bookings_per_contact": 0}'

EXTRA=()
if [ "$BASELINE_SECONDS" != 0 ]; then
  # Ceiling 1: a plain actix-web JSON server, measured by the same goose.
  PLAIN_BIND=127.0.0.1:18190 "$TARGET/release/plain-json" > "$WORK/plain.log" 2>&1 &
  PIDS+=($!)
  # The slot search aims are on SQLite: a third server on a fresh file.
  start "sqlite://$WORK/search.db" 18189 "$WORK/sqlite.log"
  EXTRA+=(--plain http://127.0.0.1:18190 --sqlite-api http://127.0.0.1:18189)
  # Ceiling 2: PostgreSQL itself running a booking-shaped transaction (lock the
  # office day's row, two conditional updates, an insert), 32 clients.
  psql -q "$PG/${DB}_pgbench" -f bench/load/replay/shaped-schema.sql
  echo "== pgbench: booking-shaped transaction, 32 clients, ${BASELINE_SECONDS}s"
  TPS=$(pgbench -n -c 32 -j 2 -T "$BASELINE_SECONDS" -f bench/load/replay/shaped.sql "$PG/${DB}_pgbench" 2> /dev/null \
    | tee "$WORK/pgbench.out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  grep -E "^(tps|latency average|number of failed)" "$WORK/pgbench.out" || true
  EXTRA+=(--pgbench-tps "$TPS")
fi

if [ "${PERF:-0}" = 1 ] && command -v perf > /dev/null; then
  # The scenario's time only (the baselines that follow also book on it).
  perf record -g -o "$WORK/perf.data" -p "${SERVER_PIDS[0]}" -- sleep "${SECONDS_RUN:-30}" > /dev/null 2>&1 &
  PERF_PID=$!
fi

ARGS=("$SCENARIO" --api "$(IFS=,; echo "${APIS[*]}")" --database-url "$PG/$DB"
  --pids "$(IFS=,; echo "${SERVER_PIDS[*]}")" --baseline-seconds "$BASELINE_SECONDS")
[ -n "${USERS:-}" ] && ARGS+=(--users "$USERS")
[ -n "${SECONDS_RUN:-}" ] && ARGS+=(--seconds "$SECONDS_RUN")
[ -n "${THINK_MS:-}" ] && ARGS+=(--think-ms "$THINK_MS")
# The rush's clients arrive over the seconds before the release (all in the
# first second when it is released from the start).
if [ "$SCENARIO" = rush ] && [ "$RELEASE_AFTER" -gt 2 ]; then ARGS+=(--hatch-seconds $((RELEASE_AFTER - 1))); fi
# The rush: the clients come before the release and refresh the status
# (not yet released, then 304s) until it flips, as citizens with the page
# open at 06:59 do; then every one of them tries at once. The clock stands at
# 07:00, so the release is held back to 07:01 and set to 07:00 by an admin
# RELEASE_AFTER seconds after the first request (0: released from the start, so the
# clients' first connections and the bookings come in the same second).
if [ "$SCENARIO" = rush ] && [ "$RELEASE_AFTER" != 0 ]; then
  POLICY=$(curl -sf "$API/api/v1/admin/offices/buergerbuero" -H "Authorization: Bearer $TOKEN" \
    | sed -n 's/.*"day_ticket":\({[^}]*}\).*/\1/p')
  release_at() {
    curl -sf -o /dev/null -X PUT "$API/api/v1/admin/offices/buergerbuero/day-ticket" \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "$(echo "$POLICY" | sed "s/\"online_from\":\"[0-9:]*\"/\"online_from\":\"$1\"/")"
  }
  release_at 07:01
  # The load tool creates the file with its first request.
  ARGS+=(--started-file "$WORK/started")
  (
    while [ ! -e "$WORK/started" ]; do sleep 0.05; done
    sleep "$RELEASE_AFTER" && release_at 07:00 && echo "== Tagestickets released ${RELEASE_AFTER} s after the first request"
  ) &
fi
echo "== $SCENARIO on $SERVERS process(es), PostgreSQL database $DB"
set +e
"$TARGET/release/load" "${ARGS[@]}" "${EXTRA[@]}"
STATUS=$?
set -e

# The servers' own view (their /metrics histograms): time from the request
# to its answer inside the process, without connecting and client queueing.
for api in "${APIS[@]}"; do
  echo "== server-side latency at $api (cumulative count of answers within each bound)"
  curl -sf "$api/metrics" | grep -E '^terminvergabe_http_request_duration_seconds_bucket.*(day-tickets|/api/v1/bookings")' \
    | sed -E 's/terminvergabe_http_request_duration_seconds_bucket\{//; s/\} / /' | awk '{printf "   %s %s\n", $1, $2}' || true
done

if [ -n "${PERF_PID:-}" ]; then
  wait "$PERF_PID" 2>/dev/null || true
  echo "== perf: where the first server's time went"
  perf report -i "$WORK/perf.data" --stdio --no-children -g none --percent-limit 1.5 \
    --sort dso,symbol 2> /dev/null | grep -v '^#' | grep -v '^$' | cut -c1-150 | head -40
fi
cat "$WORK"/server*.log | grep -ci "panicked" | xargs echo "server panics logged:" || true
exit $STATUS
