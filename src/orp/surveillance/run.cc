#include "orp/surveillance/run.h"

namespace orp::surveillance {

Result<std::vector<storage::Signal>> EvaluateCohort(const Cohort& cohort,
                                                    const MethodOptions& options) {
  std::vector<storage::Signal> all;
  for (auto method : {DeviceModelSignals, MaxSprtSignals, FunnelSignals, CusumSignals}) {
    auto signals = method(cohort, options);
    if (!signals) return std::unexpected(signals.error());
    for (storage::Signal& s : *signals) all.push_back(std::move(s));
  }
  return all;
}

Result<RunSummary> RunSurveillance(storage::Store& store, const RunOptions& options) {
  auto cohort = BuildCohort(store, options.data_cut);
  if (!cohort) return std::unexpected(cohort.error());
  auto signals = EvaluateCohort(*cohort, options.methods);
  if (!signals) return std::unexpected(signals.error());
  RunSummary summary;
  summary.primaries = static_cast<int64_t>(cohort->size());
  summary.device_models = static_cast<int64_t>(cohort->models.size());
  summary.surgeons = static_cast<int64_t>(cohort->surgeons.size());
  summary.hospitals = static_cast<int64_t>(cohort->hospitals.size());
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
