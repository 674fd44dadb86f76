#include "orp/surveillance/run.h"

#include <time.h>

#include <algorithm>
#include <future>
#include <optional>

#include "orp/surveillance/resident.h"

namespace orp::surveillance {
namespace {

using Phases = std::vector<std::pair<std::string, double>>;

// This thread's CPU time in milliseconds (a phase's cost, whatever else the machine runs).
double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Runs `f`, adding its thread CPU time to `phases` (when given) as `name`.
template <typename F>
auto Timed(Phases* phases, std::string name, F&& f) {
  const double start = ThreadCpuMs();
  auto result = f();
  if (phases != nullptr) phases->emplace_back(std::move(name), ThreadCpuMs() - start);
  return result;
}

}  // namespace

Result<std::vector<storage::Signal>> EvaluateCohort(const Cohort& cohort,
                                                    const MethodOptions& options,
                                                    std::vector<std::string>* notes, Phases* phases,
                                                    const Increment* increment) {
  // The funnels (four risk-model fits per registry) and maxSPRT on a second thread, NJR/AOANJRR
  // and the CUSUMs on this one: the methods are pure functions of the cohort, and the two halves
  // cost about the same (thread CPU at 5M: 1.1 + 0.4 s against 0.3 + 1.55 s). Signals and notes
  // are joined in a fixed order (NJR/AOANJRR, maxSPRT, funnels, CUSUM), and the first error in
  // that order is the one returned, so the result does not depend on timing.
  std::vector<std::string> funnel_notes;
  Phases second_phases;
  Result<std::vector<storage::Signal>> sprt = std::vector<storage::Signal>{};
  auto funnels = std::async(std::launch::async, [&] {
    auto signals = Timed(&second_phases, "funnels",
                         [&] { return FunnelSignals(cohort, options, &funnel_notes, increment); });
    sprt = Timed(&second_phases, "maxsprt", [&] {
      return MaxSprtSignals(cohort, options, increment ? increment->units : nullptr);
    });
    return signals;
  });
  std::vector<storage::Signal> all;
  std::vector<std::string> cusum_notes;
  auto take = [&](Result<std::vector<storage::Signal>>&& signals) -> Result<void> {
    if (!signals) return std::unexpected(signals.error());
    for (storage::Signal& s : *signals) all.push_back(std::move(s));
    return {};
  };
  Result<void> devices =
      take(Timed(phases, "njr_aoanjrr", [&] { return DeviceModelSignals(cohort, options); }));
  Result<std::vector<storage::Signal>> cusums =
      devices ? Timed(phases, "cusum",
                      [&] { return CusumSignals(cohort, options, &cusum_notes, increment); })
              : std::vector<storage::Signal>{};
  Result<std::vector<storage::Signal>> funnel_signals = funnels.get();
  if (phases != nullptr) phases->insert(phases->end(), second_phases.begin(), second_phases.end());
  ORP_RETURN_IF_ERROR(devices);
  ORP_RETURN_IF_ERROR(take(std::move(sprt)));
  ORP_RETURN_IF_ERROR(take(std::move(funnel_signals)));
  ORP_RETURN_IF_ERROR(take(std::move(cusums)));
  if (notes != nullptr) {
    notes->insert(notes->end(), funnel_notes.begin(), funnel_notes.end());
    notes->insert(notes->end(), cusum_notes.begin(), cusum_notes.end());
  }
  return all;
}

Result<void> KeepModels(const Cohort& cohort, const MethodOptions& options, KeptModels& kept) {
  const std::set<UnitKey> none;  // fit and keep, draw no chart
  const Increment fit{&none, &kept, true};
  auto signals = CusumSignals(cohort, options, nullptr, &fit);
  if (!signals) return std::unexpected(signals.error());
  auto funnels = FunnelSignals(cohort, options, nullptr, &fit);
  if (!funnels) return std::unexpected(funnels.error());
  return {};
}

namespace {

// The run's cohort: built here (kept in `owned`), or the resident one's.
Result<const Cohort*> CohortOf(storage::Store& store, const RunOptions& options,
                               ResidentCohort* resident, std::optional<Cohort>& owned,
                               Phases* phases) {
  if (resident == nullptr) {
    auto built = Timed(phases, "read", [&] { return BuildCohort(store, options.data_cut); });
    if (!built) return std::unexpected(built.error());
    owned = std::move(*built);
    return &*owned;
  }
  const bool patch =
      resident->loaded() && resident->data_cut() == options.data_cut && options.since_change > 0;
  Result<int64_t> patched = Timed(phases, "refresh", [&] {
    return patch ? resident->Refresh(store, options.since_change)
                 : Result<int64_t>(FailedPrecondition("load"));
  });
  if (!patched) {
    ORP_RETURN_IF_ERROR(
        Timed(phases, "load", [&] { return resident->Load(store, options.data_cut); }));
  }
  return Timed(phases, "build", [&] { return resident->Build(store); });
}

}  // namespace

Result<RunSummary> RunSurveillance(storage::Store& store, const RunOptions& options,
                                   ResidentCohort* resident) {
  RunSummary summary;
  auto seq = store.LastChange();  // before reading: a change landing meanwhile is seen again
  if (!seq) return std::unexpected(seq.error());
  summary.change_seq = *seq;
  std::optional<Cohort> owned;
  Phases* phases = &summary.phase_cpu_ms;
  auto cohort = CohortOf(store, options, resident, owned, phases);
  if (!cohort) return std::unexpected(cohort.error());
  const Cohort& whole = **cohort;
  // An incremental run evaluates the registries its changes touched (RegistriesOf: the same
  // signals for their units) and writes the signals of the touched units.
  std::optional<std::set<UnitKey>> affected;
  std::optional<Cohort> touched;
  if (options.since_change > 0) {
    auto units = Timed(phases, "affected_units",
                       [&] { return AffectedUnits(store, options.since_change, whole); });
    if (!units) return std::unexpected(units.error());
    affected = std::move(*units);
    std::vector<bool> keep(whole.registries.size(), false);
    for (const auto& [registry, kind, unit] : *affected) {
      const std::vector<std::string>& names = whole.registries;
      const auto at = std::find(names.begin(), names.end(), registry);
      if (at != names.end()) keep[static_cast<size_t>(at - names.begin())] = true;
    }
    // When every row's registry is touched (a one-registry store), the whole cohort is the
    // evaluated one: no copy.
    const bool all = std::all_of(whole.registry.begin(), whole.registry.end(), [&](int32_t r) {
      return static_cast<size_t>(r) < keep.size() && keep[static_cast<size_t>(r)];
    });
    if (!all) touched = Timed(phases, "registries_of", [&] { return RegistriesOf(whole, keep); });
  }
  const Cohort& evaluated = touched ? *touched : whole;
  // With a resident cohort, a full run fits and keeps the risk models, an incremental one uses
  // the kept ones (KeptModels; emptied when the resident was loaded again, so fitted then).
  Increment increment;
  if (affected) increment.units = &*affected;
  if (resident != nullptr) {
    increment.kept = &resident->models();
    increment.kept->change_seq = summary.change_seq;
    increment.refit = options.since_change <= 0;
  }
  // The ratings on a thread of their own beside the methods' two (a pure function of the
  // cohort; 0.3 s at 5M, which ran after them), joined after them so the order is fixed.
  Phases rating_phases;
  std::future<Result<BenchmarkResult>> ratings;
  if (!options.benchmarks.empty()) {
    ratings = std::async(std::launch::async, [&] {
      return Timed(&rating_phases, "benchmarks",
                   [&] { return RateDeviceModels(evaluated, options.benchmarks); });
    });
  }
  auto signals =
      EvaluateCohort(evaluated, options.methods, &summary.model_notes, phases, &increment);
  std::optional<Result<BenchmarkResult>> rated_or;
  if (ratings.valid()) rated_or = ratings.get();  // joined before any return
  phases->insert(phases->end(), rating_phases.begin(), rating_phases.end());
  if (!signals) return std::unexpected(signals.error());
  if (rated_or) {
    Result<BenchmarkResult>& rated = *rated_or;
    if (!rated) return std::unexpected(rated.error());
    for (storage::Signal& s : rated->signals) signals->push_back(std::move(s));
    summary.ratings = std::move(rated->ratings);
  }
  if (affected) {
    summary.affected_units = static_cast<int64_t>(affected->size());
    std::erase_if(*signals, [&](const storage::Signal& s) {
      return !affected->contains({s.registry, s.unit_kind, s.unit});
    });
  }
  summary.primaries = static_cast<int64_t>(whole.size());
  summary.device_models = static_cast<int64_t>(whole.models.size());
  summary.surgeons = static_cast<int64_t>(whole.surgeons.size());
  summary.hospitals = static_cast<int64_t>(whole.hospitals.size());
  ORP_RETURN_IF_ERROR(Timed(phases, "write", [&]() -> Result<void> {
    auto tx = store.Begin();
    if (!tx) return std::unexpected(tx.error());
    for (storage::Signal& s : *signals) {
      auto put = (*tx)->PutSignal(s);
      if (!put) return std::unexpected(put.error());
      s.id = put->id;
      ++(put->created ? summary.signals_new : summary.signals_updated);
    }
    return (*tx)->Commit();
  }));
  summary.signals = std::move(*signals);
  return summary;
}

}  // namespace orp::surveillance
