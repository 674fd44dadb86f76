// Implant outliers by patient-time incidence rate (PTIR): the NJR Implant Scrutiny Committee's
// Level 1 / Level 2 notifications and the AOANJRR stage-one screen for a "higher than
// anticipated rate of revision". Every threshold is an option: the published values are the
// defaults, and a registry or device class may load its own.
//
// Input: one row per implant (model, brand or construct) with its class (a dictionary code), the
// number of primaries, the revisions among them and the person-years of follow-up (primary to
// the first of revision, death, end of data). PTIR = per x revisions / person-years.
//
// NJR (../shared/specs/statistics.md §5; njrcentre.org.uk Implant Outlier Process):
//   theta = PTIR(implant) / PTIR(class), the class excluding the implant by default;
//   Level 1: theta >= 2 and primaries >= 100;
//   Level 2: (theta >= 2 and primaries < 100) or (theta >= 1.5 and primaries >= 100);
//   our configurable reading of "outside designated PTIR confidence intervals": the lower exact
//   95% limit of theta (poisson.test, poisson_rate.h) must exceed 1.
// Comparisons are ">=" as published; theta is computed as (R1 PY2) / (R2 PY1) so a boundary
// value given in round numbers lands on the boundary exactly.
//
// AOANJRR (statistics.md §6; de Steiger et al., Acta Orthop 2013): flag when all of
//   (i)   PTIR(component) > 2 x PTIR(group);
//   (ii)  P(X >= revisions | X ~ Poisson(group rate x component-years)) < 0.05;
//   (iii) primaries >= 10, or (revisions / primaries >= 75% and revisions >= 2);
// where the group rate leaves out every component with more than 25% of the group's primaries.
//
// Errors: kInvalidArgument for negative counts, revisions above primaries, person-years that are
// negative or not finite, or options out of range. An implant with no comparable rest of class
// (no other person-years, or no revisions in it) gets NaN/inf figures and no level.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

struct ImplantExposure {
  int32_t group = 0;  // the implant's class
  int64_t primaries = 0;
  int64_t revisions = 0;
  double person_years = 0;
};

struct NjrOutlierOptions {
  double per = 100;  // PTIR per 100 patient-years
  double level1_ratio = 2.0;
  double level2_ratio = 1.5;  // with >= min_primaries
  double small_ratio = 2.0;   // Level 2 with < min_primaries
  int64_t min_primaries = 100;
  bool exclude_index_from_class = true;
  bool require_lower_limit_above_one = true;
  double conf_level = 0.95;
};

enum class NjrLevel { kNone, kLevel2, kLevel1 };
std::string_view NjrLevelName(NjrLevel level);  // none, level-2, level-1

struct NjrOutlier {
  double ptir = 0;
  double class_ptir = 0;
  double ratio = 0;
  double lower = 0;  // exact interval of the ratio at conf_level
  double upper = 0;
  double p_value = 1;  // exact two-sided (poisson.test)
  NjrLevel level = NjrLevel::kNone;
};

Result<std::vector<NjrOutlier>> NjrImplantOutliers(std::span<const ImplantExposure> implants,
                                                   const NjrOutlierOptions& options = {});

struct AoanjrrOptions {
  double per = 100;
  double rate_ratio = 2.0;    // strictly greater
  double p_threshold = 0.05;  // strictly less
  int64_t min_primaries = 10;
  double min_revised_fraction = 0.75;
  int64_t min_revisions = 2;
  double dominant_share = 0.25;  // of the group's primaries; strictly greater is left out
};

struct AoanjrrScreen {
  double rate = 0;
  double group_rate = 0;
  double ratio = 0;
  double expected = 0;  // group rate x component-years
  double p_value = 1;   // P(X >= revisions)
  bool excluded_from_group_rate = false;
  bool rate_criterion = false;
  bool p_criterion = false;
  bool count_criterion = false;
  bool flagged = false;
};

Result<std::vector<AoanjrrScreen>> AoanjrrStageOneScreen(
    std::span<const ImplantExposure> components, const AoanjrrOptions& options = {});

// P(X >= k) for X ~ Poisson(mu): the AOANJRR screen's tail (1 when k = 0).
double PoissonUpperTail(int64_t k, double mu);

}  // namespace orp::stats
