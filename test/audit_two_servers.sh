#!/usr/bin/env bash
# Audited reads through two servers on one database (ops, #10): two `orp serve` processes on one
# SQLite file, then on one PostgreSQL database, each answer concurrent GETs of
# /api/v1/procedures (an audited read) from one curl --parallel run per server, both at once.
# Each backend must show:
#   - every 200 answered has its audit entry (entries added = requests answered 200);
#   - `orp audit verify` finds one intact linear chain;
#   - on PostgreSQL, group commit: the new entries were written by fewer transactions than
#     there are entries (rows of one transaction share xmin).
# Usage: audit_two_servers.sh ORP WORK_DIR REGISTRIES PG_URL
set -euo pipefail
orp=$1
dir=$2
registries=$3
pg_url=$4
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
"$orp" synth --seed 41 --procedures 300 --registries MDOR --out "$dir/synth" \
  --definitions "$registries" >/dev/null
requests=40

entries() { "$orp" audit verify --db "$1" --format csv | tail -n 1 | cut -d, -f1; }

check_backend() {  # check_backend NAME URL
  local name=$1 url=$2 i pids=() addresses=()
  "$orp" ingest --db "$url" --catalogue "$dir/synth/device-catalogue.csv" \
    --definitions "$registries" --format csv "$dir"/synth/submissions/*.csv >/dev/null
  "$orp" user add --db "$url" --username two-servers --role analyst >/dev/null
  local token before
  token=$("$orp" token create --db "$url" --username two-servers --format json |
          grep -o '"orp_[^"]*"' | tr -d '"')
  before=$(entries "$url")
  for i in 1 2; do
    "$orp" serve --db "$url" --definitions "$registries" --listen 127.0.0.1:0 --threads 8 \
      --no-web --log-level warn >"$dir/$name-serve$i.out" 2>&1 &
    pids+=($!)
  done
  trap 'kill '"${pids[*]}"' 2>/dev/null || true' EXIT
  for i in 1 2; do
    for _ in $(seq 1 600); do grep -q "listening on" "$dir/$name-serve$i.out" && break; sleep 0.1; done
    addresses+=("$(grep -o "http://[0-9.]*:[0-9]*" "$dir/$name-serve$i.out")") ||
      fail "$name server $i did not start"
  done
  local curls=()
  for i in 0 1; do
    local urls=()
    for _ in $(seq 1 $((requests / 2))); do
      urls+=(-o /dev/null "${addresses[$i]}/api/v1/procedures?limit=5")
    done
    curl -s --no-progress-meter --parallel --parallel-max 20 -H "Authorization: Bearer $token" \
      -w '%{http_code}\n' "${urls[@]}" >"$dir/$name-codes$i" &
    curls+=($!)
  done
  wait "${curls[@]}"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  trap - EXIT
  local ok added
  ok=$(cat "$dir/$name-codes0" "$dir/$name-codes1" | grep -c '^200$' || true)
  [ "$ok" = "$requests" ] || fail "$name: $ok of $requests requests answered 200"
  "$orp" audit verify --db "$url" >/dev/null || fail "$name: the audit chain does not verify"
  added=$(( $(entries "$url") - before ))
  [ "$added" = "$ok" ] || fail "$name: $ok reads answered but $added audit entries added"
  echo "$name: $ok audited reads through two servers, $added entries, one intact chain"
}

check_backend sqlite "sqlite:$dir/registry.db"

db="orp_two_servers_$$"
psql -q "$pg_url" -c "CREATE DATABASE $db"
url=${pg_url/\/postgres\?//$db?}
check_backend postgresql "$url"
transactions=$(psql -At "$url" -c "SELECT count(DISTINCT xmin::text) FROM audit_log
  WHERE action = 'procedure.read'")
audited=$(psql -At "$url" -c "SELECT count(*) FROM audit_log
  WHERE action = 'procedure.read'")
psql -q "$pg_url" -c "DROP DATABASE $db"
[ "$audited" = "$requests" ] || fail "postgresql: $audited procedure reads audited, not $requests"
[ "$transactions" -lt "$audited" ] ||
  fail "postgresql: $audited audited reads took $transactions transactions (no group commit)"
echo "postgresql: $audited audited reads written by $transactions transactions"
echo "audit two servers test passed"
