#!/usr/bin/env bash
# Peak RSS and CPU of the large PostgreSQL reads, two binaries alternating on one store (issue
# #10, docs/performance.md "## Scale", "Session 8: streamed PostgreSQL reads"): synthesises N
# procedures (MDOR, seed 1), ingests them with AFTER into a throwaway cluster in WORK/pg
# (scripts/pg-test-cluster), then runs ROUNDS times, BEFORE then AFTER:
#   - `orp recall preview` of the most implanted model, whole (the patient-ordered cohort read),
#   - `orp surveillance run` (the lean cohort read; each run records signals in the store),
#   - `orp survival --by model` (the generic procedure and patient streams: a control).
# Each line of WORK/results.txt: STEP BINARY ROUND wall user sys peak_rss_kB and the output's size;
# the outputs of the two binaries are compared (recall byte for byte). The cluster is stopped and
# WORK's store removed at the end unless KEEP=1 (the synthesised CSVs are kept for a re-run);
# REUSE=1 runs on a cluster a KEEP=1 run left in WORK/pg instead of starting (and ingesting) anew.
#
#   bench/pg_streamed_reads.sh BEFORE AFTER WORK [N] [ROUNDS]
#   bench/pg_streamed_reads.sh /tmp/orp-before build/orp /var/tmp/orp-pgstream 1000000 2
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BEFORE AFTER WORK [N] [ROUNDS]" >&2; exit 2; }
before=$(realpath "$1")
after=$(realpath "$2")
work=$3
n=${4:-1000000}
rounds=${5:-2}
src=$(cd "$(dirname "$0")/.." && pwd)
export ORP_REGISTRIES=$src/registries
mkdir -p "$work"
work=$(realpath "$work")
if [ ! -f "$work/synth/.done" ]; then
  "$after" synth --seed 1 --procedures "$n" --registries MDOR --out "$work/synth" \
    --definitions "$src/registries" >/dev/null
  rm -f "$work"/synth/submissions/*.ndjson
  touch "$work/synth/.done"
fi
if [ "${REUSE:-0}" = 1 ] && url=$("$src/scripts/pg-test-cluster" url "$work/pg") &&
  psql -At "$url" -c "SELECT 1" >/dev/null 2>&1; then
  echo "reusing the cluster in $work/pg"
else
  url=$("$src/scripts/pg-test-cluster" start "$work/pg" | tail -n 1)
fi
trap '[ "${KEEP:-0}" = 1 ] || "$src/scripts/pg-test-cluster" stop "$work/pg" >/dev/null' EXIT
if [ "$(psql -At "$url" -c "SELECT to_regclass('procedures') IS NOT NULL")" != t ] ||
  [ "$(psql -At "$url" -c "SELECT count(*) FROM procedures")" = 0 ]; then
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.ingest" "$after" ingest --db "$url" \
    --catalogue "$work/synth/device-catalogue.csv" --definitions "$src/registries" --format csv \
    "$work"/synth/submissions/*.csv >/dev/null
  echo "ingest $(cat "$work/time.ingest")"
fi
gtin=$(psql -At "$url" -c "SELECT gtin FROM implants GROUP BY gtin ORDER BY count(*) DESC LIMIT 1")

run() {  # run STEP BINARY ROUND COMMAND...: one timed run, its output in WORK/STEP.BINARY.out
  local step=$1 which=$2 round=$3
  shift 3
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >"$work/$step.$which.out" 2>"$work/$step.err"
  echo "$step $which round$round $(cat "$work/t") out_bytes $(wc -c <"$work/$step.$which.out")" |
    tee -a "$work/results.txt"
}
: >"$work/results.txt"
for round in $(seq 1 "$rounds"); do
  for which in before after; do
    orp=$before
    [ "$which" = after ] && orp=$after
    run recall_whole_model "$which" "$round" "$orp" recall preview --db "$url" --gtin "$gtin" \
      --format csv
    run surveillance_run "$which" "$round" "$orp" surveillance run --db "$url" \
      --data-cut 2025-12-31 --format json
    run survival_by_model "$which" "$round" "$orp" survival --db "$url" --registry MDOR \
      --by model --definitions "$src/registries" --data-cut 2025-12-31 --format csv
  done
done
cmp -s "$work/recall_whole_model.before.out" "$work/recall_whole_model.after.out" &&
  echo "recall: identical output" || echo "recall: OUTPUTS DIFFER"
cmp -s "$work/survival_by_model.before.out" "$work/survival_by_model.after.out" &&
  echo "survival: identical output" || echo "survival: OUTPUTS DIFFER"
