// End-to-end ingest rate (docs/performance.md, "## Ingest"): a synthetic MDOR registry
// (orp::synth, about 1.5 devices per procedure) read from its CSV files, validated against the
// shipped definitions and the device catalogue, pseudonymised, linked and written to a fresh
// SQLite file store (WAL, synchronous=FULL), one submission per file (reading and validating on a
// second thread, writing in batches: ingest/pipeline.h) — or, for BM_IngestEndToEndPostgres, a
// fresh schema on the PostgreSQL server at ORP_BENCH_POSTGRES_URL (docs/performance.md,
// "## PostgreSQL"). Compare with
// sqlite_insert_bench's BM_PlainInsert run alongside (bench/ingest_bench.sh).
//
//   BM_IngestEndToEnd/N    N procedures; items/s is procedures per second
//   BM_ValidateOnly/N      the same files through the readers and validator only (dry run)
#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

#include "orp/catalogue/catalogue_file.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/pipeline.h"
#include "orp/storage/postgres/postgres_store.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/synth/synth.h"

namespace {

namespace fs = std::filesystem;
using namespace orp;

fs::path BenchDir() {
  const char* dir = std::getenv("ORP_BENCH_DIR");
  return fs::path(dir ? dir : "/var/tmp") / ("orp-ingest-bench-" + std::to_string(getpid()));
}

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

struct Fixture {
  fs::path dir;
  std::vector<fs::path> files;
  catalogue::Catalogue catalogue;
  std::optional<ingest::Validator> validator;
};

// One generated registry per size, kept for the process.
Fixture& FixtureFor(int64_t procedures) {
  static std::map<int64_t, Fixture> fixtures;
  auto [it, fresh] = fixtures.try_emplace(procedures);
  Fixture& f = it->second;
  if (!fresh) return f;
  f.dir = BenchDir() / std::to_string(procedures);
  synth::SynthOptions options;
  options.procedures = procedures;
  options.out_dir = f.dir;
  options.definitions = SourceDir() / "registries";
  options.registries = {0};  // MDOR
  if (!synth::GenerateRegistry(options)) std::abort();
  for (const auto& entry : fs::directory_iterator(f.dir / "submissions")) {
    if (entry.path().extension() == ".csv") f.files.push_back(entry.path());
  }
  std::sort(f.files.begin(), f.files.end());
  if (!catalogue::ImportCatalogueFile(f.dir / "device-catalogue.csv",
                                      Date{std::chrono::year{1900} / 1 / 1}, f.catalogue)) {
    std::abort();
  }
  auto registries = domain::LoadRegistries(SourceDir() / "registries");
  if (!registries) std::abort();
  ingest::ValidatorOptions checks;
  checks.catalogue = &f.catalogue;
  auto validator = ingest::Validator::Create(*registries, checks);
  if (!validator) std::abort();
  f.validator.emplace(std::move(*validator));
  return f;
}

double CpuSeconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// The SQLite store's options, from the environment so that bench/ingest_bench.sh can compare
// settings in one run: ORP_BENCH_PAGE_SIZE (bytes; also read by sqlite_insert_bench's baseline),
// ORP_BENCH_CACHE_MIB (the writer's page cache) and ORP_BENCH_FOREGROUND_CHECKPOINT=1 (SQLite's
// automatic checkpoint on the writing thread, as before session 5).
storage::sqlite::ConnectionOptions BenchConnectionOptions() {
  storage::sqlite::ConnectionOptions options;
  if (const char* page_size = std::getenv("ORP_BENCH_PAGE_SIZE")) {
    options.page_size = std::atoi(page_size);
  }
  if (const char* cache = std::getenv("ORP_BENCH_CACHE_MIB")) options.cache_mib = std::atoi(cache);
  if (const char* foreground = std::getenv("ORP_BENCH_FOREGROUND_CHECKPOINT")) {
    options.background_checkpoint = std::string_view(foreground) != "1";
  }
  return options;
}

// A fresh empty store for one iteration: a new SQLite file, or (with `postgres`) a new schema on
// the server at ORP_BENCH_POSTGRES_URL (a throwaway cluster: scripts/pg-test-cluster).
std::unique_ptr<storage::Store> FreshStore(const Fixture& f, bool postgres) {
  static int iteration = 0;
  if (postgres) {
    const char* url = std::getenv("ORP_BENCH_POSTGRES_URL");
    if (url == nullptr) return nullptr;
    std::string server(url);
    server += server.find('?') == std::string::npos ? '?' : '&';
    server += "options=-csearch_path%3Dorp_bench_" + std::to_string(getpid()) + "_" +
              std::to_string(iteration++);
    auto store = storage::postgres::OpenStore(server);
    return store ? std::move(*store) : nullptr;
  }
  const std::string db = (f.dir / "bench.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  auto store = storage::sqlite::OpenStore(db, BenchConnectionOptions());
  return store ? std::move(*store) : nullptr;
}

void Run(benchmark::State& state, bool dry_run, bool postgres = false) {
  Fixture& f = FixtureFor(state.range(0));
  auto keys = security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{1});
  int64_t procedures = 0;
  double writer_cpu = 0;
  double reader_cpu = 0;
  ingest::IngestOptions run;
  run.dry_run = dry_run;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = FreshStore(f, postgres);
    if (!store) {
      state.SkipWithError("cannot open the store (for PostgreSQL set ORP_BENCH_POSTGRES_URL)");
      break;
    }
    state.ResumeTiming();
    const double thread_start = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    const double process_start = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
    for (const fs::path& file : f.files) {
      auto receipt = ingest::IngestFile(*store, *f.validator, keys, file, run);
      if (!receipt) std::abort();
      procedures += receipt->received;
    }
    // This thread writes; the reader threads ingest starts read and validate.
    writer_cpu += CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - thread_start;
    reader_cpu += CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process_start -
                  (CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - thread_start);
  }
  state.SetItemsProcessed(procedures);
  // CPU seconds per iteration of each side: on an idle machine with two cores the wall time is
  // about the larger of the two.
  state.counters["writer_cpu_s"] = benchmark::Counter(writer_cpu / double(state.iterations()));
  state.counters["reader_cpu_s"] = benchmark::Counter(reader_cpu / double(state.iterations()));
}

void BM_IngestEndToEnd(benchmark::State& state) { Run(state, false); }
void BM_ValidateOnly(benchmark::State& state) { Run(state, true); }
void BM_IngestEndToEndPostgres(benchmark::State& state) { Run(state, false, true); }

// CPU time is the whole process's: ingest reads and validates on a second thread.
BENCHMARK(BM_IngestEndToEnd)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_ValidateOnly)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_IngestEndToEndPostgres)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(BenchDir());
  return 0;
}
