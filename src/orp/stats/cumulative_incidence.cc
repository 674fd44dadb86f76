#include "orp/stats/cumulative_incidence.h"

#include <algorithm>

#include "orp/stats/confidence.h"

namespace orp::stats {
namespace {

// Gray's running sums for one cause (see the header for the formula).
struct GraySums {
  double a = 0;
  double b = 0;
  double c = 0;

  // Adds the contribution of `deaths` of one cause among `at_risk`, with survival `before` and
  // `after` the time, and scores a and b.
  void Add(double deaths, double at_risk, double before, double score_a, double score_b) {
    const double ties = deaths > 1 ? 1 - (deaths - 1) / (at_risk - 1) : 1;
    const double weight = before * before * ties * deaths / (at_risk * at_risk);
    a += score_b * score_b * weight;
    b += score_a * score_b * weight;
    c += score_a * score_a * weight;
  }
  double Variance(double f) const { return a + f * f * c - 2 * f * b; }
};

// One cause's running state: its estimate F and Gray's sums.
struct CauseState {
  double f = 0;
  GraySums sums;
};

// Cause k's update at one time (see the header): `surv` and `after` are the any-event
// Kaplan–Meier just before and after it.
void Step(CauseState& k, double d_own, double d_other, double at_risk, double surv, double after,
          double time, CumulativeIncidence& out) {
  if (d_own > 0) k.f += surv * d_own / at_risk;
  if (d_other > 0 && after > 0) k.sums.Add(d_other, at_risk, surv, 1 / after, k.f / after);
  if (d_own > 0) {
    const double inv = after > 0 ? 1 / after : 0;
    k.sums.Add(d_own, at_risk, surv, inv, 1 + inv * k.f);
    out.time.push_back(time);
    out.estimate.push_back(k.f);
    out.variance.push_back(k.sums.Variance(k.f));
  }
}

template <typename Data>
Result<std::vector<CompetingRisks>> AllGroups(const Data& data) {
  if (!data.entry.empty()) {
    return InvalidArgument(
        "cumulative incidence with late entry is not supported: cmprsk::cuminc, the reference "
        "for its variance, has no entry time");
  }
  std::vector<CompetingRisks> out(static_cast<size_t>(std::max(data.group_count, 0)));
  auto done = VisitEventTables(data, NearTies::kKeep, [&](int32_t group, EventTable& table) {
    out[static_cast<size_t>(group)] = CumulativeIncidenceOf(table);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace

CumulativeIncidence::Point CumulativeIncidence::At(double t) const {
  if (!(t >= 0 && t <= last_time)) return {kNaN, kNaN};
  const size_t steps =
      static_cast<size_t>(std::upper_bound(time.begin(), time.end(), t) - time.begin());
  if (steps == 0) return {0, 0};
  return {estimate[steps - 1], variance[steps - 1]};
}

CompetingRisks CumulativeIncidenceOf(const EventTable& table) {
  CompetingRisks out;
  out.event.last_time = out.competing.last_time = table.size() > 0 ? table.time.back() : 0;
  CauseState event, competing;
  double surv = 1;  // Kaplan–Meier of any event, just before the current time
  for (size_t j = 0; j < table.size(); ++j) {
    // Most rows of a registry are censorings only: skip them before any arithmetic.
    if ((table.n_event[j] | table.n_competing[j]) == 0) continue;
    const double at_risk = static_cast<double>(table.n_risk[j]);
    const double d1 = static_cast<double>(table.n_event[j]);
    const double d2 = static_cast<double>(table.n_competing[j]);
    const double after = surv * (at_risk - d1 - d2) / at_risk;
    Step(event, d1, d2, at_risk, surv, after, table.time[j], out.event);
    Step(competing, d2, d1, at_risk, surv, after, table.time[j], out.competing);
    surv = after;
  }
  return out;
}

Result<std::vector<CompetingRisks>> CumulativeIncidenceOf(const SurvivalDays& data) {
  return AllGroups(data);
}

Result<std::vector<CompetingRisks>> CumulativeIncidenceOf(const SurvivalTimes& data) {
  return AllGroups(data);
}

}  // namespace orp::stats
