#!/usr/bin/env bash
# ORP's Kaplan–Meier and Aalen–Johansen against R on the same rows, in the same run: the figures
# under "## Survival (Kaplan–Meier, Aalen–Johansen)" in docs/performance.md.
#
#   cmake --build build --target orp stats_km_bench -j2
#   bench/survival_vs_r.sh [BUILD_DIR]        # default ./build; needs Rscript + survival
#
# 1. R writes 1,000,000 rows (integer days 0..3650, status 0/1/2 = censored/revision/death,
#    200 groups) to a temporary CSV.
# 2. R times survfit(Surv(days, status == 1) ~ group) (median of 3; the call alone, data
#    already in memory) and survfit(Surv(days, factor(status)) ~ group) (Aalen–Johansen, once:
#    it takes tens of seconds).
# 3. stats_km_bench --input reads the same CSV and times KM and AJ in-process (median of 5).
# 4. The whole `orp survival` process on the CSV, JSON to /dev/null (median of 5, wall).
# Wall-clock times throughout; the machine is shared, so both sides run under the same load.
set -euo pipefail
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv=$work/km_1m.csv

Rscript - "$csv" "$work/r_times" <<'EOF'
suppressPackageStartupMessages(library(survival))
args <- commandArgs(TRUE)
set.seed(6)
n <- 1e6
d <- data.frame(days = pmin(3650L, as.integer(round(rexp(n, 1 / 1500)))),
                status = sample(0:2, n, replace = TRUE, prob = c(0.85, 0.05, 0.10)),
                group = sprintf("g%03d", sample.int(200, n, replace = TRUE)))
d$revised <- as.integer(d$status == 1)  # the KM's status: deaths censored, as status == 1
write.csv(d, args[1], row.names = FALSE, quote = FALSE)
km <- replicate(3, system.time(survfit(Surv(days, status == 1) ~ group, data = d))[["elapsed"]])
aj <- system.time(survfit(Surv(days, factor(status, 0:2)) ~ group, data = d))[["elapsed"]]
writeLines(sprintf("%s %.3f", c("r_km", "r_aj"), c(median(km), aj)), args[2])
cat(sprintf("R %s, survival %s\n", getRversion(), packageVersion("survival")))
EOF

"$build/bench/stats_km_bench" --input="$csv" --benchmark_filter='ByDay$|Cumulative' \
  --benchmark_repetitions=5 --benchmark_out="$work/bench.json" --benchmark_out_format=json \
  >/dev/null

# The same question survfit answers (KM of revision, deaths censored), then KM plus cumulative
# incidence; five runs each, alternating.
km_process=()
aj_process=()
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$build/orp" survival --input "$csv" --time days --status revised --group group \
    --format json >/dev/null
  km_process+=("$(echo "$(date +%s.%N) - $start" | bc)")
  start=$(date +%s.%N)
  "$build/orp" survival --input "$csv" --time days --status status --group group \
    --competing-code 2 --format json >/dev/null
  aj_process+=("$(echo "$(date +%s.%N) - $start" | bc)")
done

python3 - "$work/r_times" "$work/bench.json" "${km_process[*]}" "${aj_process[*]}" <<'EOF'
import json, statistics, sys
r = dict(line.split() for line in open(sys.argv[1]))
r = {k: float(v) for k, v in r.items()}
bench = json.load(open(sys.argv[2]))["benchmarks"]
def median_ms(name):
    runs = [b["real_time"] for b in bench if b["name"] == name and b.get("run_type") == "iteration"]
    return statistics.median(runs)
km, aj = median_ms("BM_KaplanMeierByDay"), median_ms("BM_CumulativeIncidenceByDay")
proc = statistics.median(float(x) for x in sys.argv[3].split())
proc_aj = statistics.median(float(x) for x in sys.argv[4].split())
print(f"R survfit KM by 200 groups, 1M rows:      {r['r_km']*1e3:9.0f} ms (median of 3)")
print(f"ORP KaplanMeier in-process:               {km:9.1f} ms  -> {r['r_km']*1e3/km:6.0f}x")
print(f"orp survival process (CSV in, JSON out):  {proc*1e3:9.0f} ms  -> {r['r_km']/proc:6.1f}x")
print(f"  same with --competing-code 2 (KM + CIF):  {proc_aj*1e3:9.0f} ms")
print(f"R survfit factor status (AJ) by 200 groups:{r['r_aj']*1e3:8.0f} ms (one run)")
print(f"ORP CumulativeIncidenceOf in-process:     {aj:9.1f} ms  -> {r['r_aj']*1e3/aj:6.0f}x")
EOF
