#!/usr/bin/env bash
# The ingest rate and its baseline in the same run (docs/performance.md, "## Ingest"):
# the plain prepared-statement insert of 100,000 procedures (sqlite_insert_bench) and the
# end-to-end ingest of a 100,000-procedure synthetic MDOR registry (ingest_bench), which also
# runs BM_PlainInsertSameRows: the plain insert of the very rows that ingest stored (#4).
# Usage: bench/ingest_bench.sh [build dir]   (ORP_BENCH_DIR sets where databases go)
set -euo pipefail
build=${1:-build}
export ORP_SOURCE_DIR=${ORP_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cmake --build "$build" --target sqlite_insert_bench ingest_bench -j2 >/dev/null
[ -z "${ORP_BENCH_DIR:-}" ] || mkdir -p "$ORP_BENCH_DIR"  # the benches abort on a missing folder
"$build/bench/sqlite_insert_bench" --benchmark_filter='BM_PlainInsert/100000' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
"$build/bench/ingest_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
