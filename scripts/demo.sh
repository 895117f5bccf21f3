#!/usr/bin/env bash
# Installs what is missing, builds Strata, loads a week of history into ./strata-data (first
# run only), starts `strata serve` on its embedded defaults, feeds it live traffic with
# `strata demo`, and prints how to connect. Ctrl-C stops everything (gracefully).
# Usage: scripts/demo.sh [HISTORY_EVENTS]   (default 1000000; 0 = no history)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh

export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target strata

strata=./build/bin/strata
events=${1:-1000000}
data=./strata-data
if [ "$events" -gt 0 ] && [ ! -e "$data/CURRENT" ]; then
  start=$(date -u -d "$(date -u +%F) -7 days" +%FT%TZ)
  history=$(mktemp -d)
  echo "== generating $events events of history (3000 merchants, 7 days from $start)"
  $strata generate --events "$events" --merchants 3000 --days 7 --seed 1 --start "$start" \
    --output "$history/events.ndjson.zst"
  echo "== loading into $data"
  $strata load --data-dir "$data" "$history/events.ndjson.zst"
  rm -rf "$history"
fi

echo "== starting strata serve (HTTP :8080, PostgreSQL :5433, data in $data)"
$strata serve --data-dir "$data" &
serve_pid=$!
demo_pid=""
stop() {
  [ -n "$demo_pid" ] && kill -INT "$demo_pid" 2>/dev/null || true
  kill -TERM "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
}
trap stop INT TERM EXIT
for _ in $(seq 1 100); do
  if curl -fsS http://127.0.0.1:8080/healthz >/dev/null 2>&1; then break; fi
  if ! kill -0 "$serve_pid" 2>/dev/null; then echo "strata serve failed to start" >&2; exit 1; fi
  sleep 0.2
done

echo "== feeding live traffic: strata demo (3000 merchants, 2000 events/s)"
$strata demo --server http://127.0.0.1:8080 --merchants 3000 --rate 2000 --backfill-minutes 10 &
demo_pid=$!

cat <<'HELP'

Strata is running. Connect with (password: strata):

    psql -h 127.0.0.1 -p 5433 -U strata strata

and try:

    SELECT date_trunc('hour', ts) AS hour, count(*) AS events,
           count(DISTINCT client_id) AS users
    FROM events WHERE merchant = 'shop-000001' AND ts > now() - interval '1 day'
    GROUP BY 1 ORDER BY 1;

HTTP: curl http://127.0.0.1:8080/metrics ; merchants: build/bin/strata admin --help
Ctrl-C stops the demo and the server.
HELP
wait "$serve_pid"
