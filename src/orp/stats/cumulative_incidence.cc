#include "orp/stats/cumulative_incidence.h"

#include <algorithm>
#include <limits>

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

CumulativeIncidence OneCause(const EventTable& table, const std::vector<int64_t>& own,
                             const std::vector<int64_t>& other) {
  CumulativeIncidence cif;
  cif.last_time = table.size() > 0 ? table.time.back() : 0;
  double surv = 1;  // Kaplan–Meier of any event, just before the current time
  double f = 0;
  GraySums sums;
  for (size_t j = 0; j < table.size(); ++j) {
    const double at_risk = static_cast<double>(table.n_risk[j]);
    const double d_own = static_cast<double>(own[j]);
    const double d_other = static_cast<double>(other[j]);
    if (d_own + d_other == 0) continue;
    const double after = surv * (at_risk - d_own - d_other) / at_risk;
    if (d_own > 0) f += surv * d_own / at_risk;
    if (d_other > 0 && after > 0) sums.Add(d_other, at_risk, surv, 1 / after, f / after);
    if (d_own > 0) {
      const double inv = after > 0 ? 1 / after : 0;
      sums.Add(d_own, at_risk, surv, inv, 1 + inv * f);
      cif.time.push_back(table.time[j]);
      cif.estimate.push_back(f);
      cif.variance.push_back(sums.Variance(f));
    }
    surv = after;
  }
  return cif;
}

template <typename Data>
Result<std::vector<CompetingRisks>> AllGroups(const Data& data) {
  if (!data.entry.empty()) {
    return InvalidArgument(
        "cumulative incidence with late entry is not supported: cmprsk::cuminc, the reference "
        "for its variance, has no entry time");
  }
  auto tables = TallyEvents(data);
  if (!tables) return std::unexpected(tables.error());
  std::vector<CompetingRisks> out;
  out.reserve(tables->size());
  for (const EventTable& table : *tables) out.push_back(CumulativeIncidenceOf(table));
  return out;
}

}  // namespace

CumulativeIncidence::Point CumulativeIncidence::At(double t) const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (!(t >= 0 && t <= last_time)) return {kNaN, kNaN};
  const size_t steps =
      static_cast<size_t>(std::upper_bound(time.begin(), time.end(), t) - time.begin());
  if (steps == 0) return {0, 0};
  return {estimate[steps - 1], variance[steps - 1]};
}

CompetingRisks CumulativeIncidenceOf(const EventTable& table) {
  return {OneCause(table, table.n_event, table.n_competing),
          OneCause(table, table.n_competing, table.n_event)};
}

Result<std::vector<CompetingRisks>> CumulativeIncidenceOf(const SurvivalDays& data) {
  return AllGroups(data);
}

Result<std::vector<CompetingRisks>> CumulativeIncidenceOf(const SurvivalTimes& data) {
  return AllGroups(data);
}

}  // namespace orp::stats
