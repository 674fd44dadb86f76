// The SQLite store's write rates, the baseline the ingest issue compares against
// (docs/performance.md, "## SQLite store"):
//
//   BM_PlainInsert          procedures + implants inserted with plain prepared statements into
//                           the real schema and indexes, one transaction (the baseline)
//   BM_StorePutProcedure    the same rows through storage::Store (BeginSubmission, PutProcedure,
//                           FinishSubmission, Commit): what ingest pays for the interface
//   BM_SmallSubmissions     one-procedure submissions, each its own durable commit, with
//                           synchronous=FULL (arg 0) or NORMAL (arg 1)
//
// Each procedure has 1 or 2 implants alternately (1.5 on average, as MDOR expects). Databases
// are files in $ORP_BENCH_DIR (default /var/tmp), removed afterwards.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "baseline_pragmas.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace {

using namespace orp;
using namespace orp::storage;

std::string BenchPath() {
  static int counter = 0;
  const char* dir = std::getenv("ORP_BENCH_DIR");
  std::filesystem::path base = dir ? dir : "/var/tmp";
  return (base /
          ("orp-bench-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".db"))
      .string();
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

domain::Gtin GtinOf(int n) {
  std::string payload = "0501234" + std::to_string(100000 + n % 400);
  return *domain::Gtin::Parse(payload + std::to_string(domain::Gtin::CheckDigit(payload)));
}

Date kDay = Date(std::chrono::days(19800));

// Creates the schema and `patients` patients; returns the store.
std::unique_ptr<Store> NewStore(const std::string& path, int patients,
                                sqlite::Synchronous sync = sqlite::Synchronous::kFull) {
  // ORP_BENCH_PAGE_SIZE: the page size ingest_bench is compared at (bench/ingest_bench.sh).
  const char* page_size = std::getenv("ORP_BENCH_PAGE_SIZE");
  auto store = sqlite::OpenStore(
      path, {.synchronous = sync, .page_size = page_size ? std::atoi(page_size) : 0});
  if (!store) std::abort();
  auto txn = (*store)->Begin();
  for (int i = 0; i < patients; ++i) {
    domain::Patient p;
    domain::Pseudonym pseudonym;
    std::memcpy(pseudonym.bytes.data(), &i, sizeof i);
    p.pseudonym = pseudonym;
    p.sex = domain::Sex::kMale;
    p.postcode = *domain::Postcode::Parse("LS1 4AP");
    if (!(*txn)->PutPatient(p)) std::abort();
  }
  if (!(*txn)->Commit()) std::abort();
  return std::move(*store);
}

domain::Procedure MakeProcedure(int i, int patients) {
  domain::Procedure p;
  p.registry = "MDOR";
  p.procedure_ref = "P" + std::to_string(i);
  p.provider_site = *domain::OdsSiteCode::Parse("RRK02");
  p.clinician = *domain::GmcNumber::Parse("1234567");
  p.patient.value = 1 + i % patients;
  p.date = kDay;
  p.opcs_codes = {*domain::Opcs4Code::Parse("W37.1"), *domain::Opcs4Code::Parse("Y53.1")};
  p.laterality = i % 2 ? domain::Laterality::kLeft : domain::Laterality::kRight;
  p.body_site = "hip";
  p.asa_grade = 2;
  p.bmi = 27.5;
  p.fields = {{"approach", "posterior"}};
  for (int k = 0; k < 1 + i % 2; ++k) {
    domain::Implant m;
    m.gtin = GtinOf(i + k);
    m.lot = "LOT" + std::to_string(i % 1000);
    m.serial = p.procedure_ref + "-" + std::to_string(k);
    m.expiry = kDay + std::chrono::days(900);
    p.implants.push_back(m);
  }
  return p;
}

void Check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
}

// The baseline: the statements a hand-written loader would run, nothing else.
void PlainInsert(const std::string& path, int n, int patients) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db);
  Check(sqlite3_exec(db, orp::bench::kBaselinePragmas, nullptr, nullptr, nullptr), db);
  sqlite3_stmt* proc = nullptr;
  sqlite3_stmt* implant = nullptr;
  Check(sqlite3_prepare_v2(db,
                           "INSERT INTO procedures (registry, procedure_ref, provider_site, "
                           "clinician_gmc, patient, date, type, opcs_codes, snomed_code, "
                           "laterality, body_site, indication, asa_grade, bmi, fields, "
                           "submission, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'primary', ?7, "
                           "'', ?8, ?9, '', ?10, ?11, ?12, NULL, 1)",
                           -1, &proc, nullptr),
        db);
  Check(sqlite3_prepare_v2(db,
                           "INSERT INTO implants (patient, procedure, gtin, lot, serial, expiry, "
                           "raw_scan, action, laterality, in_situ) VALUES (?1, ?2, ?3, ?4, ?5, "
                           "?6, '', 'implanted', ?7, 1)",
                           -1, &implant, nullptr),
        db);
  for (int i = 0; i < n; ++i) {
    domain::Procedure p = MakeProcedure(i, patients);
    auto text = [](sqlite3_stmt* s, int k, const std::string& v) {
      sqlite3_bind_text(s, k, v.data(), int(v.size()), SQLITE_TRANSIENT);
    };
    text(proc, 1, p.registry);
    text(proc, 2, p.procedure_ref);
    text(proc, 3, p.provider_site->code());
    text(proc, 4, p.clinician->number());
    sqlite3_bind_int64(proc, 5, p.patient.value);
    sqlite3_bind_int64(proc, 6, p.date.time_since_epoch().count());
    text(proc, 7, p.opcs_codes[0].code() + ";" + p.opcs_codes[1].code());
    text(proc, 8, std::string(domain::LateralityCode(*p.laterality)));
    text(proc, 9, p.body_site);
    sqlite3_bind_int(proc, 10, *p.asa_grade);
    sqlite3_bind_double(proc, 11, *p.bmi);
    text(proc, 12, "{\"approach\":\"posterior\"}");
    Check(sqlite3_step(proc), db);
    sqlite3_reset(proc);
    int64_t id = sqlite3_last_insert_rowid(db);
    for (const domain::Implant& m : p.implants) {
      sqlite3_bind_int64(implant, 1, p.patient.value);
      sqlite3_bind_int64(implant, 2, id);
      text(implant, 3, m.gtin->digits());
      text(implant, 4, m.lot);
      text(implant, 5, m.serial);
      sqlite3_bind_int64(implant, 6, m.expiry->time_since_epoch().count());
      text(implant, 7, std::string(domain::LateralityCode(*p.laterality)));
      Check(sqlite3_step(implant), db);
      sqlite3_reset(implant);
    }
  }
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
  sqlite3_finalize(proc);
  sqlite3_finalize(implant);
  sqlite3_close(db);
}

void BM_PlainInsert(benchmark::State& state) {
  const int n = int(state.range(0));
  const int patients = n / 2 + 1;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = BenchPath();
    NewStore(path, patients).reset();
    state.ResumeTiming();
    PlainInsert(path, n, patients);
    state.PauseTiming();
    RemoveDb(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["procedures/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PlainInsert)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StorePutProcedure(benchmark::State& state) {
  const int n = int(state.range(0));
  const int patients = n / 2 + 1;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = BenchPath();
    auto store = NewStore(path, patients);
    state.ResumeTiming();
    auto start = store->BeginSubmission({"bench", "RRK", "MDOR", {}});
    Transaction& txn = *start->transaction;
    for (int i = 0; i < n; ++i) {
      domain::Procedure p = MakeProcedure(i, patients);
      if (!txn.PutProcedure(p)) std::abort();
    }
    if (!txn.FinishSubmission({}) || !txn.Commit()) std::abort();
    state.PauseTiming();
    start->transaction.reset();
    store.reset();
    RemoveDb(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["procedures/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StorePutProcedure)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SmallSubmissions(benchmark::State& state) {
  auto sync = state.range(0) == 0 ? sqlite::Synchronous::kFull : sqlite::Synchronous::kNormal;
  std::string path = BenchPath();
  auto store = NewStore(path, 100, sync);
  int i = 0;
  for (auto _ : state) {
    auto start = store->BeginSubmission({"k" + std::to_string(i), "RRK", "MDOR", {}});
    domain::Procedure p = MakeProcedure(i++, 100);
    if (!start->transaction->PutProcedure(p) || !start->transaction->FinishSubmission({}) ||
        !start->transaction->Commit()) {
      std::abort();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "synchronous=FULL" : "synchronous=NORMAL");
  store.reset();
  RemoveDb(path);
}
BENCHMARK(BM_SmallSubmissions)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
