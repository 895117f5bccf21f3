#!/usr/bin/env bash
# Installs what is missing, builds Strata, generates demo traffic, loads it into
# ./strata-data and prints what the data directory holds.
# Usage: scripts/demo.sh [EVENTS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh

export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target strata

events=${1:-1000000}
data=./strata-data
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
echo "== generating $events events of demo traffic (3000 merchants, 7 days)"
./build/bin/strata generate --events "$events" --merchants 3000 --days 7 --seed 1 \
  --output "$demo/events.ndjson.zst"
echo "== loading into $data"
./build/bin/strata load --data-dir "$data" "$demo/events.ndjson.zst"
echo "== inspect"
./build/bin/strata inspect --data-dir "$data" --merchants 10
echo "== daily pageviews, users and revenue of the busiest merchant (strata sql)"
./build/bin/strata sql --data-dir "$data" -c "
  SELECT date_trunc('day', ts) AS day, count(*) FILTER (WHERE event = 'page_view') AS pageviews,
         count(DISTINCT client_id) AS users, sum(value) AS revenue
  FROM events WHERE merchant = 'shop-000001' GROUP BY 1 ORDER BY 1"
echo "== try it yourself: ./build/bin/strata sql --data-dir $data"
