// Kaplan–Meier and Aalen–Johansen in-process timings: the figures under "## Survival
// (Kaplan–Meier, Aalen–Johansen)" in docs/performance.md. bench/survival_vs_r.sh runs this next
// to R on the same rows:
//
//   build/bench/stats_km_bench --input=F.csv --benchmark_repetitions=5
//       --benchmark_report_aggregates_only      (one line)
//
// --input names a CSV with columns days,status,group (status 0/1/2); without it the 1M-row
// data are generated here with the same distribution the script uses. The 20M-row benchmark
// always generates its data and reports the process's peak resident set (max_rss_mb).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "orp/core/csv_reader.h"
#include "orp/stats/cumulative_incidence.h"
#include "orp/stats/kaplan_meier.h"

namespace {

struct Cohort {
  std::vector<int32_t> days;
  std::vector<int8_t> status;
  std::vector<int32_t> group;
  int32_t groups = 0;

  orp::stats::SurvivalDays Days() const { return {days, status, {}, group, groups}; }
};

// Follow-up of up to 10 years (exponential, mean about 4 years); 5% revised, 10% died.
Cohort Generate(size_t n, int32_t groups, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> follow_up(1.0 / 1500);
  std::uniform_real_distribution<double> u(0, 1);
  Cohort c;
  c.groups = groups;
  c.days.resize(n);
  c.status.resize(n);
  c.group.resize(n);
  for (size_t i = 0; i < n; ++i) {
    c.days[i] = std::min<int32_t>(3650, static_cast<int32_t>(std::lround(follow_up(rng))));
    const double s = u(rng);
    c.status[i] = s < 0.05 ? 1 : (s < 0.15 ? 2 : 0);
    c.group[i] = static_cast<int32_t>(rng() % static_cast<uint64_t>(groups));
  }
  return c;
}

Cohort Load(const std::string& path) {
  auto reader = orp::CsvReader::Open(path);
  if (!reader) {
    std::cerr << reader.error().ToString() << "\n";
    std::exit(2);
  }
  const size_t days = *reader->Column("days"), status = *reader->Column("status"),
               group = *reader->Column("group");
  std::unordered_map<std::string, int32_t> codes;
  Cohort c;
  orp::CsvRecord r;
  while (reader->Next(&r).value()) {
    c.days.push_back(std::stoi(std::string(r[days])));
    c.status.push_back(static_cast<int8_t>(std::stoi(std::string(r[status]))));
    auto [it, added] = codes.emplace(std::string(r[group]), static_cast<int32_t>(codes.size()));
    c.group.push_back(it->second);
  }
  c.groups = static_cast<int32_t>(codes.size());
  return c;
}

std::string input_path;

const Cohort& Million() {
  static const Cohort c = input_path.empty() ? Generate(1'000'000, 200, 1) : Load(input_path);
  return c;
}

double MaxRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;
}

void BM_KaplanMeierByDay(benchmark::State& state) {
  const Cohort& c = Million();
  for (auto _ : state) {
    auto curves = orp::stats::KaplanMeier(c.Days(), {});
    benchmark::DoNotOptimize(curves);
  }
  state.counters["rows"] = static_cast<double>(c.days.size());
  state.counters["groups"] = c.groups;
}

void BM_KaplanMeierSorted(benchmark::State& state) {
  const Cohort& c = Million();
  const std::vector<double> exit(c.days.begin(), c.days.end());
  for (auto _ : state) {
    auto curves = orp::stats::KaplanMeier(
        orp::stats::SurvivalTimes{exit, c.status, {}, c.group, c.groups}, {});
    benchmark::DoNotOptimize(curves);
  }
}

void BM_CumulativeIncidenceByDay(benchmark::State& state) {
  const Cohort& c = Million();
  for (auto _ : state) {
    auto cif = orp::stats::CumulativeIncidenceOf(c.Days());
    benchmark::DoNotOptimize(cif);
  }
}

void BM_KaplanMeierByDay20M(benchmark::State& state) {
  static const Cohort c = Generate(20'000'000, 200, 2);
  for (auto _ : state) {
    auto curves = orp::stats::KaplanMeier(c.Days(), {});
    benchmark::DoNotOptimize(curves);
  }
  state.counters["max_rss_mb"] = MaxRssMb();
}

BENCHMARK(BM_KaplanMeierByDay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KaplanMeierSorted)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CumulativeIncidenceByDay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KaplanMeierByDay20M)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--input=", 8) == 0) {
      input_path = argv[i] + 8;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(rest.size());
  benchmark::Initialize(&count, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
