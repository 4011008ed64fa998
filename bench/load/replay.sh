#!/usr/bin/env bash
# Where a booking's time goes in PostgreSQL alone (issue #13): the statements
# of a regular online booking, as the server sends them (bench/load/replay/
# booking.sql), replayed by pgbench on the real schema, whole and with one
# part changed at a time, next to the harness's booking-shaped ceiling
# (replay/shaped.sql). Each run on a fresh copy of a database the server has
# just migrated and seeded; 32 clients as in the harness; rounds interleaved,
# as this machine's speed drifts. Prints tps and the ratio to the ceiling
# measured in the same round.
#
# Usage: bench/load/replay.sh
# Settings (environment): SECONDS_RUN=N (8) per run, ROUNDS=N (2),
#   PG=postgres://postgres@127.0.0.1:5432 (trust auth; databases are created and dropped)
# Needs: curl, psql, pgbench; builds the release server.
#
# booking.sql is copied from PostgreSQL's log (log_statement = all) of one
# booking; when the booking's statements change, copy them again.
set -euo pipefail
cd "$(dirname "$0")/../.."
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SECONDS_RUN=${SECONDS_RUN:-8}
ROUNDS=${ROUNDS:-2}
TARGET=${CARGO_TARGET_DIR:-target}
R=bench/load/replay
cargo build --release -p api --quiet

WORK=$(mktemp -d)
DB=termin_replay_$$
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2> /dev/null && wait "$SERVER" 2> /dev/null
  for d in "$DB" "${DB}_run" "${DB}_shaped" "${DB}_shaped_run"; do
    psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $d" > /dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
sql() { psql -q -v ON_ERROR_STOP=1 "$PG/$1" "${@:2}" > /dev/null; }

# The real schema and the Kaarst configuration: the server migrates and
# seeds the fresh database, then stops.
sql postgres -c "CREATE DATABASE $DB" -c "CREATE DATABASE ${DB}_shaped"
DATABASE_URL=$PG/$DB TERMIN_BIND=127.0.0.1:18290 RUST_LOG=warn "$TARGET/release/terminvergabe" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18290/readyz > /dev/null && break; sleep 0.2; done
curl -sf http://127.0.0.1:18290/readyz > /dev/null || { cat "$WORK/server.log" >&2; exit 1; }
kill "$SERVER"; wait "$SERVER" 2> /dev/null || true; SERVER=
sql "${DB}_shaped" -f "$R/shaped-schema.sql"

# The variants: name, script, statements run on the copy first.
sed '/^SELECT 1;$/d' "$R/booking.sql" > "$WORK/no-checkout.sql"
sed 's/ FOR SHARE)/)/' "$R/booking.sql" > "$WORK/no-share.sql"
sed '/^(SELECT/d' "$R/booking.sql" > "$WORK/no-read.sql"
sed '/booking_services/d' "$R/booking.sql" > "$WORK/no-service.sql"
NAMES=("booking-shaped ceiling (harness baseline)" "the booking as the server sends it"
  "  without the pool's check-out SELECT 1" "  without the office's FOR SHARE"
  "  without the overlap read" "  without the service row" "  without its three foreign keys"
  "  in one round trip (server-side function)")
SCRIPTS=("$R/shaped.sql" "$R/booking.sql" "$WORK/no-checkout.sql" "$WORK/no-share.sql"
  "$WORK/no-read.sql" "$WORK/no-service.sql" "$R/booking.sql" "$R/one-call.sql")
NOFK="ALTER TABLE bookings DROP CONSTRAINT bookings_office_id_fkey;
ALTER TABLE booking_services DROP CONSTRAINT booking_services_office_id_service_id_fkey;
ALTER TABLE booking_services DROP CONSTRAINT booking_services_booking_id_fkey;"
SETUP=("" "" "" "" "" "" "$NOFK" "@$R/one-call-schema.sql")

declare -A TPS
for round in $(seq "$ROUNDS"); do
  for i in "${!NAMES[@]}"; do
    if [ "$i" = 0 ]; then from=${DB}_shaped; else from=$DB; fi
    run=${from}_run
    sql postgres -c "DROP DATABASE IF EXISTS $run" -c "CREATE DATABASE $run TEMPLATE $from"
    case ${SETUP[$i]} in
      "") ;;
      @*) sql "$run" -f "${SETUP[$i]#@}" ;;
      *) sql "$run" -c "${SETUP[$i]}" ;;
    esac
    sql "$run" -c CHECKPOINT
    out=$(pgbench -n -c 32 -j 2 -T "$SECONDS_RUN" -f "${SCRIPTS[$i]}" "$PG/$run" 2>&1 || true)
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
    failed=$(echo "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
    if [ -z "$tps" ] || [ "${failed:-0}" != 0 ]; then
      echo "replay of ${SCRIPTS[$i]} failed:" >&2; echo "$out" | tail -5 >&2; exit 1
    fi
    TPS[$round,$i]=$tps
    echo "round $round: ${NAMES[$i]# *}: $tps tps"
  done
done

echo
echo "| pgbench, 32 clients, ${SECONDS_RUN} s | $(for r in $(seq "$ROUNDS"); do printf 'round %s: tps (ratio) | ' "$r"; done)"
echo "|---|$(for _ in $(seq "$ROUNDS"); do printf -- '---:|'; done)"
for i in "${!NAMES[@]}"; do
  printf '| %s |' "${NAMES[$i]}"
  for r in $(seq "$ROUNDS"); do
    awk -v t="${TPS[$r,$i]}" -v c="${TPS[$r,0]}" 'BEGIN { printf " %.0f (%.2f) |", t, t / c }'
  done
  echo
done
