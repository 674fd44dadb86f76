#!/bin/sh
# Detection and false signals of every surveillance method over several seeds (docs/
# performance.md, "## Surveillance"; issue #7): for each seed, orp synth writes a registry with
# planted poor performers (ground-truth.json), orp ingest stores it, orp surveillance run
# evaluates it, and the script tallies per method:
#   detected    planted units of the kinds the method evaluates that it flagged / all planted
#   delay       days from the planted problem's start to the first signal (CUSUM: the primary
#               at which the chart crossed h; maxSPRT: the day of the signalling revision)
#   false       signals on units that were not planted, per 1,000 units evaluated per run, and
#               per 1,000 unit-years (units x the 15 years of synthetic data, 2011-2025)
#
#   bench/surveillance_detection.sh [BUILD_DIR] [SEEDS] [PROCEDURES] [WORK_DIR]
#   e.g. bench/surveillance_detection.sh build "1 2 3" 50000
# Extra options for `orp surveillance run` come from SURVEILLANCE_ARGS (each set of options
# keeps its own run file beside the store), e.g. the hospital funnel without its over-dispersion
# correction: SURVEILLANCE_ARGS="--hospital-overdispersion none" bench/surveillance_detection.sh
set -eu
build=${1:-build}
seeds=${2:-1 2 3}
procedures=${3:-50000}
work=${4:-/var/tmp/orp-surveillance-detection}
orp=$build/orp
registries=$(dirname "$0")/../registries
args=${SURVEILLANCE_ARGS:-}
run_file=run$(printf '%s' "$args" | tr -c 'A-Za-z0-9' '_').json
mkdir -p "$work"
for seed in $seeds; do
  dir="$work/seed$seed-$procedures"
  if [ ! -f "$dir/reg.db" ]; then
    rm -rf "$dir"
    "$orp" synth --seed "$seed" --procedures "$procedures" --error-rate 0 --out "$dir/reg" >/dev/null
    "$orp" ingest --db "sqlite:$dir/reg.db" --catalogue "$dir/reg/device-catalogue.csv" \
      --definitions "$registries" --format csv "$dir"/reg/submissions/*.csv >/dev/null
    "$orp" ingest-deaths --db "sqlite:$dir/reg.db" "$dir/reg/deaths.csv" >/dev/null
  fi
  if [ ! -f "$dir/$run_file" ]; then
    # shellcheck disable=SC2086  # $args is a list of options
    "$orp" surveillance run --db "sqlite:$dir/reg.db" --data-cut 2025-12-31 --format json \
      --benchmarks "$registries/benchmark-criteria.csv" $args >"$dir/$run_file"
  fi
done
python3 - "$work" "$procedures" "$run_file" $seeds <<'PY'
import collections, datetime, json, statistics, sys
work, procedures, run_file, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
kinds = {"device_model": "device-model", "surgeon": "surgeon", "hospital": "hospital"}
years = 15.0
planted_n = collections.Counter()
found = collections.Counter()
delays = collections.defaultdict(list)
false = collections.Counter()
units = collections.Counter()
model_methods = ["njr-ptir", "aoanjrr-screen", "maxsprt", "benchmark"]
unit_methods = ["funnel-revision-5y", "funnel-revision-10y", "funnel-mortality-90d-5y",
                "funnel-mortality-90d-10y", "cusum-revision-1y"]
notes = 0
day = lambda s: datetime.date.fromisoformat(s)
for seed in seeds:
    d = f"{work}/seed{seed}-{procedures}"
    truth = json.load(open(f"{d}/reg/ground-truth.json"))
    run = json.load(open(f"{d}/{run_file}"))
    notes += len(run.get("model_notes", []))
    planted = {(p["registry"], kinds[p["kind"]], p["id"]): p for p in truth["planted"]}
    evaluated = {"device-model": run["device_models"], "surgeon": run["surgeons"],
                 "hospital": run["hospitals"], "brand": run["device_models"],
                 "construct": run["device_models"]}
    by_method = collections.defaultdict(list)
    for s in run["signals"]:
        by_method[s["method"]].append(s)
    for m in model_methods + unit_methods:
        ks = ["device-model"] if m in model_methods else ["surgeon", "hospital"]
        sigs = by_method.get(m, [])
        for k in ks:
            units[(m, k)] += evaluated[k]
            mine = [p for key, p in planted.items() if key[1] == k]
            planted_n[(m, k)] += len(mine)
            for p in mine:
                hit = [s for s in sigs if s["registry"] == p["registry"] and s["unit"] == p["id"]
                       and s["unit_kind"] == k]
                if not hit:
                    continue
                found[(m, k)] += 1
                e = hit[0]["evidence"]
                when = e.get("first_signal_primary") or e.get("signal_date")
                if when:
                    delays[(m, k)].append((day(when) - day(p["from"])).days)
        for s in sigs:
            if s["unit_kind"] in ks and (s["registry"], s["unit_kind"], s["unit"]) not in planted:
                false[(m, s["unit_kind"])] += 1
print(f"seeds {' '.join(seeds)}, {procedures} procedures each ({run_file}); "
      f"risk models not fitted: {notes}")
print(f"{'method':28} {'units':13} {'detected':>9} {'median delay d':>15} "
      f"{'false':>6} {'/1k units/run':>14} {'/1k unit-years':>15}")
for (m, k) in sorted(units):
    n = planted_n[(m, k)]
    det = f"{found[(m, k)]}/{n}"
    dl = delays.get((m, k))
    med = f"{statistics.median(dl):.0f}" if dl else "-"
    u = units[(m, k)]
    f = false[(m, k)]
    print(f"{m:28} {k:13} {det:>9} {med:>15} {f:>6} {1000 * f / u if u else 0:>14.2f} "
          f"{1000 * f / (u * years) if u else 0:>15.3f}")
PY
