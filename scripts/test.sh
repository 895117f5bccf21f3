#!/usr/bin/env bash
# Installs what is missing, builds Strata and runs every test (unit + integration).
# Usage: scripts/test.sh [extra cmake args...]   (e.g. -DSTRATA_SANITIZE=ON)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh

# ccache hits across clone paths only with these two settings (see docs/operations.md).
export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1
build=${STRATA_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
