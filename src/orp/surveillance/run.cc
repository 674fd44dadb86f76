#include "orp/surveillance/run.h"

#include <algorithm>
#include <future>
#include <optional>

#include "orp/surveillance/resident.h"

namespace orp::surveillance {

Result<std::vector<storage::Signal>> EvaluateCohort(const Cohort& cohort,
                                                    const MethodOptions& options,
                                                    std::vector<std::string>* notes) {
  // Two halves of about equal cost (docs/performance.md, "### Session 7: full run"): the funnels
  // (four risk-model fits per registry) and the CUSUMs (a fit and an h per registry) on a second
  // thread, the device-model methods and maxSPRT on this one. The methods are pure functions of
  // the cohort; signals and notes are joined in a fixed order, so the result does not depend on
  // timing.
  std::vector<std::string> funnel_notes, cusum_notes;
  struct UnitHalf {
    Result<std::vector<storage::Signal>> funnels, cusums;
  };
  auto units = std::async(std::launch::async, [&] {
    UnitHalf half{FunnelSignals(cohort, options, &funnel_notes), std::vector<storage::Signal>{}};
    if (half.funnels) half.cusums = CusumSignals(cohort, options, &cusum_notes);
    return half;
  });
  std::vector<storage::Signal> all;
  auto take = [&](Result<std::vector<storage::Signal>> signals) -> Result<void> {
    if (!signals) return std::unexpected(signals.error());
    for (storage::Signal& s : *signals) all.push_back(std::move(s));
    return {};
  };
  Result<void> devices = take(DeviceModelSignals(cohort, options));
  if (devices) devices = take(MaxSprtSignals(cohort, options));
  UnitHalf half = units.get();
  ORP_RETURN_IF_ERROR(devices);
  ORP_RETURN_IF_ERROR(take(std::move(half.funnels)));
  ORP_RETURN_IF_ERROR(take(std::move(half.cusums)));
  if (notes != nullptr) {
    notes->insert(notes->end(), funnel_notes.begin(), funnel_notes.end());
    notes->insert(notes->end(), cusum_notes.begin(), cusum_notes.end());
  }
  return all;
}

namespace {

// The run's cohort: built here (kept in `owned`), or the resident one's.
Result<const Cohort*> CohortOf(storage::Store& store, const RunOptions& options,
                               ResidentCohort* resident, std::optional<Cohort>& owned) {
  if (resident == nullptr) {
    auto built = BuildCohort(store, options.data_cut);
    if (!built) return std::unexpected(built.error());
    owned = std::move(*built);
    return &*owned;
  }
  const bool patch =
      resident->loaded() && resident->data_cut() == options.data_cut && options.since_change > 0;
  Result<int64_t> patched = patch ? resident->Refresh(store, options.since_change)
                                  : Result<int64_t>(FailedPrecondition("load"));
  if (!patched) ORP_RETURN_IF_ERROR(resident->Load(store, options.data_cut));
  return resident->Build(store);
}

}  // namespace

Result<RunSummary> RunSurveillance(storage::Store& store, const RunOptions& options,
                                   ResidentCohort* resident) {
  RunSummary summary;
  auto seq = store.LastChange();  // before reading: a change landing meanwhile is seen again
  if (!seq) return std::unexpected(seq.error());
  summary.change_seq = *seq;
  std::optional<Cohort> owned;
  auto cohort = CohortOf(store, options, resident, owned);
  if (!cohort) return std::unexpected(cohort.error());
  const Cohort& whole = **cohort;
  // An incremental run evaluates the registries its changes touched (RegistriesOf: the same
  // signals for their units) and writes the signals of the touched units.
  std::optional<std::set<UnitKey>> affected;
  std::optional<Cohort> touched;
  if (options.since_change > 0) {
    auto units = AffectedUnits(store, options.since_change, whole);
    if (!units) return std::unexpected(units.error());
    affected = std::move(*units);
    std::vector<bool> keep(whole.registries.size(), false);
    for (const auto& [registry, kind, unit] : *affected) {
      const std::vector<std::string>& names = whole.registries;
      const auto at = std::find(names.begin(), names.end(), registry);
      if (at != names.end()) keep[static_cast<size_t>(at - names.begin())] = true;
    }
    touched = RegistriesOf(whole, keep);
  }
  const Cohort& evaluated = touched ? *touched : whole;
  // The ratings beside the methods (a third thread on two cores: whichever of the method
  // threads finishes first takes it up); their signals still come after the methods'.
  std::future<Result<BenchmarkResult>> ratings;
  if (!options.benchmarks.empty()) {
    ratings = std::async(std::launch::async,
                         [&] { return RateDeviceModels(evaluated, options.benchmarks); });
  }
  auto signals = EvaluateCohort(evaluated, options.methods, &summary.model_notes);
  if (ratings.valid()) ratings.wait();  // before returning: it reads `evaluated`
  if (!signals) return std::unexpected(signals.error());
  if (ratings.valid()) {
    auto rated = ratings.get();
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
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  for (storage::Signal& s : *signals) {
    auto put = (*tx)->PutSignal(s);
    if (!put) return std::unexpected(put.error());
    s.id = put->id;
    ++(put->created ? summary.signals_new : summary.signals_updated);
  }
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  summary.signals = std::move(*signals);
  return summary;
}

}  // namespace orp::surveillance
