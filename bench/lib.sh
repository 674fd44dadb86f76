# Shell helpers shared by the bench scripts (source it: `. "$(dirname "$0")/lib.sh"`).

# pg_cluster_cpu DIR: CPU seconds (user + system, children that have ended included) used so far
# by the PostgreSQL cluster a scripts/pg-test-cluster started in DIR: the postmaster and its
# live children (fields 14-17 of /proc/PID/stat, after the command in parentheses). A child that
# has exited but is not yet reaped (a zombie: the backend of a client that just disconnected)
# reports no CPU of its own, and its time reaches the postmaster's cutime only when it is reaped,
# so the sum waits (up to 5 s) until no child is a zombie: sampled in that window, a whole
# backend's time went missing (session 9's first 20M PostgreSQL files read 5-17 s for ~60 s).
pg_cluster_cpu() {
  local postmaster pid total stat zombie
  postmaster=$(head -n 1 "$1/data/postmaster.pid")
  for _ in $(seq 1 50); do
    total=0
    zombie=0
    for pid in $postmaster $(pgrep -P "$postmaster" || true); do
      stat=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
      [ "${stat%% *}" = Z ] && zombie=1
      total=$((total + $(echo "$stat" | awk '{print $12 + $13 + $14 + $15}')))
    done
    [ "$zombie" = 0 ] && break
    sleep 0.1
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
