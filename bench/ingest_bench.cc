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
//   BM_IngestOneFile/N/B   the same registry as ONE file (one submission), B=0 with every index
//                          kept while writing, B=1 a bulk load of the indexes ingest does not
//                          read (ADR 0009), B=2 a bulk load of the indexes ingest reads too
//                          (ADR 0010: the store is empty, the writer serves linkage from
//                          memory)
//   BM_PlainInsertSameRows/N
//                          the baseline on the SAME rows (issue #4: "a plain prepared-statement
//                          insert of the same rows into the same schema and indexes"): the
//                          submissions, patients, procedures, implants and outcome events one
//                          ingest of the N-procedure registry stored, read back (untimed) in id
//                          order and inserted with one prepared INSERT per table, one row per
//                          execution, in one transaction, as sqlite_insert_bench's BM_PlainInsert
//                          does for its own generated rows (which are not ingest's: every patient
//                          exists before timing, and patients are visited in id order).
//                          With ORP_BENCH_LARGE=N, also BM_IngestOneFile/N/2 and this at N.
//   BM_PlainInsertSameRowsThenIndex/N
//                          the same rows with every index of their tables dropped first and built
//                          again before the commit, as the empty-store bulk load builds them: what
//                          SQLite alone needs to store these rows with these indexes in one
//                          transaction, the floor under BM_IngestOneFile/N/2. Also at N with
//                          ORP_BENCH_LARGE.
//   BM_PlainInsertSameRows:NAME/N
//                          the same with an index dropped or columns integer-coded, one per line
//                          of ORP_BENCH_ALTER_VARIANTS / ORP_BENCH_CODE_VARIANTS
//                          (docs/performance.md, "Session 6: what the rows cost")
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "baseline_pragmas.h"
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
  fs::path one_file;  // all of `files` in one CSV (header once), for BM_IngestOneFile
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
  f.one_file = f.dir / "one-file.csv";
  {
    std::ofstream out(f.one_file, std::ios::binary);
    std::string line;
    for (size_t i = 0; i < f.files.size(); ++i) {
      std::ifstream in(f.files[i], std::ios::binary);
      if (i > 0) std::getline(in, line);  // the header once
      out << in.rdbuf();
    }
    if (!out) std::abort();
  }
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
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(db + suffix);
  auto store = storage::sqlite::OpenStore(db, BenchConnectionOptions());
  return store ? std::move(*store) : nullptr;
}

// How Run loads the fixture: its yearly files one submission each (as `orp ingest` of a synth
// registry), or all of them as one file, with the bulk load forced on or off (#4, ADR 0009).
struct Load {
  bool one_file = false;
  ingest::BulkLoad bulk = ingest::BulkLoad::kAuto;
  bool every_index = true;  // IngestOptions::bulk_every_index
};

void Run(benchmark::State& state, bool dry_run, bool postgres = false, Load load = {}) {
  Fixture& f = FixtureFor(state.range(0));
  const std::vector<fs::path> files = load.one_file ? std::vector<fs::path>{f.one_file} : f.files;
  auto keys = security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{1});
  int64_t procedures = 0;
  double writer_cpu = 0;
  double reader_cpu = 0;
  ingest::IngestOptions run;
  run.dry_run = dry_run;
  run.bulk = load.bulk;
  run.bulk_every_index = load.every_index;
  // The benchmark owns its store, as `orp ingest` does (ADR 0011; PostgreSQL ignores it).
  run.exclusive = true;
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
    for (const fs::path& file : files) {
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

// One stored row: each column's value as SQLite gave it.
using Value = std::variant<std::monostate, int64_t, double, std::string, std::vector<char>>;
struct TableRows {
  std::string table;
  std::vector<std::string> columns;
  std::string insert_sql;
  std::vector<std::vector<Value>> rows;
};

void CheckSqlite(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
}

// One column of the current row of `s`, as SQLite stored it.
Value ColumnValue(sqlite3_stmt* s, int c) {
  switch (sqlite3_column_type(s, c)) {
    case SQLITE_INTEGER: return int64_t{sqlite3_column_int64(s, c)};
    case SQLITE_FLOAT: return sqlite3_column_double(s, c);
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                         size_t(sqlite3_column_bytes(s, c)));
    case SQLITE_BLOB: {
      const char* b = static_cast<const char*>(sqlite3_column_blob(s, c));
      return std::vector<char>(b, b + sqlite3_column_bytes(s, c));
    }
    default: return std::monostate{};
  }
}

// Every stored column of `table` (generated ones are computed on insert, as in ingest's own
// writes) of every row in id order, and the INSERT that puts such a row back.
TableRows ReadTable(sqlite3* db, const std::string& table) {
  TableRows t;
  t.table = table;
  std::string names, params;
  sqlite3_stmt* s = nullptr;
  CheckSqlite(
      sqlite3_prepare_v2(db, ("PRAGMA table_xinfo(" + table + ")").c_str(), -1, &s, nullptr), db);
  while (sqlite3_step(s) == SQLITE_ROW) {
    if (sqlite3_column_int(s, 6) != 0) continue;  // hidden: 2 and 3 are generated columns
    t.columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
    names += (names.empty() ? "" : ", ") + t.columns.back();
    params += params.empty() ? "?" : ", ?";
  }
  sqlite3_finalize(s);
  t.insert_sql = "INSERT INTO " + table + " (" + names + ") VALUES (" + params + ")";
  const std::string select = "SELECT " + names + " FROM " + table + " ORDER BY id";
  CheckSqlite(sqlite3_prepare_v2(db, select.c_str(), -1, &s, nullptr), db);
  const int columns = sqlite3_column_count(s);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<Value>& row = t.rows.emplace_back();
    for (int c = 0; c < columns; ++c) row.push_back(ColumnValue(s, c));
  }
  sqlite3_finalize(s);
  return t;
}

// Every row ingest stored in the tables a submission writes in bulk, in insertion order
// (parents first). Ingested once per process from the fixture's files.
const std::vector<TableRows>& StoredRows(const Fixture& f) {
  static std::map<fs::path, std::vector<TableRows>> by_fixture;
  std::vector<TableRows>& tables = by_fixture[f.dir];
  if (!tables.empty()) return tables;
  const std::string db_path = (f.dir / "same-rows.db").string();
  {
    auto store = storage::sqlite::OpenStore(db_path, {});
    if (!store) std::abort();
    auto keys = security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{1});
    for (const fs::path& file : f.files) {
      if (!ingest::IngestFile(**store, *f.validator, keys, file, {})) std::abort();
    }
  }
  sqlite3* db = nullptr;
  CheckSqlite(sqlite3_open(db_path.c_str(), &db), db);
  for (const char* table :
       {"submissions", "patients", "procedures", "implants", "outcome_events"}) {
    tables.push_back(ReadTable(db, table));
  }
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm", ".key"}) fs::remove(db_path + suffix);
  return tables;
}

// Binds one row's values to parameters 1..n, copying text and blobs (SQLITE_TRANSIENT).
void BindRow(sqlite3_stmt* s, const std::vector<Value>& row) {
  for (size_t c = 0; c < row.size(); ++c) {
    const int k = int(c) + 1;
    if (auto* i = std::get_if<int64_t>(&row[c])) {
      sqlite3_bind_int64(s, k, *i);
    } else if (auto* d = std::get_if<double>(&row[c])) {
      sqlite3_bind_double(s, k, *d);
    } else if (auto* text = std::get_if<std::string>(&row[c])) {
      sqlite3_bind_text(s, k, text->data(), int(text->size()), SQLITE_TRANSIENT);
    } else if (auto* blob = std::get_if<std::vector<char>>(&row[c])) {
      sqlite3_bind_blob(s, k, blob->data(), int(blob->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(s, k);
    }
  }
}

// What BM_PlainInsert's loader does (same pragmas, SQLITE_TRANSIENT binds, one transaction),
// over the stored rows; then, before the commit, the CREATE INDEX statements `indexes` (none for
// the plain baseline) as the bulk load builds them (storage/sqlite/sqlite_store.h
// kRebuildCacheKib: sort runs in temporary files, the rebuild's cache and sorter threads). Adds
// each table's thread CPU seconds to `cpu`, then the indexes', then the commit's.
void PlainInsertRows(const std::string& path, const std::vector<TableRows>& tables,
                     std::vector<double>& cpu, const std::vector<std::string>& indexes = {}) {
  sqlite3* db = nullptr;
  CheckSqlite(sqlite3_open(path.c_str(), &db), db);
  CheckSqlite(sqlite3_exec(db, orp::bench::kBaselinePragmas, nullptr, nullptr, nullptr), db);
  cpu.resize(tables.size() + 2);
  for (size_t n = 0; n < tables.size(); ++n) {
    const TableRows& t = tables[n];
    const double start = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    sqlite3_stmt* s = nullptr;
    CheckSqlite(sqlite3_prepare_v2(db, t.insert_sql.c_str(), -1, &s, nullptr), db);
    for (const std::vector<Value>& row : t.rows) {
      BindRow(s, row);
      CheckSqlite(sqlite3_step(s), db);
      sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    cpu[n] += CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - start;
  }
  if (!indexes.empty()) {
    const double start = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    const std::string pragmas =
        "PRAGMA temp_store=FILE; PRAGMA cache_size=-" +
        std::to_string(storage::sqlite::kRebuildCacheKib) +
        "; PRAGMA threads=" + std::to_string(storage::sqlite::kRebuildThreads);
    CheckSqlite(sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr), db);
    for (const std::string& sql : indexes) {
      CheckSqlite(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db);
    }
    cpu[tables.size()] += CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - start;
  }
  const double start = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  CheckSqlite(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
  cpu.back() += CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - start;
  sqlite3_close(db);
}

// Drops every secondary index of the tables ingest writes (patients, procedures, implants,
// outcome events), UNIQUE ones included, and answers their CREATE statements.
std::vector<std::string> DropDataIndexes(const std::string& path) {
  sqlite3* db = nullptr;
  CheckSqlite(sqlite3_open(path.c_str(), &db), db);
  std::vector<std::pair<std::string, std::string>> found;
  sqlite3_stmt* s = nullptr;
  CheckSqlite(sqlite3_prepare_v2(db,
                                 "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                 "sql IS NOT NULL AND tbl_name IN ('patients', 'procedures', "
                                 "'implants', 'outcome_events') ORDER BY name",
                                 -1, &s, nullptr),
              db);
  while (sqlite3_step(s) == SQLITE_ROW) {
    found.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  }
  sqlite3_finalize(s);
  std::vector<std::string> definitions;
  for (const auto& [name, sql] : found) {
    CheckSqlite(
        sqlite3_exec(db, ("DROP INDEX \"" + name + "\"").c_str(), nullptr, nullptr, nullptr), db);
    definitions.push_back(sql);
  }
  sqlite3_close(db);
  return definitions;
}

// ORP_BENCH_ALTER_SQL: SQL run on the fresh schema before timing (an index dropped or made
// partial, to weigh what one index costs the baseline). ORP_BENCH_ALTER_VARIANTS registers one
// more benchmark per line `name=SQL` (BM_PlainInsertSameRows:name/100000), so that one process
// weighs many alterations against its own unaltered run on the same stored rows.
void AlterSchema(const std::string& path, const char* sql) {
  if (sql == nullptr) return;
  sqlite3* db = nullptr;
  CheckSqlite(sqlite3_open(path.c_str(), &db), db);
  CheckSqlite(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db);
  sqlite3_close(db);
}

// The rows with each text value of the columns named in `spec` ("table.column,...") replaced by
// a small integer, its rank in first-seen order: what an integer-coded column would store (a
// TEXT-affinity column keeps it as the digits, 1-3 bytes, which is as narrow for this purpose).
std::vector<TableRows> CodedRows(std::vector<TableRows> tables, std::string_view spec) {
  for (TableRows& t : tables) {
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string name = t.table + "." + t.columns[c];
      if (("," + std::string(spec) + ",").find("," + name + ",") == std::string::npos) continue;
      std::unordered_map<std::string, int64_t> codes;
      for (std::vector<Value>& row : t.rows) {
        if (auto* text = std::get_if<std::string>(&row[c])) {
          row[c] = codes.try_emplace(*text, int64_t(codes.size())).first->second;
        }
      }
    }
  }
  return tables;
}

// `then_index`: every index of the rows' tables dropped before timing and built again from the
// loaded rows before the commit (PlainInsertRows).
void PlainInsertSameRows(benchmark::State& state, const char* alter_sql,
                         const char* code_spec = nullptr, bool then_index = false) {
  Fixture& f = FixtureFor(state.range(0));
  const std::vector<TableRows> tables =
      code_spec ? CodedRows(StoredRows(f), code_spec) : StoredRows(f);
  std::vector<double> cpu;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = (f.dir / "plain.db").string();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    if (!storage::sqlite::OpenStore(path, BenchConnectionOptions())) std::abort();  // the schema
    AlterSchema(path, alter_sql);
    const std::vector<std::string> indexes =
        then_index ? DropDataIndexes(path) : std::vector<std::string>{};
    state.ResumeTiming();
    PlainInsertRows(path, tables, cpu, indexes);
  }
  const char* names[] = {"submissions", "patients", "procedures", "implants",
                         "outcomes",    "indexes",  "commit"};
  for (size_t n = 0; n < cpu.size(); ++n) {
    if (n == tables.size() && !then_index) continue;
    state.counters[std::string(names[n]) + "_cpu_s"] =
        benchmark::Counter(cpu[n] / double(state.iterations()));
  }
  state.SetItemsProcessed(state.iterations() * int64_t(tables[2].rows.size()));
  state.counters["rows"] =
      benchmark::Counter(double(tables[1].rows.size() + tables[2].rows.size() +
                                tables[3].rows.size() + tables[4].rows.size()));
}

void BM_PlainInsertSameRows(benchmark::State& state) {
  PlainInsertSameRows(state, std::getenv("ORP_BENCH_ALTER_SQL"));
}
void BM_PlainInsertSameRowsThenIndex(benchmark::State& state) {
  PlainInsertSameRows(state, nullptr, nullptr, true);
}

// The `name=value` lines of environment variable `variable`.
std::vector<std::pair<std::string, std::string>> NamedLines(const char* variable) {
  std::vector<std::pair<std::string, std::string>> variants;
  const char* list = std::getenv(variable);
  if (list == nullptr) return variants;
  std::string_view rest(list);
  while (!rest.empty()) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    variants.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return variants;
}

// One BM_PlainInsertSameRows:name per line `name=SQL` of ORP_BENCH_ALTER_VARIANTS, and per line
// `name=table.column,...` of ORP_BENCH_CODE_VARIANTS (those columns integer-coded: CodedRows).
void RegisterAlterVariants() {
  static const auto alters = NamedLines("ORP_BENCH_ALTER_VARIANTS");
  static const auto codes = NamedLines("ORP_BENCH_CODE_VARIANTS");
  for (const auto& [name, sql] : alters) {
    const char* alter_sql = sql.c_str();
    benchmark::RegisterBenchmark(
        ("BM_PlainInsertSameRows:" + name).c_str(),
        [alter_sql](benchmark::State& state) { PlainInsertSameRows(state, alter_sql); })
        ->Arg(100000)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  for (const auto& [name, spec] : codes) {
    const char* code_spec = spec.c_str();
    benchmark::RegisterBenchmark(
        ("BM_PlainInsertSameRows:" + name).c_str(),
        [code_spec](benchmark::State& state) { PlainInsertSameRows(state, nullptr, code_spec); })
        ->Arg(100000)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

void BM_IngestEndToEnd(benchmark::State& state) { Run(state, false); }
void BM_ValidateOnly(benchmark::State& state) { Run(state, true); }
void BM_IngestEndToEndPostgres(benchmark::State& state) { Run(state, false, true); }
// The fixture as one file; range(1): 0 every index kept while writing, 1 a bulk load of the
// indexes ingest does not read, 2 of those it reads too (ADR 0010).
void BM_IngestOneFile(benchmark::State& state) {
  Run(state, false, false,
      {true, state.range(1) != 0 ? ingest::BulkLoad::kAlways : ingest::BulkLoad::kNever,
       state.range(1) == 2});
}

// ORP_BENCH_LARGE=N (e.g. 1000000): BM_IngestOneFile/N/2 and BM_PlainInsertSameRows/N too, issue
// #4's large-file figure and its same-rows baseline in one run (the N-procedure fixture is
// synthesised and ingested once for the baseline's rows, ~3 GB of memory at 1M).
void RegisterLarge() {
  const char* large = std::getenv("ORP_BENCH_LARGE");
  if (large == nullptr) return;
  const int64_t procedures = std::atoll(large);
  if (procedures <= 0) return;
  benchmark::RegisterBenchmark("BM_IngestOneFile", BM_IngestOneFile)
      ->ArgNames({"procedures", "bulk"})
      ->Args({procedures, 2})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MeasureProcessCPUTime();
  benchmark::RegisterBenchmark("BM_PlainInsertSameRows", BM_PlainInsertSameRows)
      ->Arg(procedures)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_PlainInsertSameRowsThenIndex", BM_PlainInsertSameRowsThenIndex)
      ->Arg(procedures)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

// CPU time is the whole process's: ingest reads and validates on a second thread.
BENCHMARK(BM_IngestEndToEnd)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_IngestOneFile)
    ->ArgNames({"procedures", "bulk"})
    ->Args({100000, 0})
    ->Args({100000, 1})
    ->Args({100000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_PlainInsertSameRows)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PlainInsertSameRowsThenIndex)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_ValidateOnly)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_IngestEndToEndPostgres)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  RegisterAlterVariants();
  RegisterLarge();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(BenchDir());
  return 0;
}
