#!/usr/bin/env bash
# A whole device model as CSV (docs/performance.md, "## Recall"): `orp recall preview --format csv`
# of one model (100,000 implants on the 10M-implant registry bench/recall_bench.cc writes), run
# RUNS times per binary, the binaries interleaved run by run so that both see the same machine.
# Prints each run's user, system and wall seconds and rows, then the median of each per binary,
# and checks that every binary's output, sorted, is identical to the first's.
# Usage: bench/recall_csv.sh [runs] BINARY...   e.g. bench/recall_csv.sh 3 /tmp/orp-before build/orp
# Environment: ORP_RECALL_DB (default /var/tmp/orp-recall-10000000.db), ORP_RECALL_GTIN (default
# 09506001000076, model 76), ORP_BENCH_DIR (default /tmp/orp-recall-csv; outputs kept there).
set -euo pipefail
runs=${1:-3}
shift
[ $# -ge 1 ] || { echo "usage: $0 [runs] BINARY..."; exit 1; }
db_file=${ORP_RECALL_DB:-/var/tmp/orp-recall-10000000.db}
gtin=${ORP_RECALL_GTIN:-09506001000076}
work=${ORP_BENCH_DIR:-/tmp/orp-recall-csv}
[ -f "$db_file" ] || { echo "no registry at $db_file: run build/bench/recall_bench first"; exit 1; }
mkdir -p "$work"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
  i=0
  for bin in "$@"; do
    i=$((i + 1))
    /usr/bin/time -o "$work/time" -f "%U %S %e" "$bin" recall preview --db "sqlite:$db_file" \
      --gtin "$gtin" --format csv >"$work/out.$i.csv"
    echo "$i $(cat "$work/time") $(($(wc -l <"$work/out.$i.csv") - 1))" | tee -a "$work/runs.$$"
  done
done
i=0
for bin in "$@"; do
  i=$((i + 1))
  awk -v i="$i" -v bin="$bin" 'BEGIN { n = 0 } $1 == i { u[n] = $2; s[n] = $3; w[n] = $4; c[n] = $2 + $3; n++ }
    function median(a, n,   k, j, t) {
      for (k = 0; k < n; k++) for (j = k + 1; j < n; j++) if (a[j] < a[k]) { t = a[k]; a[k] = a[j]; a[j] = t }
      return n % 2 ? a[int(n / 2)] : (a[n / 2 - 1] + a[n / 2]) / 2 }
    END { printf "%s: median user %.2f s, sys %.2f s, user+sys %.2f s, wall %.2f s (%d runs)\n",
          bin, median(u, n), median(s, n), median(c, n), median(w, n), n }' "$work/runs.$$"
  sort "$work/out.$i.csv" >"$work/sorted.$i.csv"
  if [ "$i" -gt 1 ]; then
    if cmp -s "$work/sorted.1.csv" "$work/sorted.$i.csv"; then
      echo "$bin: output identical to $1's when sorted"
    else
      echo "$bin: OUTPUT DIFFERS from $1's (sorted)"; exit 1
    fi
  fi
done
rm -f "$work/runs.$$"
