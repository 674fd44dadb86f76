#!/usr/bin/env bash
# The incremental surveillance run after a 1,000-procedure submission to the big registry (#7,
# docs/performance.md "## Surveillance", "### Session 7: incremental").
#
#   bench/surveillance_incremental.sh ORP SOURCE_DB WORK_DIR [RUNS] [REGISTRY]
#
# Copies SOURCE_DB (an SQLite store, never written; its .key beside it) to WORK_DIR/store.db,
# synthesises REGISTRY (default MDOR) procedures with another seed (13), cuts the first 1,000
# procedure_refs of them into one submission, ingests it, and then runs
#   orp surveillance run --since-change N --resident
# RUNS times (default 3): the resident cohort is loaded as `orp serve --surveil` holds it before
# the batch (without the procedures changed after N, with the risk models fitted on it kept),
# then refreshed and evaluated incrementally. Prints, per run, the incremental run's process CPU
# and wall time and the phases' thread CPU (`phase_cpu_ms` in the JSON header), and the load's.
# Needs jq. Deletes nothing but WORK_DIR's own files when done (set KEEP=1 to keep the store).
set -euo pipefail
orp=$(realpath "$1")
source_db=$2
work=$3
runs=${4:-3}
registry=${5:-MDOR}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
echo "disk before the copy: $(df -h --output=avail "$work" | tail -1)"
cp "$source_db" "$work/store.db"
cp "$source_db.key" "$work/store.db.key"
url="sqlite:$work/store.db"

"$orp" synth --seed 13 --procedures 4000 --registries "$registry" --error-rate 0 \
  --out "$work/syn13" --definitions "$src/registries" >/dev/null
files=("$work"/syn13/submissions/"$registry"-*.csv)
{
  head -1 "${files[0]}"
  for f in "${files[@]}"; do tail -n +2 "$f"; done
} | awk -F, 'NR == 1 {print; next} !($2 in seen) {n++; seen[$2] = 1} n <= 1000 {print}' \
  >"$work/submission.csv"

before=$(sqlite3 "$work/store.db" "select coalesce(max(seq), 0) from changes")
"$orp" ingest --db "$url" --definitions "$src/registries" --format json "$work/submission.csv" \
  >"$work/ingest.json"
after=$(sqlite3 "$work/store.db" "select coalesce(max(seq), 0) from changes")
echo "submission: $(($(wc -l <"$work/submission.csv") - 1)) rows, 1,000 procedures of $registry;" \
  "changes $before -> $after"

run=(surveillance run --db "$url" --data-cut 2025-12-31 --format json
  --benchmarks "$src/registries/benchmark-criteria.csv" --since-change "$before" --resident)
for i in $(seq 1 "$runs"); do
  "$orp" "${run[@]}" >"$work/run.$i.json"
  jq -c --arg i "$i" '{run: $i, primaries, affected_units, signals: (.signals | length),
    left_out: .resident.left_out, load: .resident.load,
    incremental: .resident.incremental_run, phases: .phase_cpu_ms}' "$work/run.$i.json"
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$work/store.db" "$work/store.db.key" "$work/syn13"
