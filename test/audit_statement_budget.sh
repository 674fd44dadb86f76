#!/usr/bin/env bash
# The statement budget of an audited read (issue #10, docs/performance.md "## Scale"): bench/
# audit_statements.sh counts the SQL statements one GET /api/v1/procedures?limit=20 and one GET
# /api/v1/patients/{pseudonym}/implants by an analyst make on each backend, and this test fails
# when a count grows past its budget. Procedure page: 7 on SQLite, 8 on PostgreSQL (the token
# with its user and grants, the page, the audit append; 28 before session 7, 8/9 before session
# 8 read the token and user in one statement). Patient page: 7 on SQLite, 9 on PostgreSQL (the
# token with its user, the patient, the implants with their procedures in one read, the append;
# 17/19 before session 8 read them per registry and per implant). Procedure page signed in by a
# session cookie: 7 on SQLite, 8 on PostgreSQL (the session with its user in one statement; 8/9
# before session 9 read the session and then the user).
#   test/audit_statement_budget.sh ORP WORK
set -euo pipefail
orp=$1
work=$2
src=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"
out=$("$src/bench/audit_statements.sh" "$orp" "$work")
echo "$out"
check() {  # check BACKEND PAGE BUDGET
  local n
  n=$(echo "$out" | sed -n "s|^$1 GET $2: \([0-9]*\) statements.*|\1|p")
  [ -n "$n" ] || { echo "FAIL: no count for $1 $2"; exit 1; }
  [ "$n" -le "$3" ] || { echo "FAIL: $1 $2 made $n statements (budget $3)"; exit 1; }
}
procedures='/api/v1/procedures?limit=20'
patient='/api/v1/patients/{pseudonym}/implants'
check sqlite "$procedures" 7
check postgresql "$procedures" 8
check sqlite "$patient" 7
check postgresql "$patient" 9
check sqlite "$procedures (session cookie)" 7
check postgresql "$procedures (session cookie)" 8
rm -rf "$work"
echo "audit statement budget test passed"
