#!/usr/bin/env bash
# GET /api/v1/procedures on a large registry (security, docs/performance.md "## Security: deep
# pages, audit append"): what a page costs the server, page 1 against a page deep in the table,
# and audited reads with two servers on one database. CPU time, not wall time, is the figure
# (the machine this was written on is shared): the server's own CPU (utime + stime of the
# `orp serve` process from /proc) and, on PostgreSQL with --pg-dir, its backends' CPU too.
#
# Usage: bench/procedures_pages.sh ORP DB_URL [DEPTH] [REQUESTS] [WRK_SECONDS] [PG_DIR]
#   DB_URL   an ingested registry (bench/scale.sh's, or `orp synth` + `orp ingest`)
#   DEPTH    the procedure id the deep page starts after (default 500000)
#   REQUESTS sequential requests per page measured (default 50)
#   PG_DIR   the scripts/pg-test-cluster directory of DB_URL's server, for its CPU (optional)
# Prints, per page: server CPU per request (ms) and the median wall time of curl; then, for two
# `orp serve --threads 1` driven by `wrk -t1 -c50` each at page 1 (as bench/scale.sh): requests/s
# in total and the servers' CPU per request.
set -euo pipefail
orp=$1
url=$2
depth=${3:-500000}
requests=${4:-50}
wrk_seconds=${5:-10}
pg_dir=${6:-}
work=$(mktemp -d /tmp/orp-pages.XXXXXX)
ticks=$(getconf CLK_TCK)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

cpu_of() {  # CPU ticks (utime + stime) of one process
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
pg_cpu() {  # CPU ticks of the cluster's live processes
  [ -n "$pg_dir" ] || { echo 0; return; }
  local postmaster total=0 pid
  postmaster=$(head -n 1 "$pg_dir/data/postmaster.pid")
  for pid in $postmaster $(pgrep -P "$postmaster" || true); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
serve() {  # serve N: starts server N, sets address[N]
  "$orp" serve --db "$url" --listen 127.0.0.1:0 --threads 1 --log-level warn --no-web \
    >"$work/serve$1.out" 2>&1 &
  pids[$1]=$!
  for _ in $(seq 1 600); do grep -q "listening on" "$work/serve$1.out" && break; sleep 0.1; done
  address[$1]=$(grep -o "http://[0-9.]*:[0-9]*" "$work/serve$1.out")
}

"$orp" user add --db "$url" --username "pages-analyst-$$" --role analyst >/dev/null
token=$("$orp" token create --db "$url" --username "pages-analyst-$$" --format json |
        grep -o '"orp_[^"]*"' | tr -d '"')
declare -A address
serve 1
cursor=$(printf 'procedures.%d' "$depth" | od -An -tx1 | tr -d ' \n')
echo "== $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $("$orp" version 2>/dev/null | head -n 1)"
for page in first deep; do
  target="${address[1]}/api/v1/procedures?limit=20"
  [ "$page" = deep ] && target="$target&cursor=$cursor"
  curl -sS -f -o "$work/page.json" -H "Authorization: Bearer $token" "$target"  # warm
  first_ref=$(grep -o '"procedure_ref":"[^"]*"' "$work/page.json" | head -n 1)
  before=$(cpu_of "${pids[1]}")
  before_pg=$(pg_cpu)
  for _ in $(seq 1 "$requests"); do
    curl -sS -f -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $token" "$target"
  done >"$work/times"
  server=$(awk -v a="$before" -v b="$(cpu_of "${pids[1]}")" -v t="$ticks" -v n="$requests" \
    'BEGIN {printf "%.2f", (b - a) / t / n * 1000}')
  database=$(awk -v a="$before_pg" -v b="$(pg_cpu)" -v t="$ticks" -v n="$requests" \
    'BEGIN {printf "%.2f", (b - a) / t / n * 1000}')
  wall=$(sort -n "$work/times" | sed -n "$(((requests + 1) / 2))p")
  echo "page $page (${first_ref:-no items}): server CPU ${server} ms/request, database CPU ${database} ms/request, wall median ${wall}s"
done

command -v wrk >/dev/null || { echo "wrk not installed (apt install wrk)"; exit 0; }
serve 2
before1=$(cpu_of "${pids[1]}")
before2=$(cpu_of "${pids[2]}")
before_pg=$(pg_cpu)
for i in 1 2; do
  wrk -t1 -c50 -d"${wrk_seconds}s" --latency -H "Authorization: Bearer $token" \
    "${address[$i]}/api/v1/procedures?limit=20" >"$work/wrk$i" &
  wrks[$i]=$!
done
wait "${wrks[1]}" "${wrks[2]}"
total=$(cat "$work/wrk1" "$work/wrk2" | awk '/^Requests\/sec/ {s += $2} END {printf "%.0f", s}')
count=$(cat "$work/wrk1" "$work/wrk2" | awk '/requests in/ {s += $1} END {print s}')
cpu=$(( $(cpu_of "${pids[1]}") - before1 + $(cpu_of "${pids[2]}") - before2 ))
echo "two servers, wrk -c50 each, ${wrk_seconds}s: ${total} requests/s in total (${count} requests);" \
  "servers' CPU $(awk -v c="$cpu" -v t="$ticks" -v n="$count" 'BEGIN {printf "%.2f", c / t / n * 1000}') ms/request;" \
  "database CPU $(awk -v a="$before_pg" -v b="$(pg_cpu)" -v t="$ticks" -v n="$count" 'BEGIN {printf "%.2f", (b - a) / t / n * 1000}') ms/request;" \
  "p99 $(awk '/ 99%/ {print $2}' "$work/wrk1") / $(awk '/ 99%/ {print $2}' "$work/wrk2");" \
  "non-2xx: $(cat "$work/wrk1" "$work/wrk2" | awk '/Non-2xx/ {s += $NF} END {print s + 0}')"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
