#!/usr/bin/env bash
# orp serve --surveil (issue #7): HTTP submissions ask for an incremental surveillance run in the
# background. Submits two files over HTTP and checks that each response came back (201) without
# waiting for a run, that the server then ran surveillance once after the submission (its
# stderr line), and that without --surveil no run happens and no signal is recorded.
# Usage: serve_surveil.sh ORP WORK_DIR REGISTRIES_DIR
set -euo pipefail
orp=$1
dir=$2
registries=$3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; tail -20 "$dir/log.txt" 2>/dev/null || true; exit 1; }
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT
db="sqlite:$dir/orp.db"

"$orp" synth --seed 7 --procedures 4000 --registries MDOR --out "$dir/synth" \
  --definitions "$registries" >/dev/null
site=$(awk -F, 'NR == 2 {print $3}' "$dir"/synth/submissions/*.csv | head -n 1)
ods=${site:0:3}
one="$dir/one-site.csv"
awk -F, -v OFS=, -v site="$site" 'FNR == 1 && NR != 1 {next} NR > 1 {$3 = site} {print}' \
  "$dir"/synth/submissions/*.csv >"$one"
half=$(( ($(wc -l <"$one") - 1) / 2 ))
head -n $(( half + 1 )) "$one" >"$dir/a.csv"
{ head -n 1 "$one"; tail -n +$(( half + 2 )) "$one"; } >"$dir/b.csv"
"$orp" migrate --db "$db" >/dev/null
"$orp" user add --db "$db" --username surveil-submitter --role "provider@$ods" \
  --no-second-factor >/dev/null
token=$("$orp" token create --db "$db" --username surveil-submitter --format json |
        grep -o '"orp_[^"]*"' | tr -d '"')
[ -n "$token" ] || fail "no token"

start_server() {  # start_server [--surveil]
  "$orp" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --definitions "$registries" \
    --no-web "$@" >"$dir/out.txt" 2>"$dir/log.txt" &
  server=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$dir/out.txt" 2>/dev/null && break; sleep 0.1; done
  address=$(grep -o "http://[0-9.]*:[0-9]*" "$dir/out.txt") || fail "server did not start"
}
stop_server() { kill -TERM "$server"; wait "$server" || true; server=; }
submit() {  # submit FILE -> HTTP status
  curl -sS -m 60 -o "$dir/body.json" -w "%{http_code}" \
    -H "Authorization: Bearer $token" -H "Content-Type: text/csv" \
    -H "Idempotency-Key: $(basename "$1")" --data-binary "@$1" \
    "$address/api/v1/submissions?as=$ods&registry=MDOR"
}

# Without --surveil: no run.
start_server
status=$(submit "$dir/a.csv")
[ "$status" = 201 ] || fail "first submission: HTTP $status $(cat "$dir/body.json")"
sleep 1
stop_server
! grep -q "surveillance after submissions" "$dir/log.txt" || fail "a run without --surveil"
signals=$("$orp" surveillance signals --db "$db" --format csv | tail -n +2 | wc -l)
[ "$signals" = 0 ] || fail "signals without a run: $signals"

# With --surveil: the response does not wait, and a run follows.
start_server --surveil
status=$(submit "$dir/b.csv")
[ "$status" = 201 ] || fail "second submission: HTTP $status $(cat "$dir/body.json")"
for _ in $(seq 1 600); do
  grep -q "surveillance after submissions:" "$dir/log.txt" && break
  sleep 0.1
done
grep -q "surveillance after submissions:" "$dir/log.txt" || fail "no run after the submission"
runs=$(grep -c "surveillance after submissions:" "$dir/log.txt")
[ "$runs" -le 1 ] || fail "$runs runs for one submission"
grep "surveillance after submissions:" "$dir/log.txt"
stop_server
echo "serve surveil test passed"
