// A survival-curve picture of a SurvivalReport as a standalone SVG document: one step function
// per group (Kaplan–Meier survival, or for method "aj" the cumulative incidence of revision)
// with its pointwise confidence band as a translucent step polygon, axes in years, a legend.
//
// Correctness of the drawing: a step function is drawn right-continuous — the value after a
// time holds until the next time (H then V segments), starting at day 0 at 1 (survival) or 0
// (incidence); the band steps at the same times. An undefined bound (R's NA, e.g. the log-log
// interval while S = 1) is drawn at the estimate. The curves are the report's curves, so they
// already stop where the number at risk falls below the suppression rule and obey disclosure
// control; a withheld group is listed in the legend as withheld and not drawn.
//
// Groups beyond `max_groups` (the largest by n come first) are left out and the title says so.
// Thread safety: pure.
#pragma once

#include <string>

#include "orp/analytics/survival.h"

namespace orp::analytics {

struct SvgOptions {
  int width = 900;
  int height = 560;
  size_t max_groups = 10;
  std::string title;  // default: "<registry>: implant survival by <by>"
};

std::string SurvivalSvg(const SurvivalReport& report, const SvgOptions& options);

}  // namespace orp::analytics
