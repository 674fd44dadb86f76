// Survival by device model straight from the store (docs/performance.md, "## Survival"): a
// SQLite registry database built by bench/analytics_survival_bench.sh (orp synth + orp ingest of
// 1M BCIR procedures), named by ORP_SURVIVAL_DB.
//
//   BM_CohortBuild               stream every primary and patient into a Cohort
//   BM_SurvivalByModel           Kaplan–Meier by model on a built cohort (grouping + estimate)
//   BM_SurvivalByGroupFromStore  the whole analytics::SurvivalByGroup call (what one
//                                `orp survival --db` or an uncached API request does)
//   BM_RefreshAfter1000          commit 1,000 procedures (900 new primaries, 100 revisions of
//                                existing implants; untimed), then Cohort::Refresh and the same
//                                analysis (timed). The database grows by 1,000 per iteration.
// Figures are CPU time of the calling thread: SQLite reads run on it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "orp/analytics/cohort.h"
#include "orp/analytics/survival.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace {

using namespace orp;

constexpr const char* kRegistry = "BCIR";

storage::Store& Db() {
  static std::unique_ptr<storage::Store> store = [] {
    const char* path = std::getenv("ORP_SURVIVAL_DB");
    if (path == nullptr) {
      std::fprintf(stderr, "set ORP_SURVIVAL_DB to a registry database\n");
      std::exit(2);
    }
    auto opened = storage::sqlite::OpenStore(path);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
      std::exit(2);
    }
    return std::move(*opened);
  }();
  return *store;
}

analytics::SurvivalQuery Query() {
  analytics::SurvivalQuery q;
  q.registry = kRegistry;
  q.by = "model";
  q.times_years = {1, 3, 5, 10};
  return q;
}

analytics::Cohort BuildOrDie() {
  auto cohort = analytics::Cohort::Build(Db(), {kRegistry, domain::AnalysisUnit::kImplant});
  if (!cohort) std::abort();
  return std::move(*cohort);
}

void BM_CohortBuild(benchmark::State& state) {
  size_t rows = 0;
  for (auto _ : state) rows = BuildOrDie().live_rows();
  state.counters["units"] = static_cast<double>(rows);
}
BENCHMARK(BM_CohortBuild)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_SurvivalByModel(benchmark::State& state) {
  const analytics::Cohort cohort = BuildOrDie();
  size_t groups = 0;
  for (auto _ : state) {
    auto report = analytics::AnalyseSurvival(Db(), cohort, Query());
    if (!report) std::abort();
    groups = report->groups.size();
  }
  state.counters["groups"] = static_cast<double>(groups);
  state.counters["units"] = static_cast<double>(cohort.live_rows());
}
BENCHMARK(BM_SurvivalByModel)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SurvivalByGroupFromStore(benchmark::State& state) {
  for (auto _ : state) {
    if (!analytics::SurvivalByGroup(Db(), Query())) std::abort();
  }
}
BENCHMARK(BM_SurvivalByGroupFromStore)->Unit(benchmark::kMillisecond)->Iterations(1);

// A primary already stored whose first implant is still in situ, at or after id `from`.
std::optional<domain::Procedure> InSituPrimary(int64_t& from) {
  for (;; ++from) {
    auto p = Db().FindProcedureById(domain::ProcedureId{from});
    if (!p || !*p) return std::nullopt;
    const domain::Procedure& proc = **p;
    if (proc.type == domain::ProcedureType::kPrimary && !proc.implants.empty() &&
        proc.implants[0].in_situ && proc.implants[0].gtin) {
      return proc;
    }
  }
}

// 900 new primaries (new patients, a device of a stored primary) and 100 revisions.
void Submit1000(int round) {
  static int64_t next_existing = 1;
  auto start = Db().BeginSubmission(
      {"bench-refresh-" + std::to_string(round) + "-" + std::to_string(std::rand()),
       "bench",
       kRegistry,
       {}});
  if (!start || !start->transaction) std::abort();
  storage::Transaction& txn = *start->transaction;
  for (int i = 0; i < 100; ++i) {
    next_existing += 997;  // spread over the registry
    auto primary = InSituPrimary(next_existing);
    if (!primary) std::abort();
    domain::Procedure revision = *primary;
    revision.id = {};
    revision.procedure_ref = "BENCH-R" + std::to_string(round) + "-" + std::to_string(i);
    revision.type = domain::ProcedureType::kRevision;
    revision.date = primary->date + std::chrono::days(400);
    revision.implants.resize(1);
    revision.implants[0].id = {};
    revision.implants[0].serial += "-new";
    if (!txn.PutProcedure(revision)) std::abort();
    const domain::ImplantId removed[] = {primary->implants[0].id};
    if (!txn.MarkImplantsRemoved(removed, revision.id, revision.date)) std::abort();
    for (int j = 0; j < 9; ++j) {
      domain::Patient patient;
      domain::Pseudonym pseudonym;
      const uint64_t seed = (static_cast<uint64_t>(round) << 20) | (i * 9 + j);
      for (size_t b = 0; b < 8; ++b) pseudonym.bytes[b] = static_cast<uint8_t>(seed >> (8 * b));
      pseudonym.bytes[31] = 0xBE;
      patient.pseudonym = pseudonym;
      auto id = txn.PutPatient(patient);
      if (!id) std::abort();
      domain::Procedure fresh = *primary;
      fresh.id = {};
      fresh.patient = *id;
      fresh.procedure_ref = revision.procedure_ref + "-P" + std::to_string(j);
      fresh.date = primary->date + std::chrono::days(500);
      for (domain::Implant& implant : fresh.implants) {
        implant.id = {};
        implant.in_situ = true;
        implant.removed_by.reset();
        implant.removed_on.reset();
        implant.serial += "-" + fresh.procedure_ref;
      }
      if (!txn.PutProcedure(fresh)) std::abort();
    }
  }
  if (!txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1000, 1000, 0, "{}"}) ||
      !txn.Commit()) {
    std::abort();
  }
}

void BM_RefreshAfter1000(benchmark::State& state) {
  analytics::Cohort cohort = BuildOrDie();
  int round = 0;
  analytics::RefreshStats stats;
  for (auto _ : state) {
    state.PauseTiming();
    Submit1000(++round);
    state.ResumeTiming();
    auto refreshed = cohort.Refresh(Db());
    if (!refreshed) std::abort();
    stats = *refreshed;
    if (!analytics::AnalyseSurvival(Db(), cohort, Query())) std::abort();
  }
  state.counters["procedures_streamed"] = static_cast<double>(stats.procedures_streamed);
  state.counters["patients_streamed"] = static_cast<double>(stats.patients_streamed);
  state.counters["rows_added"] = static_cast<double>(stats.rows_added);
  state.counters["rows_rewritten"] = static_cast<double>(stats.rows_rewritten);
}
BENCHMARK(BM_RefreshAfter1000)->Unit(benchmark::kMillisecond)->Iterations(3);

// The refresh alone, without the analysis, for the same change.
void BM_RefreshOnlyAfter1000(benchmark::State& state) {
  analytics::Cohort cohort = BuildOrDie();
  int round = 100;
  for (auto _ : state) {
    state.PauseTiming();
    Submit1000(++round);
    state.ResumeTiming();
    if (!cohort.Refresh(Db())) std::abort();
  }
}
BENCHMARK(BM_RefreshOnlyAfter1000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
