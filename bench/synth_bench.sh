#!/usr/bin/env bash
# Times `orp synth` (default 1M procedures) three times and prints each wall time and the median.
# Usage: bench/synth_bench.sh [ORP_BINARY] [PROCEDURES] [OUT_DIR]
# The figure is recorded in docs/performance.md under "Synthetic registry".
set -euo pipefail
orp=${1:-build/orp}
procedures=${2:-1000000}
out=${3:-$(mktemp -d)}
times=()
for run in 1 2 3; do
  rm -rf "$out"
  start=$(date +%s.%N)
  "$orp" synth --seed 1 --procedures "$procedures" --out "$out" --format json >/dev/null
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  times+=("$t")
  echo "run $run: ${t}s"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
echo "orp synth --procedures $procedures: median ${median}s of 3 ($(du -sh "$out" | cut -f1) written)"
rm -rf "$out"
