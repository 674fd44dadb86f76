#include "orp/stats/benchmark_rating.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace orp::stats {
namespace {

Result<void> CheckCriterion(const BenchmarkCriterion& c, size_t index) {
  if (!(std::isfinite(c.year) && c.year > 0) || c.min_cohort < 0 || c.min_at_risk < 0 ||
      !(c.margin >= 0 && c.margin <= 1) ||
      (c.max_upper_revision && !(*c.max_upper_revision >= 0 && *c.max_upper_revision <= 1))) {
    return InvalidArgument(fmt::format(
        "benchmark criterion {} ({} {}): year must be > 0, minimums >= 0, margin and ceiling "
        "fractions in [0, 1]",
        index + 1, c.year, c.letter));
  }
  return {};
}

// The index of the last curve row at or before t, or -1.
int64_t RowAtOrBefore(const KaplanMeierCurve& curve, double t) {
  const auto it = std::upper_bound(curve.time.begin(), curve.time.end(), t);
  return static_cast<int64_t>(it - curve.time.begin()) - 1;
}

std::string YearLabel(double year) {
  return year == std::floor(year) ? fmt::format("{}", static_cast<int64_t>(year))
                                  : fmt::format("{}", year);
}

}  // namespace

Result<BenchmarkRating> RateAgainstBenchmarks(const KaplanMeierCurve& product,
                                              std::span<const ClassRevision> class_revision,
                                              std::span<const BenchmarkCriterion> criteria,
                                              double time_per_year) {
  if (!(std::isfinite(time_per_year) && time_per_year > 0)) {
    return InvalidArgument(fmt::format("time units per year {} must be > 0", time_per_year));
  }
  BenchmarkRating out;
  const BenchmarkEvaluation* best = nullptr;
  for (size_t i = 0; i < criteria.size(); ++i) {
    const BenchmarkCriterion& c = criteria[i];
    ORP_RETURN_IF_ERROR(CheckCriterion(c, i));
    BenchmarkEvaluation e;
    e.year = c.year;
    e.letter = c.letter;
    e.cohort = product.n;
    const double t = c.year * time_per_year;
    const int64_t row = RowAtOrBefore(product, t);
    const size_t after = static_cast<size_t>(row + 1);
    e.at_risk = after < product.size() ? product.n_risk[after] : 0;
    e.revision = row < 0 ? 0 : 1 - product.surv[static_cast<size_t>(row)];
    e.upper_revision = row < 0 ? std::numeric_limits<double>::quiet_NaN()
                               : 1 - product.lower[static_cast<size_t>(row)];
    if (c.max_upper_revision) {
      e.threshold = *c.max_upper_revision;
    } else {
      const auto cls = std::find_if(class_revision.begin(), class_revision.end(),
                                    [&](const ClassRevision& r) { return r.year == c.year; });
      if (cls == class_revision.end() || !(cls->revision >= 0 && cls->revision <= 1)) {
        return InvalidArgument(fmt::format(
            "benchmark year {}: no class revision rate in [0, 1] and no explicit ceiling",
            YearLabel(c.year)));
      }
      e.threshold = cls->revision + c.margin;
    }
    if (e.cohort < c.min_cohort) {
      e.reason = fmt::format("cohort {} below the minimum {}", e.cohort, c.min_cohort);
    } else if (e.at_risk < c.min_at_risk) {
      e.reason = fmt::format("{} at risk past year {}, below the minimum {}", e.at_risk,
                             YearLabel(c.year), c.min_at_risk);
    } else if (std::isnan(e.upper_revision)) {
      e.reason =
          "the upper confidence limit is undefined at that year (no revision yet with a "
          "log-log interval, or no follow-up)";
    } else if (!(e.upper_revision < e.threshold)) {
      e.reason =
          fmt::format("upper limit {:.4f} is not below {:.4f}", e.upper_revision, e.threshold);
    } else {
      e.met = true;
    }
    out.evaluations.push_back(std::move(e));
  }
  for (const BenchmarkEvaluation& e : out.evaluations) {
    if (e.met && (best == nullptr || e.year > best->year)) best = &e;
  }
  if (best != nullptr) out.rating = YearLabel(best->year) + best->letter;
  return out;
}

}  // namespace orp::stats
