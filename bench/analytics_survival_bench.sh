#!/bin/sh
# Survival by device model from the store (docs/performance.md, "## Survival"): builds a
# 1,000,000-procedure BCIR registry with orp synth + orp ingest into a SQLite file (once; about
# 5 minutes of CPU, most of it ingest), then runs bench/analytics_survival_bench against it and
# times one whole `orp survival --db` process.
#
#   bench/analytics_survival_bench.sh [BUILD_DIR] [WORK_DIR]
set -eu
build=${1:-build}
work=${2:-/var/tmp/orp-survival-bench}
orp=$build/orp
registries=$(dirname "$0")/../registries
mkdir -p "$work"
if [ ! -f "$work/reg.db" ]; then
  "$orp" synth --seed 3 --procedures 1000000 --registries BCIR --error-rate 0 --out "$work/reg"
  "$orp" catalogue import --db "sqlite:$work/reg.db" "$work/reg/device-catalogue.csv" >/dev/null
  "$orp" ingest --db "sqlite:$work/reg.db" --definitions "$registries" --format csv \
    "$work"/reg/submissions/*.csv >/dev/null
  "$orp" ingest-deaths --db "sqlite:$work/reg.db" "$work/reg/deaths.csv" >/dev/null
fi
ORP_SURVIVAL_DB="$work/reg.db" "$build/bench/analytics_survival_bench"
/usr/bin/time -f "orp survival --db: %e s wall, %U s user, %S s system, %M KB max resident" \
  "$orp" survival --db "sqlite:$work/reg.db" --registry BCIR --by model --definitions \
  "$registries" --format json >/dev/null
