// Labels parsed per second on one core, for a realistic theatre mix (docs/performance.md,
// "UDI parsing"): 60% GS1 DataMatrix element strings, 15% bracketed HRI typed or scanned from
// print, 10% GS1 Digital Link, 10% HIBCC concatenated, 5% faulty (bad check digit, GS dropped).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "orp/domain/gtin.h"
#include "orp/udi/encode.h"
#include "orp/udi/parse.h"

namespace {

using orp::Date;
using orp::udi::Gs1Field;

std::string MakeGtin(std::mt19937& rng) {
  std::string payload = "0950600";
  for (int i = 0; i < 6; ++i) payload.push_back(char('0' + rng() % 10));
  return payload + char('0' + orp::domain::Gtin::CheckDigit(payload));
}

std::string Token(std::mt19937& rng, size_t length) {
  static constexpr std::string_view kChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
  std::string out;
  for (size_t i = 0; i < length; ++i) out.push_back(kChars[rng() % kChars.size()]);
  return out;
}

std::vector<std::string> MakeLabels(size_t count) {
  std::mt19937 rng(20261126);
  std::vector<std::string> labels;
  Date base = Date{std::chrono::year{2027} / 1 / 1};
  for (size_t i = 0; i < count; ++i) {
    std::string gtin = MakeGtin(rng);
    std::string lot = Token(rng, 4 + rng() % 6), serial = Token(rng, 6 + rng() % 6);
    Date expiry = base + std::chrono::days{int(rng() % 1500)};
    std::string yymmdd = orp::udi::FormatYymmdd(expiry);
    Gs1Field fields[] = {{"01", gtin}, {"17", yymmdd}, {"10", lot}, {"21", serial}};
    unsigned kind = unsigned(i % 20);
    if (kind < 12) {
      labels.push_back(*orp::udi::EncodeGs1ElementString(fields));
    } else if (kind < 15) {
      labels.push_back(orp::udi::EncodeGs1Hri(fields));
    } else if (kind < 17) {
      labels.push_back(orp::udi::EncodeDigitalLink("id.gs1.org", gtin, lot, serial, expiry));
    } else if (kind < 19) {
      labels.push_back(orp::udi::EncodeHibcConcatenated("A999", Token(rng, 6), 1, lot, expiry));
    } else {
      std::string bad = *orp::udi::EncodeGs1ElementString(fields, "", '\0');
      bad.erase(std::remove(bad.begin(), bad.end(), '\0'), bad.end());       // GS dropped (G9)
      if (i % 40 == 19) bad[15] = bad[15] == '9' ? '0' : char(bad[15] + 1);  // check digit
      labels.push_back(bad);
    }
  }
  return labels;
}

void BM_ParseUdiMix(benchmark::State& state) {
  std::vector<std::string> labels = MakeLabels(4096);
  orp::udi::ParseOptions options{.today = Date{std::chrono::year{2026} / 11 / 26}};
  size_t i = 0;
  for (auto _ : state) {
    orp::udi::ParsedUdi parsed = orp::udi::ParseUdi(labels[i], options);
    benchmark::DoNotOptimize(parsed);
    i = (i + 1) % labels.size();
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ParseUdiMix);

void BM_ParseGs1ElementString(benchmark::State& state) {
  Gs1Field fields[] = {
      {"01", "09506000134352"}, {"17", "261231"}, {"10", "ABC123"}, {"21", "12345"}};
  std::string label = *orp::udi::EncodeGs1ElementString(fields);
  orp::udi::ParseOptions options{.today = Date{std::chrono::year{2026} / 11 / 26}};
  for (auto _ : state) {
    orp::udi::ParsedUdi parsed = orp::udi::ParseUdi(label, options);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ParseGs1ElementString);

}  // namespace

BENCHMARK_MAIN();
