#!/usr/bin/env bash
# --db-read (ops, #10): analytics read from the replica URL, and what they record goes to --db.
# Two different registries stand for "primary" and "replica" (a real replica would hold the
# same data, a little behind; different data shows which one was read):
#   - orp survival --db P --db-read R prints what orp survival --db R prints, not --db P's, and
#     its audit entry is appended to P;
#   - orp surveillance run --db P --db-read R counts R's primaries and records its signals in P;
#   - orp serve --db P --db-read R answers the survival route from R over HTTP and audits on P.
# Usage: db_read.sh ORP WORK_DIR REGISTRIES
set -euo pipefail
orp=$1
dir=$2
registries=$3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
make_registry() {  # make_registry NAME SEED PROCEDURES
  "$orp" synth --seed "$2" --procedures "$3" --registries MDOR --out "$dir/$1" \
    --definitions "$registries" >/dev/null
  "$orp" ingest --db "sqlite:$dir/$1.db" --catalogue "$dir/$1/device-catalogue.csv" \
    --definitions "$registries" --format csv "$dir/$1"/submissions/*.csv >/dev/null
}
make_registry primary 31 1500
make_registry replica 32 2500
P="sqlite:$dir/primary.db"
R="sqlite:$dir/replica.db"
survival() { "$orp" survival --registry MDOR --by model --data-cut 2025-12-31 --format csv "$@"; }
audit() { sqlite3 "$1" "SELECT count(*) FROM audit_log"; }

cp "$dir/replica.db" "$dir/replica-copy.db"
cp "$dir/primary.db" "$dir/primary-copy.db"
audit_p=$(audit "$dir/primary.db")
audit_r=$(audit "$dir/replica.db")
split=$(survival --db "$P" --db-read "$R")
[ "$split" = "$(survival --db "sqlite:$dir/replica-copy.db")" ] ||
  fail "survival with --db-read is not the replica's"
[ "$split" != "$(survival --db "sqlite:$dir/primary-copy.db")" ] ||
  fail "primary and replica give the same survival"
[ "$(audit "$dir/primary.db")" -gt "$audit_p" ] || fail "no audit entry on the primary"
[ "$(audit "$dir/replica.db")" = "$audit_r" ] || fail "audit entry written to the replica"
"$orp" audit verify --db "$P" >/dev/null || fail "the primary's audit chain does not verify"
echo "survival: read from the replica, audited on the primary"

rm -f "$dir"/replica-copy.db* "$dir"/primary-copy.db*
cp "$dir/replica.db" "$dir/replica-copy.db"
cp "$dir/primary.db" "$dir/primary-copy.db"
surveil() { "$orp" surveillance run --data-cut 2025-12-31 --format json "$@"; }
primaries() { echo "$1" | grep -o '"primaries": *[0-9]*' | head -n 1 | grep -o '[0-9]*$'; }
run=$(surveil --db "$P" --db-read "$R")
[ "$(primaries "$run")" = "$(primaries "$(surveil --db "sqlite:$dir/replica-copy.db")")" ] ||
  fail "surveillance did not read the replica"
[ "$(primaries "$run")" != "$(primaries "$(surveil --db "sqlite:$dir/primary-copy.db")")" ] ||
  fail "the two registries have equal primaries"
[ "$(sqlite3 "$dir/replica.db" "SELECT count(*) FROM signals")" = 0 ] ||
  fail "signals recorded on the replica"
echo "surveillance: $(primaries "$run") primaries read from the replica; $(sqlite3 "$dir/primary.db" "SELECT count(*) FROM signals") signals recorded on the primary"

# orp serve --db P --db-read R over HTTP: GET /api/v1/analytics/survival answers from the
# replica (the JSON of `orp survival --db R`), while the sign-in material (the token) is found
# on the primary and the request's audit entry is appended to the primary only.
"$orp" user add --db "$P" --username http-analyst --role analyst >/dev/null
token=$("$orp" token create --db "$P" --username http-analyst --format json |
        grep -o '"orp_[^"]*"' | tr -d '"')
rm -f "$dir"/replica-copy.db* "$dir"/primary-copy.db*
cp "$dir/replica.db" "$dir/replica-copy.db"
cp "$dir/primary.db" "$dir/primary-copy.db"
audit_p=$(audit "$dir/primary.db")
audit_r=$(audit "$dir/replica.db")
"$orp" serve --db "$P" --db-read "$R" --definitions "$registries" --listen 127.0.0.1:0 \
  --threads 2 --no-web >"$dir/serve.out" 2>"$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$dir/serve.out" 2>/dev/null && break
  sleep 0.1
done
address=$(grep -o "http://[0-9.]*:[0-9]*" "$dir/serve.out") ||
  fail "serve did not start: $(cat "$dir/serve.out" "$dir/serve.log")"
squash() { tr -d ' \n'; }
over_http=$(curl -sS -f -H "Authorization: Bearer $token" \
  "$address/api/v1/analytics/survival?registry=MDOR&by=model&data_cut=2025-12-31" | squash) ||
  fail "the survival route failed"
cli() { "$orp" survival --registry MDOR --by model --data-cut 2025-12-31 --format json "$@" | squash; }
[ "$over_http" = "$(cli --db "sqlite:$dir/replica-copy.db")" ] ||
  fail "the survival route with --db-read is not the replica's: ${over_http:0:300}"
[ "$over_http" != "$(cli --db "sqlite:$dir/primary-copy.db")" ] ||
  fail "primary and replica give the same survival over HTTP"
kill -TERM $server
wait $server || true
trap - EXIT
[ "$(audit "$dir/replica.db")" = "$audit_r" ] || fail "serve wrote an audit entry to the replica"
[ "$(sqlite3 "$dir/primary.db" "SELECT count(*) FROM audit_log WHERE actor = 'http-analyst' AND action = 'analytics.aggregate.read'")" -ge 1 ] ||
  fail "no audit entry for the HTTP read on the primary"
"$orp" audit verify --db "$P" >/dev/null || fail "the primary's audit chain does not verify"
echo "serve: survival over HTTP read from the replica, audited on the primary"
echo "db-read test passed"
