#!/usr/bin/env bash
# Query benchmark: the issue's dataset (10M GA-like events, 10K merchants, 30 days, seed 1)
# loaded once into WORKDIR/data, then Q1-Q8 (bench/workloads/queries.sql) for the biggest
# merchant (shop-000001) and the 100th (shop-000100) through build/bench/sql_bench, plus the
# filtered-count scan speed. Needs build/bin/strata and build/bench/sql_bench.
# Usage: bench/workloads/queries.sh [EVENTS] [WORKDIR]   (EXPLAIN=1 prints the plans)
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-10000000}
work=${2:-/tmp/strata-query-bench}
bin=./build/bin/strata
mkdir -p "$work"
if [ ! -d "$work/data" ]; then
  "$bin" generate --events "$events" --merchants 10000 --days 30 --seed 1 \
    --output "$work/events.ndjson.zst"
  "$bin" load --data-dir "$work/data" --sync relaxed "$work/events.ndjson.zst"
fi
STRATA_BENCH_DATA_DIR="$work/data" STRATA_BENCH_EXPLAIN=${EXPLAIN:-} \
  ./build/bench/sql_bench --benchmark_min_time=1 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true
