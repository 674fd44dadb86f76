// ODEP-style benchmark ratings in a surveillance run (statistics.md §7; the arithmetic is
// stats/benchmark_rating.h): every device model of a class with loaded criteria is rated from its
// Kaplan–Meier revision curve (log-log limits, death censoring) against the class's own curve.
//
// The criteria are data, not code: ODEP's per-year minimum cohort and at-risk numbers are not
// confirmed in our notes, so a run rates nothing unless criteria are loaded. The file is CSV,
// one criterion a line, '#' starting a comment line:
//   registry,device_type,year,letter,min_cohort,min_at_risk,margin,max_upper_revision
//   NJR,hip_stem,10,A*,500,250,0.02,
// device_type "*" matches every type of the registry; margin is a fraction (0.02 = 2 points);
// max_upper_revision, when given, replaces class revision + margin. Within a year, list the best
// letter first (that is how a rating picks the letter).
//
// A model also becomes a signal ("benchmark") when, at some benchmark year, it has the numbers
// for at least one criterion of that year and meets none of the criteria it has the numbers for:
// enough follow-up to judge, and its upper limit is above the threshold.
//
// Errors: kInvalidArgument naming the line and field of a bad criteria file. Thread safety: pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/stats/benchmark_rating.h"
#include "orp/storage/signals.h"
#include "orp/surveillance/cohort.h"

namespace orp::surveillance {

struct ClassCriterion {
  std::string registry;
  std::string device_type;  // "*" for every type
  stats::BenchmarkCriterion criterion;
};

struct ModelRating {
  std::string registry;
  std::string device_class;  // "NJR/hip_stem"
  std::string model;
  stats::BenchmarkRating rating;
};

struct BenchmarkResult {
  std::vector<ModelRating> ratings;  // models of classes with criteria, in class then model order
  std::vector<storage::Signal> signals;
};

Result<std::vector<ClassCriterion>> ParseBenchmarkCriteria(std::string_view csv);
Result<std::vector<ClassCriterion>> LoadBenchmarkCriteria(const std::string& path);

Result<BenchmarkResult> RateDeviceModels(const Cohort& cohort,
                                         const std::vector<ClassCriterion>& criteria);

}  // namespace orp::surveillance
