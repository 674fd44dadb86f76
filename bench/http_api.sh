#!/usr/bin/env bash
# HTTP API figures (docs/performance.md, "## HTTP API"), with wrk from Debian:
#   apt install wrk            (not in scripts/install-deps: a benchmark is not CI)
# 1. GET /healthz, 100 keep-alive connections: requests/s and p99.
# 2. An authenticated small GET (/api/v1/udi/parse with an API token: token lookup, policy,
#    handler), the same way. Needs `orp user` / `orp token` (security); skipped without them.
# 3. Submissions: the same synthetic files through `orp ingest` and through POST
#    /api/v1/submissions (curl, one file at a time), procedures per second each.
#    Large files make the fixed cost per POST (about 7 ms) small against the ingest itself:
#    ORP_BENCH_SUBMIT_PROCEDURES=N generates N procedures (default 10000, about 330 per yearly
#    file) and ORP_BENCH_SUBMIT_ONE_FILE=1 joins the yearly files into one submission.
#    ORP_BENCH_SKIP_WRK=1 runs only the submissions. ORP_BENCH_ONE_PROVIDER=1 moves every row
#    to the first row's site, so every procedure is the submitter's own and is written.
# The server runs with --log-level warn (a line per request on stderr would be measured too).
# Usage: bench/http_api.sh [build dir] [seconds per wrk run]
set -euo pipefail
build=${1:-build}
seconds=${2:-10}
orp="$build/orp"
work=${ORP_BENCH_DIR:-/tmp/orp-http-bench}
port=${ORP_BENCH_PORT:-18080}
rm -rf "$work" && mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is not installed: apt install wrk"; exit 1; }

"$orp" synth --seed 3 --procedures "${ORP_BENCH_SUBMIT_PROCEDURES:-10000}" --registries MDOR \
  --out "$work/synth" --definitions registries >/dev/null
files=("$work"/synth/submissions/*.csv)
if [ "${ORP_BENCH_ONE_PROVIDER:-0}" = 1 ]; then
  # Every row becomes the first row's site, so the submitter's file is all its own and every
  # procedure is written (without this most rows are rejected as other providers' after
  # validation, and the comparison measures validation rather than the write path). The synth's
  # CSV has no quoted fields, so a plain field rewrite is safe.
  site=$(awk -F, 'NR == 2 {print $3}' "${files[0]}")
  for f in "${files[@]}"; do
    awk -F, -v OFS=, -v site="$site" 'NR > 1 {$3 = site} {print}' "$f" >"$f.one" && mv "$f.one" "$f"
  done
fi
if [ "${ORP_BENCH_SUBMIT_ONE_FILE:-0}" = 1 ]; then
  # One submission: the first file's header, then every file's rows.
  { head -n 1 "${files[0]}"; for f in "${files[@]}"; do tail -n +2 "$f"; done; } >"$work/all.csv"
  files=("$work/all.csv")
fi
procedures=$(($(cat "${files[@]}" | wc -l) - ${#files[@]}))  # device rows, roughly procedures
ods=$(awk -F, 'NR == 2 {print substr($3, 1, 3)}' "${files[0]}")

have_accounts=0
if "$orp" user --help >/dev/null 2>&1; then have_accounts=1; fi
db="sqlite:$work/http.db"
"$orp" migrate --db "$db" >/dev/null
if [ $have_accounts = 1 ]; then
  "$orp" user add --db "$db" --username bench-reader --role analyst >/dev/null
  "$orp" user add --db "$db" --username bench-submitter --role "submitter@$ods" >/dev/null
  reader=$("$orp" token create --db "$db" --username bench-reader --format json 2>/dev/null |
           grep -o '"orp_[^"]*"' | tr -d '"')
  submitter=$("$orp" token create --db "$db" --username bench-submitter --format json 2>/dev/null |
              grep -o '"orp_[^"]*"' | tr -d '"')
fi
"$orp" serve --db "$db" --listen "127.0.0.1:$port" --log-level warn >"$work/serve.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q listening "$work/serve.out" && break; sleep 0.1; done

echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
[ "${ORP_BENCH_SKIP_WRK:-0}" = 1 ] && seconds=0
if [ "$seconds" != 0 ]; then
echo "== GET /healthz, 100 connections, ${seconds}s"
wrk -t2 -c100 -d"${seconds}s" --latency "http://127.0.0.1:$port/healthz" |
  grep -E "Requests/sec|99%"
if [ $have_accounts = 1 ]; then
  echo "== GET /api/v1/udi/parse with a token, 100 connections, ${seconds}s"
  wrk -t2 -c100 -d"${seconds}s" --latency -H "Authorization: Bearer $reader" \
    "http://127.0.0.1:$port/api/v1/udi/parse?udi=%2801%2909506000134352%2810%29ABC123" |
    grep -E "Requests/sec|99%|Non-2xx"
fi
fi

echo "== submissions: $procedures device rows in ${#files[@]} files, as $ods"
# CPU seconds (user + system) of the server process so far, for a figure a loaded machine keeps.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$server/stat"; }
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/direct.time" "$orp" ingest --db "sqlite:$work/direct.db" \
  --as "$ods" --definitions registries "${files[@]}" >/dev/null || true
direct=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
direct_cpu=$(awk '{printf "%.2f", $1 + $2}' "$work/direct.time")
echo "direct orp ingest: ${direct}s wall, ${direct_cpu}s CPU"
if [ $have_accounts = 1 ]; then
  start=$(date +%s.%N)
  cpu_before=$(server_cpu)
  for f in "${files[@]}"; do
    curl -sS -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $submitter" \
      -H "Content-Type: text/csv" -H "Idempotency-Key: $(basename "$f")" \
      --data-binary "@$f" "http://127.0.0.1:$port/api/v1/submissions"
  done | sort | uniq -c
  http=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
  http_cpu=$(awk -v a="$cpu_before" -v b="$(server_cpu)" 'BEGIN {printf "%.2f", b - a}')
  echo "over HTTP: ${http}s wall (HTTP rate / direct rate: $(awk -v d="$direct" -v h="$http" 'BEGIN {printf "%.2f", d / h}'))"
  echo "server CPU: ${http_cpu}s (direct CPU / server CPU: $(awk -v d="$direct_cpu" -v h="$http_cpu" 'BEGIN {printf "%.2f", d / h}'))"
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
