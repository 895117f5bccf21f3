#!/usr/bin/env bash
# Runs every per-module micro-benchmark (Google Benchmark) and writes one JSON summary and
# a Markdown table: codecs, segment scan, logs/WAL, engine append, JSON decode, generator,
# sessionizer, rollups, realtime, SQL parse and plan, expressions, aggregation, sort, PG wire
# encoding, Kafka consume. End-to-end benchmarks that need a loaded dataset or servers
# (sql_bench, rollup_query_bench, bench/serve/*_bench except pg_encode_bench) are not run.
#
#   bench/run_micro.sh [BUILD_DIR] [OUT_DIR]
#     BUILD_DIR  default: build (configured with -DSTRATA_BUILD_BENCHMARKS=ON)
#     OUT_DIR    default: bench-results/micro-<UTC time>
#   STRATA_BENCH_MIN_TIME  seconds per benchmark (default 0.2)
#   STRATA_BENCH_FILTER    only suites whose name matches this regex
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
out=${2:-bench-results/micro-$(date -u +%Y%m%dT%H%M%SZ)}
min_time=${STRATA_BENCH_MIN_TIME:-0.2}
filter=${STRATA_BENCH_FILTER:-.}

# module:suite, in the order of the data path.
suites=(
  storage:codec_bench storage:segment_bench storage:log_bench
  ingest:json_decode_bench ingest:generator_bench ingest:kafka_consume_bench
  engine:append_bench engine:sessionizer_bench engine:rollup_bench engine:realtime_bench
  query:parse_bench query:expr_bench query:aggregate_bench query:sort_bench
  serve:pg_encode_bench
)

mkdir -p "$out"
for entry in "${suites[@]}"; do
  module=${entry%%:*}
  suite=${entry#*:}
  [[ $suite =~ $filter ]] || continue
  binary="$build/bench/$suite"
  if [[ ! -x $binary ]]; then
    echo "run_micro: $binary is missing; build with -DSTRATA_BUILD_BENCHMARKS=ON" >&2
    exit 1
  fi
  echo "run_micro: $module/$suite" >&2
  "$binary" --benchmark_min_time="$min_time" --benchmark_out="$out/$module.$suite.json" \
    --benchmark_out_format=json > "$out/$module.$suite.txt" 2>&1
done
python3 "$here/summarize_micro.py" "$out"
