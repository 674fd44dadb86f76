#include "orp/stats/kaplan_meier.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace orp::stats {
namespace {

void Resize(KaplanMeierCurve& curve, size_t rows) {
  curve.surv.resize(rows);
  curve.log_std_err.resize(rows);
  curve.std_err.resize(rows);
  curve.lower.resize(rows);
  curve.upper.resize(rows);
}

template <typename Data>
Result<std::vector<KaplanMeierCurve>> EstimateAll(const Data& data,
                                                  const KaplanMeierOptions& options) {
  ORP_RETURN_IF_ERROR(NormalQuantileForLevel(options.conf_level));
  auto tables = TallyEvents(data, NearTies::kMergeLikeSurvfit);
  if (!tables) return std::unexpected(tables.error());
  std::vector<KaplanMeierCurve> curves;
  curves.reserve(tables->size());
  for (EventTable& table : *tables) {
    auto curve = KaplanMeier(std::move(table), options);
    if (!curve) return std::unexpected(curve.error());
    curves.push_back(std::move(*curve));
  }
  return curves;
}

// summary.survfit's n.event/n.censor at requested times: sums over curve rows (from, to].
int64_t SumRows(const std::vector<int64_t>& counts, size_t from, size_t to) {
  int64_t total = 0;
  for (size_t i = from; i < to; ++i) total += counts[i];
  return total;
}

}  // namespace

Result<KaplanMeierCurve> KaplanMeier(const EventTable& table, const KaplanMeierOptions& options) {
  return KaplanMeier(EventTable(table), options);
}

Result<KaplanMeierCurve> KaplanMeier(EventTable&& table, const KaplanMeierOptions& options) {
  auto z = NormalQuantileForLevel(options.conf_level);
  if (!z) return std::unexpected(z.error());
  KaplanMeierCurve curve;
  curve.n = table.n;
  curve.events = table.events;
  curve.time = std::move(table.time);
  curve.n_risk = std::move(table.n_risk);
  curve.n_event = std::move(table.n_event);
  curve.n_censor = std::move(table.n_censor);
  Resize(curve, curve.time.size());
  double surv = 1;
  double greenwood = 0;
  double log_se = 0;
  Interval ci = SurvivalInterval(surv, log_se, *z, options.conf_type);
  for (size_t i = 0; i < curve.size(); ++i) {
    const double at_risk = static_cast<double>(curve.n_risk[i]);
    const double events = static_cast<double>(curve.n_event[i]);
    if (events > 0) {
      surv *= (at_risk - events) / at_risk;
      // d / (n (n - d)) is +inf when everyone left at risk fails, as in R.
      greenwood += events / (at_risk * (at_risk - events));
      log_se = std::sqrt(greenwood);
      ci = SurvivalInterval(surv, log_se, *z, options.conf_type);  // only changes at events
    }
    curve.n_censor[i] += table.n_competing[i];
    curve.surv[i] = surv;
    curve.log_std_err[i] = log_se;
    curve.std_err[i] = surv * log_se;
    curve.lower[i] = ci.lower;
    curve.upper[i] = ci.upper;
  }
  return curve;
}

Result<std::vector<KaplanMeierCurve>> KaplanMeier(const SurvivalDays& data,
                                                  const KaplanMeierOptions& options) {
  return EstimateAll(data, options);
}

Result<std::vector<KaplanMeierCurve>> KaplanMeier(const SurvivalTimes& data,
                                                  const KaplanMeierOptions& options) {
  return EstimateAll(data, options);
}

std::vector<SurvivalAtTime> SummariseAt(const KaplanMeierCurve& curve,
                                        std::span<const double> times, bool extend) {
  std::vector<SurvivalAtTime> rows;
  if (curve.size() == 0) return rows;
  std::vector<double> sorted;
  for (double t : times) {
    if (std::isfinite(t) && (extend || t <= curve.time.back())) sorted.push_back(t);
  }
  std::sort(sorted.begin(), sorted.end());
  // R first inserts a row at time 0 (S = 1, interval [1, 1], n_risk copied from the first row)
  // unless the curve already starts at 0; times before the first row read that row.
  const bool starts_at_zero = curve.time.front() == 0;
  size_t done = 0;  // curve rows already counted into n_event/n_censor
  for (double t : sorted) {
    SurvivalAtTime row;
    row.time = t;
    // Rows with time <= t (findInterval), and the first row with time >= t.
    const size_t upto = static_cast<size_t>(
        std::upper_bound(curve.time.begin(), curve.time.end(), t) - curve.time.begin());
    const size_t first_ge = static_cast<size_t>(
        std::lower_bound(curve.time.begin(), curve.time.end(), t) - curve.time.begin());
    row.n_risk = first_ge < curve.size() ? curve.n_risk[first_ge] : 0;
    if (upto == 0) {
      // Before the first curve time: R's inserted time-0 row, or the first row if it is at 0.
      if (starts_at_zero) {
        row.surv = curve.surv[0];
        row.std_err = curve.std_err[0];
        row.lower = curve.lower[0];
        row.upper = curve.upper[0];
      }
    } else {
      const size_t at = upto - 1;
      row.surv = curve.surv[at];
      row.std_err = curve.std_err[at];
      row.lower = curve.lower[at];
      row.upper = curve.upper[at];
      row.n_event = SumRows(curve.n_event, std::min(done, upto), upto);
      row.n_censor = SumRows(curve.n_censor, std::min(done, upto), upto);
      done = std::max(done, upto);
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace orp::stats
