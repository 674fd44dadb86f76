// Recall figures (docs/performance.md, "## Recall"): the affected cohort of one lot, and a whole
// device model streamed as CSV, over a registry of ORP_RECALL_IMPLANTS implants (default 10M).
//
//   BM_LotCohort    one random lot (250 implants) through recall::ForEachAffected and the
//                   per-provider counts, as `orp recall preview` runs it; p50/p99 of wall and of
//                   thread CPU time per query as counters
//   BM_ModelCsv     one whole model (ORP_RECALL_IMPLANTS / 100 implants) as CSV rows into a
//                   buffer flushed to /dev/null every 64 KiB
//
// The registry is written once, directly with SQL into a store opened (and so migrated) by
// storage::sqlite::OpenStore, at $ORP_RECALL_DB (default /var/tmp/orp-recall-<N>.db), and kept
// for later runs (ORP_RECALL_MMAP_MIB maps that much of the file for reads; ORP_RECALL_WARMUP
// runs that many untimed lot queries first, as a long-running server would have): 100 models;
// implant k of a model is in lot k/250 with serial S<k>; one implant per procedure; 2.5 procedures
// per patient on average, scattered; 200 sites of 100 trusts.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "orp/core/csv.h"
#include "orp/recall/cohort.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace {

using namespace orp;

constexpr int kModels = 100;
constexpr int kLotSize = 250;

int64_t Implants() {
  const char* n = std::getenv("ORP_RECALL_IMPLANTS");
  return n ? std::atoll(n) : 10'000'000;
}

std::string DbPath() {
  const char* p = std::getenv("ORP_RECALL_DB");
  return p ? p : "/var/tmp/orp-recall-" + std::to_string(Implants()) + ".db";
}

std::string Gtin(int model) {
  std::string payload = "0950600" + std::to_string(100000 + model);
  return payload + std::to_string(domain::Gtin::CheckDigit(payload));
}

std::string Site(int64_t n) {  // 200 sites: trust T = n % 100, site n / 100
  char code[8];
  std::snprintf(code, sizeof code, "R%02d%02d", static_cast<int>(n % 100),
                static_cast<int>(n % 200 / 100));
  return code;
}

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "recall_bench: %s\n", error);
    std::abort();
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) std::abort();
  return stmt;
}

void Step(sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) std::abort();
  sqlite3_reset(stmt);
}

std::string Trust(int t) {
  char code[4];
  std::snprintf(code, sizeof code, "R%02d", t % 100);
  return code;
}

void WriteSites(sqlite3* db) {
  for (int t = 0; t < 100; ++t) {
    Exec(db, ("INSERT INTO organisations VALUES ('" + Trust(t) + "', 'Trust')").c_str());
  }
  sqlite3_stmt* site = Prepare(db, "INSERT INTO sites VALUES (?1, ?2, 'Site', '')");
  for (int s = 0; s < 200; ++s) {
    sqlite3_bind_text(site, 1, Site(s).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(site, 2, Trust(s % 100).c_str(), -1, SQLITE_TRANSIENT);
    Step(site);
  }
  sqlite3_finalize(site);
}

void WritePatients(sqlite3* db, int64_t patients) {
  sqlite3_stmt* p = Prepare(db,
                            "INSERT INTO patients (id, pseudonym, nhs_cipher, sex, postcode, "
                            "date_of_death) VALUES (?1, ?2, ?3, 'F', '', ?4)");
  unsigned char bytes[45] = {};
  for (int64_t id = 1; id <= patients; ++id) {
    std::memcpy(bytes, &id, sizeof id);
    sqlite3_bind_int64(p, 1, id);
    sqlite3_bind_blob(p, 2, bytes, 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(p, 3, bytes, 45, SQLITE_TRANSIENT);
    if (id % 10 == 0)
      sqlite3_bind_int64(p, 4, 20000 + id % 1000);
    else
      sqlite3_bind_null(p, 4);
    Step(p);
  }
  sqlite3_finalize(p);
}

void WriteImplants(sqlite3* db, int64_t implants, int64_t patients) {
  sqlite3_stmt* proc = Prepare(
      db,
      "INSERT INTO procedures (id, registry, procedure_ref, provider_site, clinician_gmc, "
      "patient, date, type, opcs_codes, snomed_code, laterality, body_site, indication, fields, "
      "version) VALUES (?1, 'MDOR', ?2, ?3, '1234567', ?4, ?5, 'primary', 'W37.1', '', 'L', "
      "'hip', '', '{}', 1)");
  sqlite3_stmt* imp = Prepare(
      db,
      "INSERT INTO implants (id, procedure, patient, gtin, lot, serial, expiry, raw_scan, action, "
      "laterality, in_situ) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, '', 'implanted', 'L', ?7)");
  std::vector<std::string> gtins;
  for (int m = 0; m < kModels; ++m) gtins.push_back(Gtin(m));
  for (int64_t i = 0; i < implants; ++i) {
    const int model = static_cast<int>(i % kModels);
    const int64_t k = i / kModels;
    const int64_t patient = 1 + (i * 2654435761LL) % patients;
    std::string ref = "P" + std::to_string(i);
    std::string lot = "L" + std::to_string(model) + "-" + std::to_string(k / kLotSize);
    std::string serial = "S" + std::to_string(k);
    sqlite3_bind_int64(proc, 1, i + 1);
    sqlite3_bind_text(proc, 2, ref.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(proc, 3, Site(i * 7919).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(proc, 4, patient);
    sqlite3_bind_int64(proc, 5, 16000 + i % 4000);
    Step(proc);
    sqlite3_bind_int64(imp, 1, i + 1);
    sqlite3_bind_int64(imp, 2, patient);
    sqlite3_bind_text(imp, 3, gtins[model].c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(imp, 4, lot.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(imp, 5, serial.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(imp, 6, 20000 + k / kLotSize);
    sqlite3_bind_int(imp, 7, i % 20 == 0 ? 0 : 1);
    Step(imp);
    if (i % 1'000'000 == 999'999) {
      Exec(db, "COMMIT; BEGIN");
      std::fprintf(stderr, "recall_bench: %lld implants written\n", static_cast<long long>(i + 1));
    }
  }
  sqlite3_finalize(proc);
  sqlite3_finalize(imp);
}

// Builds the registry when the file does not hold it yet.
void EnsureRegistry() {
  const std::string path = DbPath();
  if (std::filesystem::exists(path)) return;
  {
    auto store = storage::sqlite::OpenStore(path);
    if (!store) std::abort();
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  Exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-2000000; BEGIN");
  // Secondary indexes are dropped for the load and built again after it: sorting once is far
  // cheaper than 20M random B-tree inserts. The migrations' own SQL recreates them.
  std::vector<std::string> indexes;
  sqlite3_stmt* list =
      Prepare(db,
              "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
              "tbl_name IN ('patients', 'procedures', 'implants')");
  std::vector<std::string> names;
  while (sqlite3_step(list) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
    indexes.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 1)));
  }
  sqlite3_finalize(list);
  for (const auto& name : names) Exec(db, ("DROP INDEX " + name).c_str());
  const int64_t implants = Implants();
  WriteSites(db);
  WritePatients(db, implants * 2 / 5);
  WriteImplants(db, implants, implants * 2 / 5);
  for (const auto& sql : indexes) Exec(db, sql.c_str());
  Exec(db, "COMMIT; ANALYZE");
  sqlite3_close(db);
}

storage::Store& OpenRegistry() {
  static std::unique_ptr<storage::Store> store = [] {
    EnsureRegistry();
    storage::sqlite::ConnectionOptions options;
    const char* mmap = std::getenv("ORP_RECALL_MMAP_MIB");
    options.mmap_mib = mmap ? std::atoll(mmap) : 0;
    auto s = storage::sqlite::OpenStore(DbPath(), options);
    if (!s) std::abort();
    return std::move(*s);
  }();
  return *store;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

void BM_LotCohort(benchmark::State& state) {
  storage::Store& store = OpenRegistry();
  const int64_t lots_per_model = Implants() / kModels / kLotSize;
  std::mt19937_64 random(42);
  std::vector<double> wall, cpu;
  int64_t implants = 0;
  // Untimed queries first (ORP_RECALL_WARMUP lots): a long-running server has read its pages.
  const char* warmup = std::getenv("ORP_RECALL_WARMUP");
  for (int64_t n = warmup ? std::atoll(warmup) : 0; n > 0; --n) {
    const int model = static_cast<int>(random() % kModels);
    recall::Criteria c;
    c.device_ids = {Gtin(model)};
    c.lots = {"L" + std::to_string(model) + "-" + std::to_string(random() % lots_per_model)};
    (void)recall::ForEachAffected(store, c, c.device_ids, 0, [](const auto&) { return true; });
  }
  for (auto _ : state) {
    const int model = static_cast<int>(random() % kModels);
    recall::Criteria c;
    c.device_ids = {Gtin(model)};
    c.lots = {"L" + std::to_string(model) + "-" + std::to_string(random() % lots_per_model)};
    auto t0 = std::chrono::steady_clock::now();
    double c0 = ThreadCpuSeconds();
    recall::CohortSummary summary;
    auto done = recall::ForEachAffected(store, c, c.device_ids, 0, [&](const auto& a) {
      summary.Add(a);
      return true;
    });
    if (!done) state.SkipWithError(done.error().message().c_str());
    cpu.push_back((ThreadCpuSeconds() - c0) * 1e3);
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    implants += summary.overall().implants;
  }
  state.counters["implants_per_lot"] = static_cast<double>(implants) / state.iterations();
  state.counters["wall_p50_ms"] = Percentile(wall, 0.5);
  state.counters["wall_p99_ms"] = Percentile(wall, 0.99);
  state.counters["cpu_p50_ms"] = Percentile(cpu, 0.5);
  state.counters["cpu_p99_ms"] = Percentile(cpu, 0.99);
}
BENCHMARK(BM_LotCohort)->Iterations(2000)->Unit(benchmark::kMillisecond);

void BM_ModelCsv(benchmark::State& state) {
  storage::Store& store = OpenRegistry();
  std::FILE* sink = std::fopen("/dev/null", "w");
  int64_t rows = 0;
  int model = 0;
  for (auto _ : state) {
    recall::Criteria c;
    c.device_ids = {Gtin(model++ % kModels)};
    std::string out;
    auto done = recall::ForEachAffected(store, c, c.device_ids, 0, [&](const auto& a) {
      const storage::RecallImplantRow& r = a.row;
      AppendCsvRow(
          out, {std::to_string(r.implant.value), r.device_id, r.lot, r.serial,
                r.expiry ? FormatIsoDate(*r.expiry) : "", r.in_situ ? "yes" : "no", r.registry,
                r.procedure_ref, FormatIsoDate(r.implanted_on), r.implanting_site, a.patient_ref,
                r.date_of_death ? FormatIsoDate(*r.date_of_death) : "", a.provider, r.latest_site,
                FormatIsoDate(r.latest_procedure_on)});
      if (out.size() >= (1 << 16)) {
        std::fwrite(out.data(), 1, out.size(), sink);
        out.clear();
      }
      ++rows;
      return true;
    });
    if (!done) state.SkipWithError(done.error().message().c_str());
    std::fwrite(out.data(), 1, out.size(), sink);
  }
  std::fclose(sink);
  state.counters["rows_per_model"] = static_cast<double>(rows) / state.iterations();
}
BENCHMARK(BM_ModelCsv)->Iterations(5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
