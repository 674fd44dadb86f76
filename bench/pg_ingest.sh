#!/usr/bin/env bash
# PostgreSQL bulk ingest, before and after (issue #10, docs/performance.md "## PostgreSQL"):
# ingests the same synthetic registry (seed 1, N procedures, one CSV per year) with each given
# `orp` binary into a fresh database of one throwaway cluster (scripts/pg-test-cluster: Unix
# socket, fsync on), and records per binary: wall, client CPU (user+sys of `orp ingest`),
# server CPU (the cluster's processes' user+sys, before and after), µs of CPU per procedure and
# an md5 over every stored registry row (equal between binaries = the same findings and state).
# Runs alternate between the binaries (ROUNDS rounds), so load drifts hit both alike.
#
#   bench/pg_ingest.sh WORK N ORP_BINARY...
#   ROUNDS=3 bench/pg_ingest.sh /var/tmp/orp-pg100k 100000 /tmp/orp-before build/orp
# With STATEMENTS=1 the cluster loads pg_stat_statements and the top statements by server time
# of each run are printed (profiling only: it adds server CPU of its own).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 WORK N ORP_BINARY..." >&2; exit 2; }
work=$1
n=$2
shift 2
binaries=("$@")
rounds=${ROUNDS:-1}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/lib.sh"
mkdir -p "$work"
if [ ! -f "$work/synth/.done" ]; then
  "${binaries[0]}" synth --seed 1 --procedures "$n" --registries MDOR --out "$work/synth" \
    --definitions "$src/registries" >/dev/null
  touch "$work/synth/.done"
fi
files=("$work"/synth/submissions/*.csv)
pg="$work/pg"
url=$("$src/scripts/pg-test-cluster" start "$pg")
trap '"$src/scripts/pg-test-cluster" stop "$pg" >/dev/null 2>&1 || true' EXIT
if [ "${STATEMENTS:-0}" = 1 ]; then
  echo "shared_preload_libraries = 'pg_stat_statements'" >>"$pg/data/postgresql.conf"
  "$src/scripts/pg-test-cluster" pause "$pg"
  "$src/scripts/pg-test-cluster" resume "$pg"
  psql -q "$url" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
fi

run=0
for round in $(seq 1 "$rounds"); do
  for orp in "${binaries[@]}"; do
    run=$((run + 1))
    db="orp_ingest_$run"
    psql -q "$url" -c "CREATE DATABASE $db" >/dev/null
    db_url=${url/\/postgres\?//$db?}
    [ "${STATEMENTS:-0}" = 1 ] && psql -q "$url" -c "SELECT pg_stat_statements_reset()" >/dev/null
    before=$(pg_cluster_cpu "$pg")
    /usr/bin/time -f "%e %U %S" -o "$work/time.$run" "$orp" ingest --db "$db_url" \
      --catalogue "$work/synth/device-catalogue.csv" --definitions "$src/registries" \
      --format csv "${files[@]}" >"$work/out.$run" 2>"$work/err.$run" ||
      { echo "ingest failed: $(tail -3 "$work/err.$run")" >&2; exit 1; }
    server=$(awk -v a="$before" -v b="$(pg_cluster_cpu "$pg")" 'BEGIN {printf "%.2f", b - a}')
    read -r wall user sys <"$work/time.$run"
    rows=$(psql -At "$db_url" -c "SELECT (SELECT count(*) FROM procedures) || ' procedures, ' ||
      (SELECT count(*) FROM implants) || ' implants, ' || (SELECT count(*) FROM findings) ||
      ' findings'")
    # The stored state, to compare between binaries: every row of the registry tables (ids
    # included; submissions left out, as they carry the time of the run, and pseudonyms and
    # ciphers, which depend on the key each run makes).
    state=$(psql -At "$db_url" -c "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
      SELECT 'p' || p::text AS x FROM procedures p UNION ALL SELECT 'i' || i::text FROM implants i
      UNION ALL SELECT 'a' || (a.id, a.date_of_birth, a.sex, a.postcode, a.date_of_death, a.opted_out)::text FROM patients a UNION ALL SELECT 'f' || f::text FROM findings f
      UNION ALL SELECT 'o' || o::text FROM outcome_events o) s")
    awk -v o="$orp" -v r="$round" -v w="$wall" -v u="$user" -v s="$sys" -v sv="$server" \
      -v n="$n" -v rows="$rows, state $state" 'BEGIN {
        printf "round %d %s: wall %.1f s, client %.2f s, server %.2f s, total %.0f us/procedure (%s)\n",
          r, o, w, u + s, sv, (u + s + sv) * 1e6 / n, rows }'
    if [ "${STATEMENTS:-0}" = 1 ]; then
      psql -At -F ' | ' "$url" -c "SELECT round(total_exec_time::numeric, 0) AS ms, calls,
        left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements
        ORDER BY total_exec_time DESC LIMIT 12"
    fi
    psql -q "$url" -c "DROP DATABASE $db" >/dev/null
  done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
