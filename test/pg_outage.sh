#!/usr/bin/env bash
# PostgreSQL stops under a running `orp serve` (ops, #10): on its own throwaway cluster, the test
# stops the database in the middle of a submission, then expects
#   - every request while it is down to get 503 with Retry-After (not 500, and no hang),
#   - the server to recover by itself once the database is back (/readyz 200, requests work),
#   - the interrupted submission to be all or nothing, and a retry with the same Idempotency-Key
#     to complete it exactly once: the registry ends with the same procedures as a direct ingest
#     of the same files into SQLite.
# Usage: pg_outage.sh ORP WORK_DIR REGISTRIES PG_TEST_CLUSTER
set -euo pipefail
orp=$1
dir=$2
registries=$3
cluster_script=$4
cluster="/tmp/orp-pgout-$$"  # short: a Unix socket path is at most 107 bytes
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; tail -20 "$dir/log.txt" 2>/dev/null || true; exit 1; }
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  "$cluster_script" stop "$cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT
url=$("$cluster_script" start "$cluster")

"$orp" synth --seed 21 --procedures 6000 --registries MDOR --out "$dir/synth" \
  --definitions "$registries" >/dev/null
# One submission of every synthesised procedure, all moved to one provider site (a provider
# may submit only its own), so it is big enough to be in progress when the database stops.
site=$(awk -F, 'NR == 2 {print $3}' "$dir"/synth/submissions/*.csv | head -n 1)
ods=${site:0:3}
big="$dir/one-site.csv"
awk -F, -v OFS=, -v site="$site" 'FNR == 1 && NR != 1 {next} NR > 1 {$3 = site} {print}' \
  "$dir"/synth/submissions/*.csv >"$big"
small="$dir/small.csv"
head -n 20 "$big" >"$small"
files=("$big" "$small")
"$orp" migrate --db "$url" >/dev/null
"$orp" user add --db "$url" --username outage-submitter --role "provider@$ods" \
  --no-second-factor >/dev/null
token=$("$orp" token create --db "$url" --username outage-submitter --format json |
        grep -o '"orp_[^"]*"' | tr -d '"')
[ -n "$token" ] || fail "no token"

"$orp" serve --db "$url" --listen 127.0.0.1:0 --threads 2 --definitions "$registries" \
  >"$dir/out.txt" 2>"$dir/log.txt" &
server=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/out.txt" 2>/dev/null && break; sleep 0.1; done
address=$(grep -o "http://[0-9.]*:[0-9]*" "$dir/out.txt") || fail "server did not start"

submit() {  # submit FILE -> HTTP status on stdout, headers in $dir/h.txt
  curl -sS -m 60 -o "$dir/body.json" -D "$dir/h.txt" -w "%{http_code}" \
    -H "Authorization: Bearer $token" -H "Content-Type: text/csv" \
    -H "Idempotency-Key: $(basename "$1")" --data-binary "@$1" \
    "$address/api/v1/submissions?as=$ods"
}

# 1. The database stops while the biggest file is being submitted.
submit "$big" >"$dir/first.status" &
client=$!
sleep 1
"$cluster_script" pause "$cluster"
wait $client || true
first=$(cat "$dir/first.status")
case "$first" in
  2*|503) ;;
  *) fail "submission interrupted by the outage: HTTP $first $(cat "$dir/body.json")" ;;
esac
echo "submission during the stop: HTTP $first"

# 2. While it is down: 503 with Retry-After, quickly, for reads, writes and readiness.
for path in /readyz /api/v1/procedures; do
  start=$(date +%s)
  status=$(curl -sS -m 30 -o "$dir/down.json" -D "$dir/down.h" -w "%{http_code}" \
    -H "Authorization: Bearer $token" "$address$path")
  [ "$status" = 503 ] || fail "$path while down: HTTP $status $(cat "$dir/down.json")"
  grep -qi "^retry-after: [0-9]" "$dir/down.h" || fail "$path: no Retry-After"
  [ $(( $(date +%s) - start )) -le 10 ] || fail "$path took more than 10 s while down"
done
status=$(submit "$small")
[ "$status" = 503 ] || fail "submission while down: HTTP $status $(cat "$dir/body.json")"
grep -qi "^retry-after:" "$dir/h.txt" || fail "submission while down: no Retry-After"
echo "while down: 503 with Retry-After"

# 3. The database comes back: the same server recovers by itself.
"$cluster_script" resume "$cluster"
ready=
for _ in $(seq 1 100); do
  if [ "$(curl -sS -m 5 -o /dev/null -w "%{http_code}" "$address/readyz")" = 200 ]; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || fail "server did not recover after the database came back"

# Nothing of a submission that was answered 503 is stored.
if [ "$first" = 503 ]; then
  left=$(psql -At "$url" -c "SELECT (SELECT count(*) FROM submissions) + (SELECT count(*) FROM procedures)")
  [ "$left" = 0 ] || fail "the interrupted submission left $left rows"
  echo "the interrupted submission left nothing behind"
fi

# 4. Every file, the interrupted one again with its key: each is accepted exactly once.
for f in "${files[@]}"; do
  status=$(submit "$f")
  case "$status" in 2*) ;; *) fail "$(basename "$f") after recovery: HTTP $status" ;; esac
done
"$orp" ingest --db "sqlite:$dir/direct.db" --definitions "$registries" --as "$ods" \
  "${files[@]}" >/dev/null || true
expected=$(sqlite3 "$dir/direct.db" "SELECT count(*) FROM procedures")
got=$(psql -At "$url" -c "SELECT count(*) FROM procedures")
subs=$(psql -At "$url" -c "SELECT count(*) FROM submissions")
[ "$got" = "$expected" ] || fail "procedures after the outage: $got, direct ingest: $expected"
[ "$subs" = "${#files[@]}" ] || fail "submissions: $subs for ${#files[@]} files"
echo "after recovery: $got procedures in $subs submissions, as a direct ingest"

kill -TERM $server
wait $server || true
server=
echo "postgres outage test passed"
