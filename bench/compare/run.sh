#!/usr/bin/env bash
# Strata side by side with ClickHouse and DuckDB (docs/benchmarks.md). Installs what is
# missing (clickhouse-server from Debian, @duckdb/node-api and pg from npm), builds the
# strata binary if needed, then runs bench/compare/run.mjs with the given options:
#   bench/compare/run.sh                      # the full 10M-event comparison
#   bench/compare/run.sh --events 1000000     # a smaller run
#   bench/compare/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/../.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
command -v clickhouse-server >/dev/null || missing+=(clickhouse-server clickhouse-client)
command -v node >/dev/null || missing+=(nodejs npm)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
if [ ! -d bench/compare/node_modules/@duckdb ] || [ ! -d bench/compare/node_modules/pg ]; then
  (cd bench/compare && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -x build/bin/strata ]; then
  ./scripts/bootstrap.sh
  export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1
  cmake -S . -B build -G Ninja >/dev/null
  cmake --build build --target strata -j "$(nproc)"
fi
exec node bench/compare/run.mjs "$@"
