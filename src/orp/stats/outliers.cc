#include "orp/stats/outliers.h"

#include <fmt/format.h>

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <unordered_map>

#include "orp/stats/confidence.h"
#include "orp/stats/poisson_rate.h"

namespace orp::stats {
namespace {

Result<void> CheckImplants(std::span<const ImplantExposure> implants) {
  for (size_t i = 0; i < implants.size(); ++i) {
    const ImplantExposure& x = implants[i];
    if (x.primaries < 0 || x.revisions < 0 || x.revisions > x.primaries) {
      return InvalidArgument(
          fmt::format("implant {}: {} revisions of {} primaries (need 0 <= revisions <= primaries)",
                      i + 1, x.revisions, x.primaries));
    }
    if (!(std::isfinite(x.person_years) && x.person_years >= 0)) {
      return InvalidArgument(
          fmt::format("implant {}: person-years {} must be >= 0", i + 1, x.person_years));
    }
  }
  return {};
}

struct Totals {
  int64_t primaries = 0;
  int64_t revisions = 0;
  double person_years = 0;
};

std::unordered_map<int32_t, Totals> GroupTotals(std::span<const ImplantExposure> implants) {
  std::unordered_map<int32_t, Totals> totals;
  for (const ImplantExposure& x : implants) {
    Totals& t = totals[x.group];
    t.primaries += x.primaries;
    t.revisions += x.revisions;
    t.person_years += x.person_years;
  }
  return totals;
}

NjrLevel LevelFor(double ratio, int64_t primaries, const NjrOutlierOptions& o) {
  // A relative 1e-12 keeps a ratio that is on a boundary in exact arithmetic on it.
  auto at_least = [&](double threshold) { return ratio >= threshold * (1 - 1e-12); };
  if (primaries >= o.min_primaries) {
    if (at_least(o.level1_ratio)) return NjrLevel::kLevel1;
    if (at_least(o.level2_ratio)) return NjrLevel::kLevel2;
    return NjrLevel::kNone;
  }
  return at_least(o.small_ratio) ? NjrLevel::kLevel2 : NjrLevel::kNone;
}

}  // namespace

std::string_view NjrLevelName(NjrLevel level) {
  switch (level) {
    case NjrLevel::kNone: return "none";
    case NjrLevel::kLevel2: return "level-2";
    case NjrLevel::kLevel1: return "level-1";
  }
  return "none";
}

double PoissonUpperTail(int64_t k, double mu) {
  if (k <= 0) return 1;
  if (mu <= 0) return 0;
  return boost::math::gamma_p(static_cast<double>(k), mu);
}

Result<std::vector<NjrOutlier>> NjrImplantOutliers(std::span<const ImplantExposure> implants,
                                                   const NjrOutlierOptions& options) {
  ORP_RETURN_IF_ERROR(CheckImplants(implants));
  if (!(options.per > 0 && options.conf_level > 0 && options.conf_level < 1)) {
    return InvalidArgument("NJR outlier options: per must be > 0 and level in (0, 1)");
  }
  const auto totals = GroupTotals(implants);
  std::vector<NjrOutlier> out;
  out.reserve(implants.size());
  for (const ImplantExposure& x : implants) {
    Totals rest = totals.at(x.group);
    if (options.exclude_index_from_class) {
      rest.revisions -= x.revisions;
      rest.person_years -= x.person_years;
    }
    NjrOutlier o;
    o.ptir =
        x.person_years > 0 ? options.per * static_cast<double>(x.revisions) / x.person_years : kNaN;
    o.class_ptir = rest.person_years > 0
                       ? options.per * static_cast<double>(rest.revisions) / rest.person_years
                       : kNaN;
    if (x.person_years <= 0 || rest.person_years <= 0) {
      o.ratio = o.lower = o.upper = kNaN;
      out.push_back(o);
      continue;
    }
    auto test = ExactRateRatioTest(x.revisions, x.person_years, rest.revisions, rest.person_years,
                                   options.conf_level);
    if (!test) return std::unexpected(test.error());
    o.ratio = static_cast<double>(x.revisions) * rest.person_years /
              (static_cast<double>(rest.revisions) * x.person_years);
    o.lower = test->lower;
    o.upper = test->upper;
    o.p_value = test->p_value;
    const bool ci_ok = !options.require_lower_limit_above_one || o.lower > 1;
    if (rest.revisions > 0 && ci_ok) o.level = LevelFor(o.ratio, x.primaries, options);
    out.push_back(o);
  }
  return out;
}

Result<std::vector<AoanjrrScreen>> AoanjrrStageOneScreen(
    std::span<const ImplantExposure> components, const AoanjrrOptions& options) {
  ORP_RETURN_IF_ERROR(CheckImplants(components));
  if (!(options.per > 0 && options.dominant_share > 0 && options.dominant_share <= 1)) {
    return InvalidArgument("AOANJRR options: per must be > 0 and the dominant share in (0, 1]");
  }
  const auto totals = GroupTotals(components);
  auto dominant = [&](const ImplantExposure& x) {
    const auto group_primaries = static_cast<double>(totals.at(x.group).primaries);
    return static_cast<double>(x.primaries) > options.dominant_share * group_primaries;
  };
  // The group rate without its dominant components.
  std::unordered_map<int32_t, Totals> reference;
  for (const ImplantExposure& x : components) {
    Totals& t = reference[x.group];
    if (dominant(x)) continue;
    t.revisions += x.revisions;
    t.person_years += x.person_years;
  }
  std::vector<AoanjrrScreen> out;
  out.reserve(components.size());
  for (const ImplantExposure& x : components) {
    const Totals& g = reference.at(x.group);
    AoanjrrScreen s;
    s.excluded_from_group_rate = dominant(x);
    const auto r = static_cast<double>(x.revisions);
    s.rate = x.person_years > 0 ? options.per * r / x.person_years : kNaN;
    s.group_rate =
        g.person_years > 0 ? options.per * static_cast<double>(g.revisions) / g.person_years : kNaN;
    s.ratio = s.rate / s.group_rate;
    s.expected = s.group_rate / options.per * x.person_years;
    s.p_value = std::isnan(s.expected) ? kNaN : PoissonUpperTail(x.revisions, s.expected);
    s.rate_criterion = s.rate > options.rate_ratio * s.group_rate;
    s.p_criterion = s.p_value < options.p_threshold;
    s.count_criterion = x.primaries >= options.min_primaries ||
                        (x.revisions >= options.min_revisions &&
                         r >= options.min_revised_fraction * static_cast<double>(x.primaries));
    s.flagged = s.rate_criterion && s.p_criterion && s.count_criterion;
    out.push_back(s);
  }
  return out;
}

}  // namespace orp::stats
