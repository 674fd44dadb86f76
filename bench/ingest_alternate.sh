#!/usr/bin/env bash
# Two or more `orp` binaries loading the same file in turn (docs/performance.md, "## Ingest"): on
# this machine the same binary's CPU time for the same load varies by ±15% from run to run, so a
# change is judged by alternating runs, not by one run before and one after. Each run loads FILE
# with --bulk into a fresh SQLite file in WORK, after the page cache is dropped (when run as root)
# and FILE read back into it; it prints wall, user and system time and peak memory, and at the
# end whether every binary's receipt equals the first's.
# Usage: bench/ingest_alternate.sh WORK FILE CATALOGUE ROUNDS ORP...
#   e.g. orp synth --seed 1 --procedures 1000000 --registries MDOR --out /var/tmp/s1m, the yearly
#   CSV files joined (header once) into one-1m.csv, then
#   bench/ingest_alternate.sh /var/tmp/alt one-1m.csv /var/tmp/s1m/device-catalogue.csv 3 \
#     /var/tmp/orp-before build/orp
set -euo pipefail
[ $# -ge 5 ] || { sed -n '2,12p' "$0"; exit 2; }
work=$1 file=$2 catalogue=$3 rounds=$4
shift 4
definitions=$(cd "$(dirname "$0")/.." && pwd)/registries
mkdir -p "$work"
for ((r = 1; r <= rounds; r++)); do
  for i in $(seq 1 $#); do
    bin=${!i}
    db=$work/alt.db
    rm -f "$db" "$db"-wal "$db"-shm "$db"-journal "$db".key
    sync
    if [ -w /proc/sys/vm/drop_caches ]; then echo 3 >/proc/sys/vm/drop_caches; fi
    cat "$file" >/dev/null
    /usr/bin/time -f "wall %e s user %U s sys %S s peak %M KB" "$bin" ingest --db "sqlite:$db" \
      --catalogue "$catalogue" --definitions "$definitions" --format json --bulk "$file" \
      >"$work/receipt-$i.json" 2>"$work/err-$i.txt"
    echo "round $r  $bin  $(tail -1 "$work/err-$i.txt")  load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
rm -f "$work/alt.db" "$work/alt.db"-wal "$work/alt.db"-shm "$work/alt.db"-journal "$work/alt.db".key
for i in $(seq 2 $#); do
  if cmp -s "$work/receipt-1.json" "$work/receipt-$i.json"; then
    echo "${!i}: receipt identical to $1's"
  else
    echo "${!i}: receipt DIFFERS from $1's"
  fi
done
