#!/usr/bin/env bash
# The statement budget of an audited read (issue #10, docs/performance.md "## Scale: audited
# reads with two servers", session 7): bench/audit_statements.sh counts the SQL statements one
# GET /api/v1/procedures?limit=20 by an analyst makes on each backend, and this test fails when
# the count grows past the budget (8 on SQLite, 9 on PostgreSQL: token, user with grants, the
# page, the audit append; it was 28 before per-site look-ups and repeated head reads were cut).
#   test/audit_statement_budget.sh ORP WORK
set -euo pipefail
orp=$1
work=$2
src=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"
out=$("$src/bench/audit_statements.sh" "$orp" "$work")
echo "$out"
check() {  # check BACKEND BUDGET
  local n
  n=$(echo "$out" | sed -n "s|^$1 GET /api/v1/procedures?limit=20: \([0-9]*\) statements.*|\1|p")
  [ -n "$n" ] || { echo "FAIL: no count for $1"; exit 1; }
  [ "$n" -le "$2" ] || { echo "FAIL: $1 procedure page made $n statements (budget $2)"; exit 1; }
}
check sqlite 8
check postgresql 9
rm -rf "$work"
echo "audit statement budget test passed"
