#!/usr/bin/env bash
# End-to-end load benchmark: generate N GA-like events (default 10M, ~300 bytes each as
# NDJSON), load them durably with `strata load` (fsync mode), and report events/s,
# bytes per event on disk and peak memory (RSS). Needs a built build/bin/strata.
# Usage: bench/workloads/load_10m.sh [EVENTS] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-10000000}
work=${2:-$(mktemp -d /tmp/strata-load-bench-XXXXXX)}
bin=./build/bin/strata
mkdir -p "$work"
input="$work/events.ndjson"
if [ ! -f "$input" ]; then
  "$bin" generate --events "$events" --merchants 3000 --days 7 --seed 1 --output "$input"
fi
rm -rf "$work/data"
echo "== input: $(du -h "$input" | cut -f1) for $events events"
/usr/bin/time -f "peak RSS %M KiB, wall %e s, user %U s, sys %S s" \
  "$bin" load --data-dir "$work/data" "$input"
"$bin" inspect --data-dir "$work/data" --merchants 3 | sed -n '1,8p'
echo "(workdir $work; remove it when done)"
