// CsvReader throughput (MB/s) on a generated submission-like file: 22 columns, about one field
// in five quoted, some with doubled quotes or a line break. Reproduces the figure under
// "## CSV reader" in docs/performance.md.
//
//   build/bench/csv_reader_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
//
// BM_CsvReaderMemory parses from memory (the parser alone); BM_CsvReaderFile reads a temporary
// file through Open (page cache warm: parser plus ifstream); BM_GetlineSplitBaseline is the
// naive getline-and-split loop (wrong on quoted fields) as a yardstick.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <spanstream>
#include <sstream>
#include <string>

#include "orp/core/csv_reader.h"

namespace {

constexpr size_t kTargetBytes = size_t{64} << 20;

std::string MakeRow(std::mt19937_64& rng, size_t row) {
  std::string line = std::to_string(row);
  for (int column = 1; column < 22; ++column) {
    line.push_back(',');
    switch (rng() % 10) {
      case 0: line += "\"Smith & Nephew, Inc.\""; break;
      case 1: line += "\"say \"\"cemented\"\"\""; break;
      case 2: line += "\"two\nlines\""; break;
      case 3: break;  // empty
      case 4: line += "2024-03-01"; break;
      case 5: line += "(01)05055141500236(17)261231(10)LOT42"; break;
      default: line += std::to_string(rng() % 1000000); break;
    }
  }
  line += "\r\n";
  return line;
}

const std::string& Data() {
  static const std::string data = [] {
    std::mt19937_64 rng(42);
    std::string text = "id";
    for (int column = 1; column < 22; ++column) text += ",c" + std::to_string(column);
    text += "\r\n";
    for (size_t row = 1; text.size() < kTargetBytes; ++row) text += MakeRow(rng, row);
    return text;
  }();
  return data;
}

size_t CountFields(orp::CsvReader& reader) {
  orp::CsvRecord record;
  size_t fields = 0;
  while (reader.Next(&record).value()) fields += record.size();
  return fields;
}

void BM_CsvReaderMemory(benchmark::State& state) {
  const std::string& data = Data();
  for (auto _ : state) {
    std::ispanstream in(std::span<const char>(data.data(), data.size()));
    orp::CsvReader reader(in);
    benchmark::DoNotOptimize(CountFields(reader));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(data.size()));
}
BENCHMARK(BM_CsvReaderMemory)->Unit(benchmark::kMillisecond);

void BM_CsvReaderFile(benchmark::State& state) {
  std::string path = "/tmp/orp_csv_reader_bench.csv";
  std::ofstream(path, std::ios::binary) << Data();
  for (auto _ : state) {
    auto reader = orp::CsvReader::Open(path);
    benchmark::DoNotOptimize(CountFields(reader.value()));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(Data().size()));
  std::remove(path.c_str());
}
BENCHMARK(BM_CsvReaderFile)->Unit(benchmark::kMillisecond);

void BM_GetlineSplitBaseline(benchmark::State& state) {
  const std::string& data = Data();
  for (auto _ : state) {
    std::ispanstream in(std::span<const char>(data.data(), data.size()));
    std::string line;
    size_t fields = 0;
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::string field;
      while (std::getline(row, field, ',')) ++fields;
    }
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(data.size()));
}
BENCHMARK(BM_GetlineSplitBaseline)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
