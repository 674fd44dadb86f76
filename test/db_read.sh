#!/usr/bin/env bash
# --db-read (ops, #10): analytics read from the replica URL, and what they record goes to --db.
# Two different registries stand for "primary" and "replica" (a real replica would hold the
# same data, a little behind; different data shows which one was read):
#   - orp survival --db P --db-read R prints what orp survival --db R prints, not --db P's, and
#     its audit entry is appended to P;
#   - orp surveillance run --db P --db-read R counts R's primaries and records its signals in P.
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
echo "db-read test passed"
