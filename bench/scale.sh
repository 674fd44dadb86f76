#!/usr/bin/env bash
# Scale bench (issue #10, docs/performance.md "## Scale"): synthesise N procedures, ingest them
# into SQLite and into PostgreSQL (a throwaway cluster of its own, scripts/pg-test-cluster),
# and on each backend record:
#   ingest: wall, client CPU (user+sys), PostgreSQL server CPU, peak RSS, procedures/s
#   database size
#   recall of one lot: `orp recall preview` REPEAT times; median and max (= p99 at REPEAT<=100)
#   of process CPU and wall
#   survival by device model (`orp survival --by model`): CPU, wall, peak RSS
#   a full surveillance run: CPU, wall, peak RSS
#   API throughput with two `orp serve` processes on the one database: wrk on both at once
#   (GET /api/v1/procedures?limit=20 with an analyst token), requests/s summed
# CPU time is reported beside wall time because a loaded machine makes wall time unreliable.
#
#   bench/scale.sh [BUILD] [N] [WORK]      defaults: build 1000000 /var/tmp/orp-scale-N
#   BACKENDS="sqlite postgresql" REPEAT=20 WRK_SECONDS=10 bench/scale.sh build 5000000
#
# Disk (docs/performance.md "## Scale" has the figures per step). The synth's NDJSON copies are
# deleted as soon as it has written them (the bench ingests the CSVs; KEEP_NDJSON=1 keeps them).
# For 20M on one disk:
#   YEARLY=1     ingest the yearly CSVs one `orp ingest` per file (still one submission per
#                file), deleting each after the backend has taken it; the next backend
#                re-synthesises them (same seed, same bytes). Figures are summed over the files.
#   DROP_DB=1    delete the SQLite database once its steps are done, before the next backend
#                (the PostgreSQL cluster is always removed after its steps).
#   YEARLY=1 DROP_DB=1 bench/scale.sh build 20000000 /var/tmp/orp-scale-20m
#   RESUME=1     carry on a run that was stopped (a session's end, a reboot): with YEARLY=1 the
#                years a backend already took are skipped (their time files hold their figures),
#                the SQLite database and the PostgreSQL cluster are kept and the cluster is
#                started again, results.txt is appended to, and a backend whose steps all
#                finished (WORK/done.BACKEND) is skipped. A backend whose yearly files were all
#                taken (WORK/ingested.BACKEND) is not synthesised again, and a timed step
#                (survival, surveillance) whose time file exists, or a complete recall sample, is
#                reported, not run again. Totals are summed over every year's file.
#                The year being loaded when the run stopped is loaded again: its transaction never
#                committed, so nothing of it is in the store.
#   YEARLY=1 DROP_DB=1 RESUME=1 bench/scale.sh build 20000000 /var/tmp/orp-scale-20m
# Backends run one at a time in the order of BACKENDS (BACKENDS=postgresql for one only).
#   PG_CONF="name=value ..."  settings for the bench's PostgreSQL cluster over the test defaults
#                (shared_buffers 64MB, max_wal_size 1GB: scripts/pg-test-cluster); 20M ran with
#                PG_CONF="shared_buffers=4GB max_wal_size=8GB checkpoint_timeout=30min", a
#                server sized for its data (docs/performance.md "## Scale").
# Every step prints the disk the work directory holds and the disk left (`disk:` lines).
set -euo pipefail
build=${1:-build}
n=${2:-1000000}
work=${3:-/var/tmp/orp-scale-$n}
backends=${BACKENDS:-sqlite postgresql}
repeat=${REPEAT:-20}
wrk_seconds=${WRK_SECONDS:-10}
yearly=${YEARLY:-0}
drop_db=${DROP_DB:-0}
resume=${RESUME:-0}
orp="$(cd "$build" && pwd)/orp"
src=$(cd "$(dirname "$0")/.." && pwd)
registries="$src/registries"
export ORP_REGISTRIES="$registries"  # orp serve finds the definitions wherever it is run from
. "$src/bench/lib.sh"
# wrk drives the API step: missing, a 20M run would find out after hours (session 9's did).
command -v wrk >/dev/null || [ "${NO_API:-0}" = 1 ] ||
  { echo "scale.sh: wrk is not installed (apt install wrk), or NO_API=1 to skip the API step" >&2; exit 1; }
mkdir -p "$work"
results="$work/results.txt"
[ "$resume" = 1 ] || { : >"$results"; rm -f "$work"/done.* "$work"/ingested.*; }
say() { echo "$*" | tee -a "$results"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# timed NAME CMD...: runs CMD under /usr/bin/time; records wall, user+sys CPU and peak RSS.
# timed_once NAME COMMAND...: timed, except that a resumed run reports a step it already took.
timed_once() {
  local name=$1
  if [ "$resume" = 1 ] && [ -s "$work/time.$name" ]; then
    read -r wall user sys rss <"$work/time.$name"
    say "$name: wall ${wall}s cpu $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')s peak_rss $((rss / 1024))MB (taken before the run was resumed)"
    return
  fi
  timed "$@"
}

timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.$name" "$@" >"$work/out.$name" 2>"$work/err.$name" ||
    { echo "$name failed: $(tail -3 "$work/err.$name")"; return 1; }
  read -r wall user sys rss <"$work/time.$name"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  say "$name: wall ${wall}s cpu ${cpu}s peak_rss $((rss / 1024))MB (load $(load))"
}

disk() {  # disk STEP: what WORK holds and what the file system has left
  say "disk after $1: work $(du -sh "$work" 2>/dev/null | cut -f1), free $(df -h --output=avail "$work" | tail -n 1 | tr -d ' ')"
}

say "== orp scale bench: $n procedures, $(nproc) cores, load $(load), $(date -u +%FT%TZ)$([ "$resume" = 1 ] && echo ", resumed")"
# ensure_synth: the yearly CSVs, synthesised again when a YEARLY run deleted them (deterministic).
synth_runs=0
ensure_synth() {
  if [ ! -f "$work/synth/.done" ] || ! ls "$work"/synth/submissions/*.csv >/dev/null 2>&1; then
    rm -rf "$work/synth"
    synth_runs=$((synth_runs + 1))
    timed "synth$([ $synth_runs -gt 1 ] && echo ".$synth_runs")" "$orp" synth --seed 1 \
      --procedures "$n" --registries MDOR --out "$work/synth" --definitions "$registries"
    [ "${KEEP_NDJSON:-0}" = 1 ] || rm -f "$work"/synth/submissions/*.ndjson
    touch "$work/synth/.done"
    files=("$work"/synth/submissions/*.csv)
    say "synth: ${#files[@]} files, $(du -sh "$work/synth" | cut -f1)"
    disk synth
  fi
  files=("$work"/synth/submissions/*.csv)
}
if [ "$yearly" = 1 ] && [ "$resume" = 1 ] && [ -s "$work/lot" ]; then
  files=()  # a resumed yearly run: each backend synthesises again only if it has years left
else
  ensure_synth
  say "csv: ${#files[@]} files, $(du -ch "${files[@]}" | tail -n 1 | cut -f1)"
fi

# One lot with implants: the lot of the first device row of the first file, kept in WORK/lot so
# that a resumed run (whose first remaining file is a later year) asks for the same one.
if [ -s "$work/lot" ]; then
  read -r lot_gtin lot <"$work/lot"
else
  gtin_col=$(head -n 1 "${files[0]}" | tr ',' '\n' | grep -nx 'gtin' | cut -d: -f1)
  lot_col=$(head -n 1 "${files[0]}" | tr ',' '\n' | grep -nx 'lot' | cut -d: -f1)
  lot_gtin=$(awk -F, -v c="$gtin_col" 'NR == 2 {print $c}' "${files[0]}")
  lot=$(awk -F, -v c="$lot_col" 'NR == 2 {print $c}' "${files[0]}")
  echo "$lot_gtin $lot" >"$work/lot"
fi

# ingest_yearly NAME URL: one `orp ingest` per yearly file, each deleted once ingested; writes
# the summed wall, user and system time and the largest peak RSS to time.NAME.ingest as `timed`
# does, and prints each file's line.
ingest_yearly() {
  local name=$1 url=$2 f year w u s r pg_before
  local wall=0 user=0 sys=0 rss=0
  for f in "${files[@]}"; do
    year=$(basename "$f" .csv)
    if [ "$resume" = 1 ] && [ -s "$work/time.$name.$year" ]; then
      rm -f "$f"  # taken before the run stopped
      continue
    fi
    [ "$name" = postgresql ] && pg_before=$(pg_cluster_cpu "$work/pg")
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.$name.$year" "$orp" ingest --db "$url" \
      --catalogue "$work/synth/device-catalogue.csv" --definitions "$registries" --format csv \
      "$f" >>"$work/out.$name.ingest" 2>>"$work/err.$name.ingest" ||
      { echo "$name ingest of $year failed: $(tail -3 "$work/err.$name.ingest")"; return 1; }
    read -r w u s r <"$work/time.$name.$year"
    local server=""
    if [ "$name" = postgresql ]; then
      awk -v a="$pg_before" -v b="$(pg_cluster_cpu "$work/pg")" 'BEGIN {printf "%.2f\n", b - a}' \
        >"$work/server_cpu.$name.$year"
      server=" server_cpu $(cat "$work/server_cpu.$name.$year")s"
    fi
    rm -f "$f"
    say "$name.ingest $year: wall ${w}s cpu $(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')s$server peak_rss $((r / 1024))MB (load $(load))"
    disk "$name.ingest $year"
  done
  # Totals over every year's file, those of earlier (resumed) runs included.
  for f in "$work"/time."$name".MDOR-*; do
    [ -s "$f" ] || continue
    read -r w u s r <"$f"
    wall=$(awk -v a="$wall" -v b="$w" 'BEGIN {print a + b}')
    user=$(awk -v a="$user" -v b="$u" 'BEGIN {print a + b}')
    sys=$(awk -v a="$sys" -v b="$s" 'BEGIN {print a + b}')
    [ "$r" -gt "$rss" ] && rss=$r
  done
  echo "$wall $user $sys $rss" >"$work/time.$name.ingest"
  say "$name.ingest: wall ${wall}s cpu $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')s peak_rss $((rss / 1024))MB ($(cat "$work"/time."$name".MDOR-* | grep -c .) files, one process each)"
}

# summary FILE: lines "wall user sys" -> CPU and wall median and max (max = p99 for <= 100 runs).
summary() {
  local cpu wall
  cpu=$(awk '{printf "%.3f\n", $2 + $3}' "$1" | sort -n)
  wall=$(awk '{printf "%.3f\n", $1}' "$1" | sort -n)
  local n
  n=$(echo "$cpu" | wc -l)
  echo "cpu median $(echo "$cpu" | sed -n "$(((n + 1) / 2))p")s max $(echo "$cpu" | tail -n 1)s;" \
    "wall median $(echo "$wall" | sed -n "$(((n + 1) / 2))p")s max $(echo "$wall" | tail -n 1)s"
}

run_backend() {  # run_backend NAME URL
  local name=$1 url=$2
  say "-- $name"
  local before_pg=0
  [ "$name" = postgresql ] && before_pg=$(pg_cluster_cpu "$work/pg")
  if [ -f "$work/done.$name" ]; then
    say "-- $name: done before the run was resumed"
    return
  fi
  if [ "$yearly" = 1 ] && [ "$resume" = 1 ] && [ -f "$work/ingested.$name" ]; then
    # Every year was taken: no synth again (20M of CSV does not fit beside the store).
    say "$name.ingest: every yearly file was taken before the run was resumed"
  elif [ "$yearly" = 1 ]; then
    ensure_synth
    ingest_yearly "$name" "$url"
    touch "$work/ingested.$name"
  else
    timed "$name.ingest" "$orp" ingest --db "$url" --catalogue "$work/synth/device-catalogue.csv" \
      --definitions "$registries" --format csv "${files[@]}"
  fi
  local wall
  wall=$(cut -d' ' -f1 "$work/time.$name.ingest")
  say "$name.ingest rate: $(awk -v n="$n" -v w="$wall" 'BEGIN {printf "%.0f", n / w}') procedures/s (wall)"
  if [ "$name" = postgresql ] && [ "$yearly" = 1 ]; then
    say "$name.ingest server cpu: $(cat "$work"/server_cpu."$name".MDOR-* | awk '{s += $1} END {printf "%.2f", s}')s"
    say "$name.size: $(psql -At "$url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  elif [ "$name" = postgresql ]; then
    say "$name.ingest server cpu: $(awk -v a="$before_pg" -v b="$(pg_cluster_cpu "$work/pg")" 'BEGIN {printf "%.2f", b - a}')s"
    say "$name.size: $(psql -At "$url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  else
    say "$name.size: $(du -shc "$work/scale.db"* | tail -n 1 | cut -f1)"
  fi
  disk "$name.ingest"
  # Recall of one lot, REPEAT times.
  if [ "$resume" != 1 ] || [ "$(wc -l <"$work/recall.$name" 2>/dev/null || echo 0)" -ne "$repeat" ]; then
    : >"$work/recall.$name"
    for _ in $(seq 1 "$repeat"); do
      /usr/bin/time -f "%e %U %S" -a -o "$work/recall.$name" "$orp" recall preview --db "$url" \
        --gtin "$lot_gtin" --lot "$lot" --format csv >/dev/null 2>"$work/err.recall"
    done
  fi
  say "$name.recall one lot ($lot_gtin/$lot), $repeat runs: $(summary "$work/recall.$name")"
  timed_once "$name.survival_by_model" "$orp" survival --db "$url" --registry MDOR --by model \
    --definitions "$registries" \
    --data-cut 2025-12-31 --format csv
  timed_once "$name.surveillance_run" "$orp" surveillance run --db "$url" --data-cut 2025-12-31 \
    --format json
  api_throughput "$name" "$url"
  disk "$name (all steps)"
  touch "$work/done.$name"
}

api_throughput() {  # two orp serve processes on one database, wrk on both at once
  local name=$1 url=$2
  command -v wrk >/dev/null || { say "$name.api: wrk not installed (apt install wrk)"; return; }
  "$orp" user add --db "$url" --username "scale-analyst-$$" --role analyst >/dev/null
  local token
  token=$("$orp" token create --db "$url" --username "scale-analyst-$$" --format json |
          grep -o '"orp_[^"]*"' | tr -d '"')
  local pids=() addresses=() i
  for i in 1 2; do
    start_server "$work/serve$i.out" "$orp" --db "$url" --threads 1 --log-level warn
    pids+=("$server_pid")
    addresses+=("$server_address")
  done
  local wrks=()
  for i in 0 1; do
    wrk -t1 -c50 -d"${wrk_seconds}s" --latency -H "Authorization: Bearer $token" \
      "${addresses[$i]}/api/v1/procedures?limit=20" >"$work/wrk$i.$name" &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  local total
  total=$(cat "$work/wrk0.$name" "$work/wrk1.$name" | awk '/Requests\/sec/ {s += $2} END {printf "%.0f", s}')
  say "$name.api two servers: $total requests/s; p99 $(grep ' 99%' "$work/wrk0.$name" | awk '{print $2}') / $(grep ' 99%' "$work/wrk1.$name" | awk '{print $2}'); non-2xx $(cat "$work/wrk0.$name" "$work/wrk1.$name" | grep -c Non-2xx || true) (load $(load))"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}

for backend in $backends; do
  case "$backend" in
    sqlite)
      [ "$resume" = 1 ] || rm -f "$work"/scale.db*
      run_backend sqlite "sqlite:$work/scale.db"
      [ "$drop_db" = 1 ] && [ -f "$work/scale.db" ] && rm -f "$work"/scale.db* &&
        disk "dropping the SQLite database" ;;
    postgresql)
      [ -f "$work/done.postgresql" ] && { say "-- postgresql: done before the run was resumed"; continue; }
      if [ "$resume" = 1 ] && [ -d "$work/pg/data" ]; then
        # The cluster a stopped run left: start it again (it recovers from its WAL).
        [ -f "$work/pg/data/postmaster.pid" ] && kill -0 "$(head -n 1 "$work/pg/data/postmaster.pid")" 2>/dev/null ||
          "$src/scripts/pg-test-cluster" resume "$work/pg"
        url=$("$src/scripts/pg-test-cluster" url "$work/pg")
      else
        "$src/scripts/pg-test-cluster" stop "$work/pg" >/dev/null 2>&1 || true
        url=$("$src/scripts/pg-test-cluster" start "$work/pg")
      fi
      say "-- postgresql settings: ${PG_CONF:-the test defaults (shared_buffers 64MB, max_wal_size 1GB)}"
      run_backend postgresql "$url"
      # The cluster is thrown away whatever DROP_DB says (stop removes its directory).
      "$src/scripts/pg-test-cluster" stop "$work/pg"
      disk "dropping the PostgreSQL cluster" ;;
  esac
done
say "== done, load $(load); results in $results"
