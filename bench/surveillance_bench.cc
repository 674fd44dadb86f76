// The cost of each surveillance method in src/orp/stats: the figures under "## Surveillance" in
// docs/performance.md. CPU time is the figure to read (the machine is shared):
//
//   cmake --build build --target surveillance_bench -j2
//   build/bench/surveillance_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only
//
// Inputs are generated here with fixed seeds: units with expected counts from 0.5 to 200,
// patients with risks U(0.01, 0.20), implants in 20 classes.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "orp/stats/cusum.h"
#include "orp/stats/funnel.h"
#include "orp/stats/maxsprt.h"
#include "orp/stats/outliers.h"
#include "orp/surveillance/run.h"

namespace {

using namespace orp::stats;

void BM_FunnelPlotRatioAdditive(benchmark::State& state) {
  const auto units = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> expected(0.5, 200);
  std::vector<double> o, e;
  for (size_t i = 0; i < units; ++i) {
    e.push_back(expected(rng));
    o.push_back(static_cast<double>(std::poisson_distribution<int>(e.back())(rng)));
  }
  FunnelOptions options;
  options.overdispersion = Overdispersion::kAdditive;
  for (auto _ : state) benchmark::DoNotOptimize(MakeFunnelPlot(o, e, options));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(units));
}
BENCHMARK(BM_FunnelPlotRatioAdditive)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_FunnelPlotExactProportion(benchmark::State& state) {
  const auto units = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(2);
  std::vector<double> o, n;
  for (size_t i = 0; i < units; ++i) {
    n.push_back(static_cast<double>(std::uniform_int_distribution<int>(20, 3000)(rng)));
    o.push_back(static_cast<double>(std::binomial_distribution<int>(int(n.back()), 0.04)(rng)));
  }
  FunnelOptions options;
  options.indicator = FunnelIndicator::kProportion;
  for (auto _ : state) benchmark::DoNotOptimize(MakeFunnelPlot(o, n, options));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(units));
}
BENCHMARK(BM_FunnelPlotExactProportion)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);

std::vector<double> Risks(size_t n) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> p(0.01, 0.20);
  std::vector<double> risk(n);
  for (double& r : risk) r = p(rng);
  return risk;
}

void BM_CusumPath(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const auto risk = Risks(n);
  std::mt19937_64 rng(4);
  std::vector<uint8_t> failed(n);
  for (size_t i = 0; i < n; ++i) failed[i] = std::bernoulli_distribution(risk[i])(rng);
  for (auto _ : state) benchmark::DoNotOptimize(RiskAdjustedCusum(risk, failed, {}));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_CusumPath)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_MarkovChainArl(benchmark::State& state) {
  const auto risk = Risks(5000);
  const MarkovArlOptions options{static_cast<int>(state.range(0)), 200};
  for (auto _ : state) benchmark::DoNotOptimize(MarkovChainArl(risk, 2, 4.5, 1, options));
}
BENCHMARK(BM_MarkovChainArl)->Arg(400)->Arg(800)->Unit(benchmark::kMillisecond);

void BM_ControlLimitForArl(benchmark::State& state) {
  const auto risk = Risks(5000);
  for (auto _ : state) benchmark::DoNotOptimize(ControlLimitForArl(risk, 2, 4400));
}
BENCHMARK(BM_ControlLimitForArl)->Unit(benchmark::kMillisecond);

void BM_MaxSprtCriticalValue(benchmark::State& state) {
  const auto t = static_cast<double>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(PoissonMaxSprtCriticalValue(t, 0.05));
}
BENCHMARK(BM_MaxSprtCriticalValue)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

std::vector<ImplantExposure> Implants(size_t n) {
  std::mt19937_64 rng(5);
  std::vector<ImplantExposure> rows;
  for (size_t i = 0; i < n; ++i) {
    const int64_t primaries = std::uniform_int_distribution<int64_t>(5, 5000)(rng);
    const double py = static_cast<double>(primaries) * 4.2;
    const int64_t revisions =
        std::min<int64_t>(primaries, std::poisson_distribution<int64_t>(py * 0.005)(rng));
    rows.push_back({static_cast<int32_t>(i % 20), primaries, revisions, py});
  }
  return rows;
}

void BM_NjrImplantOutliers(benchmark::State& state) {
  const auto rows = Implants(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(NjrImplantOutliers(rows));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_NjrImplantOutliers)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_AoanjrrStageOneScreen(benchmark::State& state) {
  const auto rows = Implants(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(AoanjrrStageOneScreen(rows));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AoanjrrStageOneScreen)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Every method over a generated cohort (no store): one registry, 40 device models in 4 classes,
// 1 surgeon per 400 primaries, 1 hospital per 4,000, ten years of primaries.
orp::surveillance::Cohort GeneratedCohort(size_t n) {
  namespace sv = orp::surveillance;
  constexpr int32_t kCut = 20453;
  std::mt19937_64 rng(6);
  sv::Cohort c;
  c.data_cut = orp::Date(std::chrono::days(kCut));
  c.registries = {"NJR"};
  c.indications = {"avn", "fracture", "oa"};
  const auto surgeons = static_cast<int32_t>(std::max<size_t>(n / 400, 2));
  const auto hospitals = static_cast<int32_t>(std::max<size_t>(n / 4000, 2));
  for (int m = 0; m < 40; ++m) c.models.push_back("model-" + std::to_string(m));
  for (int s = 0; s < surgeons; ++s) c.surgeons.push_back("s" + std::to_string(s));
  for (int h = 0; h < hospitals; ++h) c.hospitals.push_back("h" + std::to_string(h));
  for (int k = 0; k < 4; ++k) {
    c.implants.classes.push_back("NJR/class-" + std::to_string(k));
    c.implants.class_registry.push_back(0);
  }
  std::uniform_int_distribution<int32_t> day(kCut - 3652, kCut), model(0, 39),
      surgeon(0, surgeons - 1);
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < n; ++i) {
    const int32_t entry = day(rng);
    const int32_t s = surgeon(rng);
    const int32_t m = model(rng);
    const int32_t revised = entry + static_cast<int32_t>(-std::log(u(rng)) / 0.01 * 365.25);
    const int32_t died = entry + static_cast<int32_t>(-std::log(u(rng)) / 0.03 * 365.25);
    const int32_t exit = std::min({revised, died, kCut});
    const int8_t status = exit == kCut ? 0 : revised <= died ? 1 : 2;
    c.registry.push_back(0);
    c.surgeon.push_back(s);
    c.hospital.push_back(s % hospitals);
    c.entry_day.push_back(entry);
    c.exit_day.push_back(exit);
    c.status.push_back(status);
    c.death_day.push_back(died <= kCut ? died : sv::kNoDeath);
    c.age_band.push_back(static_cast<int8_t>(i % 6));
    c.sex.push_back(static_cast<int8_t>(i % 3));
    c.asa.push_back(static_cast<int8_t>(i % 5));
    c.indication.push_back(static_cast<int32_t>(i % 3));
    c.implants.model.push_back(m);
    c.implants.device_class.push_back(m % 4);
    c.implants.entry_day.push_back(entry);
    c.implants.exit_day.push_back(exit);
    c.implants.status.push_back(status);
  }
  return c;
}

void BM_EvaluateCohort(benchmark::State& state) {
  const auto cohort = GeneratedCohort(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto signals = orp::surveillance::EvaluateCohort(cohort, {});
    if (!signals) state.SkipWithError(signals.error().message().c_str());
    benchmark::DoNotOptimize(signals);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EvaluateCohort)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
