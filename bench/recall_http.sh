#!/usr/bin/env bash
# Recall over HTTP (docs/performance.md, "## Recall"): GET /api/v1/recall-preview for one random
# lot per request, on the registry bench/recall_bench.cc writes (ORP_RECALL_IMPLANTS implants,
# default 10M: 100 models of N/100 implants, lots of 250), with wrk and a Lua script that picks
# the lot. Reports wrk's latency percentiles (p50, p99) and the server's CPU time per request.
#   apt install wrk            (not in scripts/install-deps: a benchmark is not CI)
# Usage: bench/recall_http.sh [build dir] [seconds] [connections]
# The registry must exist (run build/bench/recall_bench once). A regulator account and token are
# added to it on the first run.
set -euo pipefail
build=${1:-build}
seconds=${2:-20}
connections=${3:-4}
orp="$build/orp"
implants=${ORP_RECALL_IMPLANTS:-10000000}
db_file=${ORP_RECALL_DB:-/var/tmp/orp-recall-$implants.db}
port=${ORP_BENCH_PORT:-18088}
work=${ORP_BENCH_DIR:-/tmp/orp-recall-http}
rm -rf "$work" && mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is not installed: apt install wrk"; exit 1; }
[ -f "$db_file" ] || { echo "no registry at $db_file: run $build/bench/recall_bench first"; exit 1; }
db="sqlite:$db_file"

"$orp" user add --db "$db" --username bench-regulator --role regulator >/dev/null 2>&1 || true
token=$("$orp" token create --db "$db" --username bench-regulator --format json 2>/dev/null |
        grep -o '"orp_[^"]*"' | tr -d '"')

# The GTIN-14 of model m, as recall_bench.cc's Gtin(): 0950600 (100000 + m) and a check digit.
gtins=$(python3 - <<PY
def gtin(m):
    p = "0950600" + str(100000 + m)
    s = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(p)))
    return p + str((10 - s % 10) % 10)
print(",".join('"%s"' % gtin(m) for m in range(100)))
PY
)
lots_per_model=$((implants / 100 / 250))
cat >"$work/lot.lua" <<LUA
local gtins = {$gtins}
math.randomseed(42)
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  local m = math.random(0, 99)
  local lot = "L" .. m .. "-" .. math.random(0, $lots_per_model - 1)
  return wrk.format("GET", "/api/v1/recall-preview?device=" .. gtins[m + 1] .. "&lot=" .. lot)
end
LUA

# How much of the registry file the OS has cached: a lot whose pages are not cached is read from
# the disk, hundreds of random reads in one request (the stalls of docs/performance.md "## Recall",
# Session 5). ORP_RECALL_PREWARM=1 reads the whole file first, as a server that has run a while
# on a machine with the memory for it has.
if [ "${ORP_RECALL_PREWARM:-0}" = 1 ]; then cat "$db_file" >/dev/null; fi
command -v fincore >/dev/null && echo "== cached before the run: $(fincore -n -o RES,SIZE "$db_file")"
# Requests slower than ORP_SLOW_MS (default 20, the target) are logged with their phases.
slow_ms=${ORP_SLOW_MS:-20}
"$orp" serve --db "$db" --listen "127.0.0.1:$port" --log-level warn --slow-request-ms "$slow_ms" \
  >"$work/serve.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q listening "$work/serve.out" && break; sleep 0.1; done
url="http://127.0.0.1:$port"
curl -sS -H "Authorization: Bearer $token" \
  "$url/api/v1/recall-preview?device=$(echo "$gtins" | cut -d'"' -f2)&lot=L0-0" | head -c 300
echo
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
# Warm-up (a running server has read its pages), then the measured run.
wrk -t1 -c"$connections" -d5s -s "$work/lot.lua" "$url" >/dev/null
cpu0=$(awk '{print $14 + $15}' "/proc/$server/stat")
# Major page faults (a mapped page read from disk) and bytes read from the disk by the server
# during the run: a lot whose pages are not in the OS cache stalls on the disk.
majflt0=$(awk '{print $12}' "/proc/$server/stat")
disk0=$(awk '/^read_bytes/ {print $2}' "/proc/$server/io")
wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/lot.lua" --latency "$url" | tee "$work/wrk.out" |
  grep -E "Requests/sec|Non-2xx|50%|90%|99%|requests in"
cpu1=$(awk '{print $14 + $15}' "/proc/$server/stat")
majflt1=$(awk '{print $12}' "/proc/$server/stat")
disk1=$(awk '/^read_bytes/ {print $2}' "/proc/$server/io")
echo "server major faults: $((majflt1 - majflt0)); read from disk: $(((disk1 - disk0) / 1048576)) MiB"
requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
awk -v c="$((cpu1 - cpu0))" -v n="$requests" -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "server CPU per request: %.2f ms\n", c / hz / n * 1000}'
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The warm-up's slow lines are counted too (the server cannot tell the runs apart).
echo "== requests over ${slow_ms} ms (warm-up and run): $(grep -c 'slow request' "$work/serve.out" || true)"
grep 'slow request' "$work/serve.out" | sed 's/.* ms=\([0-9.]*\) .*/\1 &/' | sort -rn | head -5 |
  cut -d' ' -f2- || true
