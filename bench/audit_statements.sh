#!/usr/bin/env bash
# How many SQL statements one audited read costs (issue #10, docs/performance.md "## Server"):
# one `orp serve --threads 1` per backend (SQLite file, PostgreSQL throwaway cluster) runs under
# an LD_PRELOAD shim (bench/sql_trace_preload.c) that writes a line per statement executed
# (SQLite: a statement's first step; PostgreSQL: each PQexec / PQexecPrepared / PQprepare, one
# round trip each). After two warm-up requests of each kind, it counts the lines written for one
# GET /api/v1/procedures?limit=20 and one GET /api/v1/patients/{pseudonym}/implants (analyst
# token), then one GET /api/v1/procedures?limit=20 signed in by a session cookie (an analyst with
# a password, signed in through POST /api/v1/sessions), and with VERBOSE=1 prints them. The SQL
# is printed as prepared: placeholders, no values.
#
#   bench/audit_statements.sh ORP WORK
#   BACKENDS=sqlite VERBOSE=1 bench/audit_statements.sh build/orp /tmp/orp-stmts
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 ORP WORK" >&2; exit 2; }
orp=$(realpath "$1")
work=$2
backends=${BACKENDS:-sqlite postgresql}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/lib.sh"
export ORP_REGISTRIES=${ORP_REGISTRIES:-$src/registries}  # `orp serve` from any directory
mkdir -p "$work"
work=$(realpath "$work")
"${CC:-cc}" -shared -fPIC -O2 -o "$work/sql_trace.so" "$src/bench/sql_trace_preload.c" -ldl -lpthread
if [ ! -f "$work/synth/.done" ]; then
  "$orp" synth --seed 1 --procedures 500 --registries MDOR,BCIR --out "$work/synth" \
    --definitions "$src/registries" >/dev/null
  touch "$work/synth/.done"
fi

# count NAME PATH: statements for one GET of PATH, printed as "NAME: N statements (…)", with the
# API token, or with the session cookie when AUTH=cookie.
count() {
  local name=$1 path=$2 before after auth="Authorization: Bearer $token"
  [ "${AUTH:-token}" = cookie ] && auth="Cookie: $cookie"
  before=$(wc -l <"$trace")
  curl -sf -o /dev/null -H "$auth" "$server_address$path"
  sleep 0.2
  after=$(wc -l <"$trace")
  local lines
  lines=$(sed -n "$((before + 1)),${after}p" "$trace")
  echo "$backend $name: $((after - before)) statements ($(echo "$lines" | awk '{print $2}' |
    sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}'))"
  [ "${VERBOSE:-0}" = 1 ] && echo "$lines" | sed 's/^/    /' | cut -c1-160
  return 0
}

for backend in $backends; do
  bench_store "$backend" stmts stmt-bench
  case "$backend" in
    sqlite) pseudonym=$(sqlite3 "$work/stmts.db" "SELECT lower(hex(p.pseudonym)) FROM patients p
                          JOIN implants i ON i.patient = p.id LIMIT 1") ;;
    postgresql) pseudonym=$(psql -At "$url" -c "SELECT encode(p.pseudonym, 'hex') FROM patients p
                          JOIN implants i ON i.patient = p.id LIMIT 1") ;;
  esac
  printf 'statement counting pw 1\n' | "$orp" user add --db "$url" --username stmt-person \
    --role analyst --password-stdin --no-second-factor >/dev/null
  trace="$work/trace.$backend"
  : >"$trace"
  # A sanitizer build's runtime must come first among the libraries; the shim only wraps libc-
  # level calls of two libraries, so its order does not matter to AddressSanitizer.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    LD_PRELOAD="$work/sql_trace.so" ORP_SQL_TRACE="$trace" \
      start_server "$work/serve.out" "$orp" --db "$url" --threads 1 --log-level warn
  for _ in 1 2; do
    for path in "/api/v1/procedures?limit=20" "/api/v1/patients/$pseudonym/implants"; do
      curl -sf -o /dev/null -H "Authorization: Bearer $token" "$server_address$path"
    done
  done
  count "GET /api/v1/procedures?limit=20" "/api/v1/procedures?limit=20"
  count "GET /api/v1/patients/{pseudonym}/implants" "/api/v1/patients/$pseudonym/implants"
  # A person signed in by a session cookie (Secure: curl's cookie jar would not send it over
  # plain HTTP, so the header is passed by hand).
  cookie=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"username": "stmt-person", "password": "statement counting pw 1"}' \
    "$server_address/api/v1/sessions" | tr -d '\r' | grep -i '^set-cookie: orp_session=' |
    sed 's/^[^:]*: //; s/;.*//')
  for _ in 1 2; do
    curl -sf -o /dev/null -H "Cookie: $cookie" "$server_address/api/v1/procedures?limit=20"
  done
  AUTH=cookie count "GET /api/v1/procedures?limit=20 (session cookie)" "/api/v1/procedures?limit=20"
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  [ "$backend" = postgresql ] && "$src/scripts/pg-test-cluster" stop "$work/pg" >/dev/null
done
