#!/usr/bin/env bash
# Installs exactly the Debian 12 packages Strata needs to build, test and run.
# Idempotent: packages already present are skipped. Run as root (or through sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git python3
  libabsl-dev libsimdjson-dev libroaring-dev liblz4-dev libzstd-dev
  libre2-dev libedit-dev libsqlite3-dev tzdata
  libboost-dev zlib1g-dev libssl-dev libtomlplusplus-dev libpq-dev libhiredis-dev librdkafka-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zstd time curl
  # real clients the serving tests drive
  postgresql-client python3-psycopg2 openjdk-17-jdk-headless libpostgresql-jdbc-java
  redis-server kcat
  # the systems bench/compare runs beside Strata (its test runs a small comparison)
  clickhouse-server clickhouse-client nodejs
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm: Debian's own package, unless an installed nodejs (e.g. NodeSource's) bundles it.
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
