// Cox regression on a registry-sized cohort: 1,000,000 implants, 5 covariates, follow-up in
// whole days up to 10 years (so many tied event times), fitted in-process with FitCox.
//
//   build/bench/cox_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   build/bench/cox_bench --write-csv=PATH   # writes the same data for R and `orp cox`
//
// bench/cox_vs_r.sh runs both and R's coxph on the same data; figures in docs/performance.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "orp/stats/cox.h"
#include "orp/stats/cox_likelihood.h"

namespace {

constexpr size_t kRows = 1'000'000;

struct Cohort {
  std::vector<double> time;
  std::vector<int32_t> status;
  std::vector<double> covariates;  // column-major: age, female, bmi, cemented, asa
  std::vector<std::string> names = {"age", "female", "bmi", "cemented", "asa"};
};

// Revision hazard rises with age, BMI and ASA grade, falls for cemented fixation; deaths and
// the end of data censor. Values are rounded as a registry records them.
Cohort MakeCohort(size_t n) {
  std::mt19937_64 rng(20261126);
  std::normal_distribution<double> age(70, 10), bmi(29, 5);
  std::bernoulli_distribution female(0.57), cemented(0.4);
  std::uniform_int_distribution<int> asa(1, 4);
  std::uniform_real_distribution<double> follow_up(30, 3650), unit(0, 1);
  Cohort c;
  c.covariates.resize(5 * n);
  for (size_t i = 0; i < n; ++i) {
    const double x[5] = {std::round(age(rng) * 10) / 10, female(rng) ? 1.0 : 0.0,
                         std::round(bmi(rng) * 10) / 10, cemented(rng) ? 1.0 : 0.0,
                         static_cast<double>(asa(rng))};
    for (int j = 0; j < 5; ++j) c.covariates[j * n + i] = x[j];
    const double lp =
        0.02 * (x[0] - 70) - 0.1 * x[1] + 0.03 * (x[2] - 29) - 0.3 * x[3] + 0.15 * (x[4] - 2);
    const double revision = -std::log(unit(rng)) / (1.5e-5 * std::exp(lp));
    const double censor = std::floor(follow_up(rng));
    c.time.push_back(std::max(1.0, std::ceil(std::min(revision, censor))));
    c.status.push_back(revision <= censor ? 1 : 0);
  }
  return c;
}

const Cohort& SharedCohort() {
  static const Cohort cohort = MakeCohort(kRows);
  return cohort;
}

void FitOnce(benchmark::State& state, orp::stats::CoxTies ties) {
  const Cohort& c = SharedCohort();
  orp::stats::CoxOptions options;
  options.ties = ties;
  const orp::stats::CoxData data{c.time, c.status, c.covariates, c.names, {}};
  for (auto _ : state) {
    auto fit = orp::stats::FitCox(data, options);
    if (!fit) state.SkipWithError(fit.error().message().c_str());
    benchmark::DoNotOptimize(fit);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kRows));
}

void BM_Cox1MRows5CovariatesEfron(benchmark::State& state) {
  FitOnce(state, orp::stats::CoxTies::kEfron);
}
void BM_Cox1MRows5CovariatesBreslow(benchmark::State& state) {
  FitOnce(state, orp::stats::CoxTies::kBreslow);
}
// The one-off part of a fit: sorting by time and centring (the rest is Newton iterations).
void BM_Cox1MRows5CovariatesSortOnly(benchmark::State& state) {
  const Cohort& c = SharedCohort();
  const orp::stats::CoxData data{c.time, c.status, c.covariates, c.names, {}};
  for (auto _ : state) benchmark::DoNotOptimize(orp::stats::internal::PrepareCoxRows(data, true));
}

BENCHMARK(BM_Cox1MRows5CovariatesEfron)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Cox1MRows5CovariatesBreslow)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Cox1MRows5CovariatesSortOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

int WriteCsv(const std::string& path) {
  const Cohort& c = SharedCohort();
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "cox_bench: cannot write %s\n", path.c_str());
    return 1;
  }
  std::fprintf(out, "time,status,age,female,bmi,cemented,asa\n");
  for (size_t i = 0; i < kRows; ++i) {
    std::fprintf(out, "%g,%d", c.time[i], c.status[i]);
    for (int j = 0; j < 5; ++j) std::fprintf(out, ",%g", c.covariates[j * kRows + i]);
    std::fputc('\n', out);
  }
  return std::fclose(out) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr std::string_view kWriteCsv = "--write-csv=";
  if (argc == 2 && std::string_view(argv[1]).starts_with(kWriteCsv)) {
    return WriteCsv(std::string(std::string_view(argv[1]).substr(kWriteCsv.size())));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
