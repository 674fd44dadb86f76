// Catalogue lookup by DI in memory (docs/performance.md, "Device catalogue"): FindAsOf and
// FindLatest over a catalogue of `range` models with two versions each, keys looked up in
// random order (so the cache does not flatter the figure).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/domain/gtin.h"

namespace {

using orp::Date;
using orp::catalogue::Catalogue;
using orp::catalogue::DeviceModel;
using orp::catalogue::MarketStatus;

std::string GtinFor(size_t n) {
  std::string payload = "0950" + std::to_string(1000000000 + n).substr(1);  // 13 digits
  return payload + char('0' + orp::domain::Gtin::CheckDigit(payload));
}

struct Fixture {
  Catalogue catalogue;
  std::vector<std::string> keys;
};

Fixture Build(size_t models) {
  Fixture f;
  Date start = Date{std::chrono::year{2015} / 1 / 1};
  for (size_t i = 0; i < models; ++i) {
    DeviceModel m;
    m.di = GtinFor(i);
    m.manufacturer = "Manufacturer " + std::to_string(i % 300);
    m.brand = "Brand " + std::to_string(i % 2000);
    m.registries = {"MDOR"};
    m.effective_from = m.recorded_on = start;
    f.catalogue.Add(m);
    m.market_status = MarketStatus::kWithdrawn;
    m.effective_from = m.recorded_on = start + std::chrono::days{int(i % 3000)};
    f.catalogue.Add(m);
    f.keys.push_back(m.di);
  }
  std::shuffle(f.keys.begin(), f.keys.end(), std::mt19937(7));
  return f;
}

void BM_FindAsOf(benchmark::State& state) {
  Fixture f = Build(size_t(state.range(0)));
  Date on = Date{std::chrono::year{2020} / 6 / 1};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.catalogue.FindAsOf(f.keys[i], on));
    if (++i == f.keys.size()) i = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_FindAsOf)->Arg(1000)->Arg(100000);

void BM_FindLatest(benchmark::State& state) {
  Fixture f = Build(size_t(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.catalogue.FindLatest(f.keys[i]));
    if (++i == f.keys.size()) i = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_FindLatest)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
