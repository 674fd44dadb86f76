#!/usr/bin/env bash
# Audited reads through two `orp serve` processes on one database (issue #10,
# docs/performance.md "## Scale: audited reads with two servers"): every GET of
# /api/v1/procedures?limit=20 with an analyst token appends one audit entry before its data is
# returned. Per backend (SQLite file, PostgreSQL throwaway cluster) and per `--threads` value:
# requests/s summed over both servers (wrk -t1 -c50 on each at once), audit entries written,
# the transactions that wrote them (PostgreSQL: distinct xmin of the new rows; group commit puts
# many in one), on PostgreSQL the WAL flushes (fsyncs, pg_stat_wal.wal_sync, the whole cluster's)
# per audit entry, both servers' CPU (user+sys) per request, and `orp audit verify` afterwards.
#
# With WAITS=1 (PostgreSQL) the servers' database sessions are sampled every 50 ms during the
# run and the most common states printed: what the appenders wait on (the chain's advisory lock,
# the WAL flush) or "running".
#
#   bench/audit_servers.sh ORP WORK [THREADS...]       default THREADS: 1 8
#   BACKENDS="sqlite postgresql" SECONDS_PER_RUN=10 bench/audit_servers.sh build/orp /tmp/orp-audit 1 8
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ORP WORK [THREADS...]" >&2; exit 2; }
orp=$(realpath "$1")
work=$2
shift 2
thread_counts=("${@:-1 8}")
[ $# -eq 0 ] && thread_counts=(1 8)
backends=${BACKENDS:-sqlite postgresql}
seconds=${SECONDS_PER_RUN:-10}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/lib.sh"
command -v wrk >/dev/null || { echo "wrk not installed (apt install wrk)" >&2; exit 1; }
mkdir -p "$work"
if [ ! -f "$work/synth/.done" ]; then
  "$orp" synth --seed 1 --procedures 2000 --registries MDOR --out "$work/synth" \
    --definitions "$src/registries" >/dev/null
  touch "$work/synth/.done"
fi

# wal_syncs URL: the cluster's WAL fsyncs so far. Backends report their counts when they end
# or are idle, so the servers are stopped and a second passes before the second reading.
wal_syncs() {
  sleep 1.5
  psql -At "$1" -c "SELECT pg_stat_force_next_flush()" -c "SELECT wal_sync FROM pg_stat_wal" | tail -n 1
}

# sample_waits URL SECONDS: the wait event of every active client session (or "running"),
# sampled every 50 ms, counted. pg_stat_clear_snapshot() makes each sample a fresh look.
sample_waits() {
  psql -qAt -F= "$1" -c "CREATE TEMP TABLE w (e text)" -c "DO \$\$ BEGIN
    FOR i IN 1..$(($2 * 20)) LOOP
      INSERT INTO w SELECT coalesce(wait_event_type || ':' || wait_event, 'running')
        FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active'
        AND pid <> pg_backend_pid();
      PERFORM pg_stat_clear_snapshot();
      PERFORM pg_sleep(0.05);
    END LOOP; END \$\$" -c "SELECT e, count(*) FROM w GROUP BY e ORDER BY 2 DESC LIMIT 6"
}

cpu_of() {  # user+sys seconds of process $1 so far
  awk -v k="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / k}' "/proc/$1/stat"
}

run() {  # run BACKEND URL THREADS
  local backend=$1 url=$2 threads=$3 i pids=() addresses=()
  local entries_before transactions=- syncs_before=0 syncs=-
  entries_before=$("$orp" audit verify --db "$url" --format csv | tail -n 1 | cut -d, -f1)
  [ "$backend" = postgresql ] && syncs_before=$(wal_syncs "$url")
  for i in 1 2; do
    start_server "$work/serve$i.out" "$orp" --db "$url" --threads "$threads" --log-level warn
    pids+=("$server_pid")
    addresses+=("$server_address")
  done
  local cpu_before=() wrks=()
  for i in 0 1; do cpu_before+=("$(cpu_of "${pids[$i]}")"); done
  for i in 0 1; do
    wrk -t1 -c50 -d"${seconds}s" -H "Authorization: Bearer $token" \
      "${addresses[$i]}/api/v1/procedures?limit=20" >"$work/wrk$i" &
    wrks+=($!)
  done
  local sampler=
  if [ "$backend" = postgresql ] && [ "${WAITS:-0}" = 1 ]; then
    sample_waits "$url" "$seconds" >"$work/waits" &
    sampler=$!
  fi
  wait "${wrks[@]}"
  if [ -n "$sampler" ]; then
    wait "$sampler"
    echo "$backend --threads $threads: session states (samples): $(paste -sd ' ' "$work/waits")"
  fi
  local cpu=0 requests
  for i in 0 1; do
    cpu=$(awk -v a="$cpu" -v b="${cpu_before[$i]}" -v c="$(cpu_of "${pids[$i]}")" \
      'BEGIN {printf "%.2f", a + c - b}')
  done
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  if [ "$backend" = postgresql ]; then
    transactions=$(psql -At "$url" -c \
      "SELECT count(DISTINCT xmin::text) FROM audit_log WHERE seq > $entries_before")
    syncs=$(( $(wal_syncs "$url") - syncs_before ))
  fi
  requests=$(cat "$work/wrk0" "$work/wrk1" | awk '/requests in/ {s += $1} END {print s}')
  local verify entries
  verify=$("$orp" audit verify --db "$url" --format csv | tail -n 1)
  entries=$(( $(echo "$verify" | cut -d, -f1) - entries_before ))
  awk -v b="$backend" -v t="$threads" -v r="$requests" -v s="$seconds" -v e="$entries" \
    -v c="$cpu" -v k="$transactions" -v v="$verify" -v f="$syncs" \
    -v non2xx="$(cat "$work/wrk0" "$work/wrk1" | grep -c Non-2xx || true)" 'BEGIN {
      printf "%s --threads %d: %.0f requests/s, %d audit entries in %s transactions, %s WAL flushes, %.2f ms CPU/request, non-2xx lines %d, verify: %s\n",
        b, t, r / s, e, k, f, c * 1000 / r, non2xx, v }'
}

for backend in $backends; do
  bench_store "$backend" audit audit-bench
  for threads in "${thread_counts[@]}"; do run "$backend" "$url" "$threads"; done
  [ "$backend" = postgresql ] && "$src/scripts/pg-test-cluster" stop "$work/pg"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
