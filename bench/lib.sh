# Shell helpers shared by the bench scripts (source it: `. "$(dirname "$0")/lib.sh"`).

# pg_cluster_cpu DIR: CPU seconds (user + system, children that have ended included) used so far
# by the PostgreSQL cluster a scripts/pg-test-cluster started in DIR: the postmaster and its
# live children (fields 14-17 of /proc/PID/stat, after the command in parentheses).
# A backend that exits while the sum is taken (the ingest's, as its client disconnects) must be
# counted once: live, or in the postmaster's cutime once reaped. So the children are listed
# first, the postmaster is read before them, every file is read with the shell's own `read` (no
# process per file: the window is microseconds, not the ~2 s a sed per child took under load),
# and if a listed child has gone, or is a zombie, the sum is taken again. Session 9's 20M run
# read 1-60 s of server CPU for files whose backend had used 55-390 s, from that race.
pg_cluster_cpu() {
  local postmaster pid line total ok fields kids
  postmaster=$(head -n 1 "$1/data/postmaster.pid")
  for _ in $(seq 1 50); do
    kids=$(pgrep -P "$postmaster" || true)
    total=0
    ok=1
    for pid in $postmaster $kids; do
      if ! { read -r line <"/proc/$pid/stat"; } 2>/dev/null; then ok=0; break; fi
      read -r -a fields <<<"${line##*) }"
      [ "${fields[0]}" = Z ] && { ok=0; break; }
      total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))
    done
    [ "$ok" = 1 ] && break
    sleep 0.05
  done
  awk -v t="$total" -v k="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / k}'
}

# start_server OUT ORP ARGS...: starts `ORP serve --listen 127.0.0.1:0 ARGS...` in the
# background with its output in OUT, waits (up to 60 s) until it listens, and sets
# server_pid and server_address (http://127.0.0.1:PORT). If the server exits or never listens,
# prints its output on stderr and returns 1 (so a `set -e` script stops saying why).
start_server() {
  local out=$1 orp=$2
  shift 2
  "$orp" serve --listen 127.0.0.1:0 "$@" >"$out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    grep -q "listening on" "$out" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  server_address=$(grep -o "http://[0-9.]*:[0-9]*" "$out" | head -n 1)
  if [ -z "$server_address" ]; then
    echo "start_server: orp serve did not start listening; its output ($out):" >&2
    cat "$out" >&2
    return 1
  fi
}

# bench_store BACKEND DBNAME USERNAME: a fresh store on BACKEND (sqlite: WORK/DBNAME.db;
# postgresql: a throwaway cluster in WORK/pg), loaded with WORK/synth's submissions, and an
# analyst USERNAME with a token. Uses the caller's orp, src and work; sets url and token.
bench_store() {
  case "$1" in
    sqlite)
      rm -f "$work/$2".db*
      url="sqlite:$work/$2.db" ;;
    postgresql)
      "$src/scripts/pg-test-cluster" stop "$work/pg" >/dev/null 2>&1 || true
      url=$("$src/scripts/pg-test-cluster" start "$work/pg") ;;
  esac
  "$orp" ingest --db "$url" --catalogue "$work/synth/device-catalogue.csv" \
    --definitions "$src/registries" --format csv "$work"/synth/submissions/*.csv >/dev/null
  "$orp" user add --db "$url" --username "$3" --role analyst >/dev/null
  token=$("$orp" token create --db "$url" --username "$3" --format json |
          grep -o '"orp_[^"]*"' | tr -d '"')
}
