#!/usr/bin/env bash
# orp backup / orp restore (ops, #10). A registry is synthesised and ingested; orp backup copies
# it; the copy restored into a new database has the same row counts and the same survival result.
# On SQLite the backup is also taken while a second ingest writes: the restored copy holds every
# submission it shows completely (none partial) and passes SQLite's integrity check.
# With a PostgreSQL server URL the same round trip runs through pg_dump / pg_restore, into
# databases this script creates on that server and drops afterwards.
# Usage: backup_roundtrip.sh ORP WORK_DIR REGISTRIES [POSTGRES_URL]
set -euo pipefail
orp=$1
dir=$2
registries=$3
pg_url=${4:-}
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }

"$orp" synth --seed 11 --procedures 3000 --registries MDOR --out "$dir/synth" \
  --definitions "$registries" >/dev/null
files=("$dir"/synth/submissions/*.csv)
[ ${#files[@]} -ge 2 ] || fail "synth wrote ${#files[@]} files"
half=$(( ${#files[@]} / 2 ))
first=("${files[@]:0:$half}")
rest=("${files[@]:$half}")
ingest() {  # ingest DB FILES...
  local db=$1; shift
  "$orp" ingest --db "$db" --catalogue "$dir/synth/device-catalogue.csv" \
    --definitions "$registries" --format csv "$@" >/dev/null
}
survival() {
  "$orp" survival --db "$1" --registry MDOR --by model --data-cut 2025-12-31 --format csv
}
tables="patients procedures implants submissions findings device_models changes audit_log"

# --- SQLite ---------------------------------------------------------------------------------
sq_counts() {
  for t in $tables; do printf '%s=%s ' "$t" "$(sqlite3 "$1" "SELECT count(*) FROM $t")"; done
}
src="$dir/source.db"
ingest "sqlite:$src" "${first[@]}"
"$orp" backup --db "sqlite:$src" --to "$dir/quiet.backup" --format json >"$dir/backup.json"
grep -q '"schema_version"' "$dir/backup.json" || fail "backup report: $(cat "$dir/backup.json")"
"$orp" restore --from "$dir/quiet.backup" --db "sqlite:$dir/restored.db" >/dev/null
[ "$(sq_counts "$src")" = "$(sq_counts "$dir/restored.db")" ] ||
  fail "sqlite counts: $(sq_counts "$src") vs $(sq_counts "$dir/restored.db")"
[ "$(survival "sqlite:$src")" = "$(survival "sqlite:$dir/restored.db")" ] ||
  fail "sqlite survival differs after restore"
# Restore refuses to overwrite a database.
if "$orp" restore --from "$dir/quiet.backup" --db "sqlite:$src" 2>"$dir/refused.txt"; then
  fail "restore over an existing database succeeded"
fi
grep -q "already exists" "$dir/refused.txt" || fail "refusal: $(cat "$dir/refused.txt")"

# A backup taken while another process ingests the second half.
ingest "sqlite:$src" "${rest[@]}" &
writer=$!
sleep 0.5
"$orp" backup --db "sqlite:$src" --to "$dir/busy.backup" >/dev/null
wait $writer
"$orp" restore --from "$dir/busy.backup" --db "sqlite:$dir/busy.db" >/dev/null
[ "$(sqlite3 "$dir/busy.db" "PRAGMA integrity_check")" = ok ] || fail "busy copy integrity"
per_submission="SELECT s.idempotency_key || ':' || count(p.id) FROM submissions s LEFT JOIN \
procedures p ON p.submission = s.id GROUP BY s.id ORDER BY s.idempotency_key"
sqlite3 "$dir/busy.db" "$per_submission" >"$dir/busy.per"
sqlite3 "$src" "$per_submission" >"$dir/final.per"
# Every submission in the copy is complete: it appears in the final source with the same count.
missing=$(grep -vxF -f "$dir/final.per" "$dir/busy.per" || true)
[ -z "$missing" ] || fail "partial submissions in the busy backup: $missing"
echo "sqlite: $(wc -l <"$dir/busy.per") of $(wc -l <"$dir/final.per") submissions in the busy copy"

# --- PostgreSQL -----------------------------------------------------------------------------
if [ -n "$pg_url" ]; then
  db_url() { echo "$pg_url" | sed "s|/postgres?|/$1?|"; }
  src_db=orp_backup_src_$$
  dst_db=orp_backup_dst_$$
  trap 'psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $src_db" -c "DROP DATABASE IF EXISTS $dst_db" >/dev/null 2>&1 || true' EXIT
  psql -q "$pg_url" -c "CREATE DATABASE $src_db" -c "CREATE DATABASE $dst_db" >/dev/null
  pg_counts() {
    for t in $tables; do printf '%s=%s ' "$t" "$(psql -At "$1" -c "SELECT count(*) FROM $t")"; done
  }
  ingest "$(db_url $src_db)" "${files[@]}"
  "$orp" backup --db "$(db_url $src_db)" --to "$dir/pg.dump" >/dev/null
  "$orp" restore --from "$dir/pg.dump" --db "$(db_url $dst_db)" >/dev/null
  [ "$(pg_counts "$(db_url $src_db)")" = "$(pg_counts "$(db_url $dst_db)")" ] ||
    fail "pg counts: $(pg_counts "$(db_url $src_db)") vs $(pg_counts "$(db_url $dst_db)")"
  [ "$(survival "$(db_url $src_db)")" = "$(survival "$(db_url $dst_db)")" ] ||
    fail "pg survival differs after restore"
  [ "$(survival "$(db_url $src_db)")" = "$(survival "sqlite:$src")" ] ||
    fail "pg and sqlite survival differ"
  if "$orp" restore --from "$dir/pg.dump" --db "$(db_url $dst_db)" 2>"$dir/pgrefused.txt"; then
    fail "pg restore over a database with data succeeded"
  fi
  grep -q "already holds" "$dir/pgrefused.txt" || fail "pg refusal: $(cat "$dir/pgrefused.txt")"
  # The README's by-hand commands (pg_dump / pg_restore / orp migrate) give the same database,
  # with the reference-check triggers of migration 0018 in place and working.
  hand_db=orp_backup_hand_$$
  trap 'psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $src_db" -c "DROP DATABASE IF EXISTS $dst_db" -c "DROP DATABASE IF EXISTS $hand_db" >/dev/null 2>&1 || true' EXIT
  psql -q "$pg_url" -c "CREATE DATABASE $hand_db" >/dev/null
  pg_dump --format=custom --file="$dir/hand.dump" "$(db_url $src_db)"
  pg_restore --single-transaction --no-owner --dbname="$(db_url $hand_db)" "$dir/hand.dump"
  "$orp" migrate --db "$(db_url $hand_db)" >/dev/null
  [ "$(pg_counts "$(db_url $src_db)")" = "$(pg_counts "$(db_url $hand_db)")" ] ||
    fail "pg_restore by hand counts: $(pg_counts "$(db_url $hand_db)")"
  triggers="SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal"
  [ "$(psql -At "$(db_url $src_db)" -c "$triggers")" = "$(psql -At "$(db_url $hand_db)" -c "$triggers")" ] ||
    fail "triggers differ after pg_restore: $(psql -At "$(db_url $hand_db)" -c "$triggers")"
  if psql -q "$(db_url $hand_db)" -c "UPDATE implants SET procedure = -1 WHERE id = (SELECT min(id) FROM implants)" 2>"$dir/hand.refused"; then
    fail "a dangling implant was accepted after pg_restore"
  fi
  grep -q "procedure, patient or removing procedure" "$dir/hand.refused" ||
    fail "dangling implant refusal: $(cat "$dir/hand.refused")"
  echo "postgresql: counts $(pg_counts "$(db_url $dst_db)")"
fi
echo "backup round trip passed"
