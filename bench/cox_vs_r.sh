#!/usr/bin/env bash
# Cox regression, ORP against R, on the same data in the same run: 1,000,000 rows, 5 covariates
# (bench/cox_bench.cc makes them), Efron ties. Prints the medians, the ratios and the largest
# difference between the two sets of coefficients. Figures go in docs/performance.md.
#
#   make build && bench/cox_vs_r.sh [BUILD_DIR] [REPEATS]     (needs R with survival)
#
# R's time is coxph alone (the CSV is read before the clock starts); ORP's are FitCox in-process
# (Google Benchmark) and the whole `orp cox` process, CSV parsing included.
set -euo pipefail
build=${1:-build}
repeats=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv=$work/cohort.csv
"$build/bench/cox_bench" --write-csv="$csv"

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

Rscript - "$csv" "$repeats" "$work/r_coef.txt" > "$work/r_times.txt" <<'RSCRIPT'
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
for (i in seq_len(as.integer(args[2]))) {
  t <- system.time(fit <- coxph(Surv(time, status) ~ age + female + bmi + cemented + asa,
                                data = d))
  cat(t[["elapsed"]], t[["user.self"]] + t[["sys.self"]], "\n")
}
writeLines(format(coef(fit), digits = 17), args[3])
RSCRIPT
r_s=$(cut -d' ' -f1 "$work/r_times.txt" | median)
r_cpu=$(cut -d' ' -f2 "$work/r_times.txt" | median)

"$build/bench/cox_bench" --benchmark_filter='Efron' --benchmark_repetitions="$repeats" \
  --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null > "$work/orp.csv"
orp_ms=$(awk -F, '/_median"?,/ {print $3}' "$work/orp.csv")
orp_cpu_ms=$(awk -F, '/_median"?,/ {print $4}' "$work/orp.csv")

TIMEFORMAT='%R %U %S'
for _ in $(seq "$repeats"); do
  { time "$build/orp" cox --input "$csv" --time time --status status \
      --covariates age,female,bmi,cemented,asa --format json > "$work/orp.json"; } 2>&1 |
    awk '{print $1, $2 + $3}'
done > "$work/process_times.txt"
process_s=$(cut -d' ' -f1 "$work/process_times.txt" | median)
process_cpu=$(cut -d' ' -f2 "$work/process_times.txt" | median)

max_diff=$(paste -d' ' "$work/r_coef.txt" <(grep -o '"coef": [-0-9.e+]*' "$work/orp.json" | cut -d' ' -f2) |
  awk '{d = $1 - $2; if (d < 0) d = -d; r = d / ($1 < 0 ? -$1 : $1); if (r > m) m = r}
       END {printf "%.2g", m}')

echo "medians of ${repeats} runs        elapsed     CPU (user+sys)"
printf "R coxph (in-process)          %8.3f s  %8.3f s\n" "$r_s" "$r_cpu"
printf "ORP FitCox (in-process)       %8.3f s  %8.3f s\n" "$(echo "$orp_ms/1000" | bc -l)" \
  "$(echo "$orp_cpu_ms/1000" | bc -l)"
printf "orp cox (whole process)       %8.3f s  %8.3f s\n" "$process_s" "$process_cpu"
awk -v r="$r_s" -v rc="$r_cpu" -v o="$orp_ms" -v oc="$orp_cpu_ms" -v p="$process_s" \
  -v pc="$process_cpu" 'BEGIN {
  printf "R / FitCox                    %8.1fx  %8.1fx\n", r / (o / 1000), rc / (oc / 1000)
  printf "R / orp cox process           %8.1fx  %8.1fx\n", r / p, rc / pc }'
echo "largest relative difference between R's and ORP's coefficients: ${max_diff}"
