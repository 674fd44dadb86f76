#!/usr/bin/env bash
# orp serve end to end with curl: starts the server on a free port over a fresh database, checks
# /healthz (200, security headers, request id echoed), /readyz, that a record route refuses an
# anonymous caller with the JSON error body, then stops it with SIGTERM and expects a clean exit.
# Usage: serve_smoke.sh ORP WORK_DIR
set -euo pipefail
orp=$1
dir=$2
rm -rf "$dir" && mkdir -p "$dir"
"$orp" serve --db "sqlite:$dir/orp.db" --listen 127.0.0.1:0 --threads 2 >"$dir/out.txt" 2>"$dir/log.txt" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$dir/out.txt" 2>/dev/null && break
  sleep 0.1
done
address=$(grep -o "http://[0-9.]*:[0-9]*" "$dir/out.txt")
[ -n "$address" ] || { echo "no address in: $(cat "$dir/out.txt" "$dir/log.txt")"; exit 1; }

headers=$(curl -sS -D - -o "$dir/health.json" -H "X-Request-Id: smoke-1" "$address/healthz")
echo "$headers" | grep -q "^HTTP/1.1 200" || { echo "healthz: $headers"; exit 1; }
echo "$headers" | grep -qi "^x-request-id: smoke-1" || { echo "no request id: $headers"; exit 1; }
echo "$headers" | grep -qi "^x-content-type-options: nosniff" || { echo "no nosniff"; exit 1; }
grep -q '"status":"ok"' "$dir/health.json"
curl -sS -f "$address/readyz" | grep -q '"status":"ready"'
status=$(curl -sS -o "$dir/denied.json" -w "%{http_code}" "$address/api/v1/procedures")
[ "$status" = 401 ] || { echo "procedures without credentials: $status"; exit 1; }
grep -q '"code":"UNAUTHENTICATED"' "$dir/denied.json"
grep -q "request_id=smoke-1" "$dir/log.txt" || { echo "request id not logged"; exit 1; }

kill -TERM $pid
wait $pid
trap - EXIT
grep -q "stopped" "$dir/out.txt"
echo "serve smoke test passed ($address)"
