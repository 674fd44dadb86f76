// Benchmark ratings in the manner of ODEP (Orthopaedic Data Evaluation Panel): a product earns
// "<years><letter>" (10A*, 5A, 3B) when, at that benchmark year, enough patients are past it
// alive and unrevised and the upper 95% confidence limit of its Kaplan–Meier revision rate
// (1 - S) is below the class revision rate plus a margin (2 percentage points for A*).
//
// Method (../shared/specs/statistics.md §7): for each criterion (year T, letter):
//   at_risk(T)   = patients with follow-up beyond T (alive, unrevised, still followed): the
//                  number at risk at the first curve time after T (curves have a row at every
//                  exit time, so this is exactly "exit > T");
//   upper(T)     = 1 - lower limit of S(T) from the curve's own interval (log-log by default,
//                  kaplan_meier.h; the choice moves the bound, so it is the caller's);
//   threshold(T) = max_upper_revision when the criterion gives one, else class_revision(T) +
//                  margin;
//   met          = cohort >= min_cohort and at_risk(T) >= min_at_risk and upper(T) < threshold
//                  (strictly: "must be lower").
// The product's rating is the met criterion with the longest year and, within it, the best
// letter (criteria are ranked by their order in the list, best first within a year).
// ODEP's per-year minimum numbers are not confirmed in our notes, so every number is data: the
// caller loads the criteria (no defaults are hidden here).
//
// Errors: kInvalidArgument for a criterion with a year not > 0, negative minimums, a margin or
// class rate outside [0, 1], or a time scale not > 0. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/stats/kaplan_meier.h"

namespace orp::stats {

struct BenchmarkCriterion {
  double year = 0;
  std::string letter;  // "A*", "A", "B"
  int64_t min_cohort = 0;
  int64_t min_at_risk = 0;
  double margin = 0.02;                      // added to the class revision rate (a fraction)
  std::optional<double> max_upper_revision;  // an explicit ceiling replaces class + margin
};

struct ClassRevision {
  double year = 0;
  double revision = 0;  // 1 - S of the class at that year, a fraction
};

struct BenchmarkEvaluation {
  double year = 0;
  std::string letter;
  int64_t cohort = 0;
  int64_t at_risk = 0;
  double revision = 0;        // 1 - S(T)
  double upper_revision = 0;  // 1 - lower limit of S(T); NaN when undefined
  double threshold = 0;
  bool met = false;
  std::string reason;  // why not, for the person reading the rating
};

struct BenchmarkRating {
  std::vector<BenchmarkEvaluation> evaluations;  // one per criterion, in the given order
  std::string rating;                            // "10A*", or "" when none is met
};

// `time_per_year` converts the curve's time unit to years (365.25 when it counts days).
// A criterion whose year has no class revision in `class_revision` needs max_upper_revision.
Result<BenchmarkRating> RateAgainstBenchmarks(const KaplanMeierCurve& product,
                                              std::span<const ClassRevision> class_revision,
                                              std::span<const BenchmarkCriterion> criteria,
                                              double time_per_year);

}  // namespace orp::stats
