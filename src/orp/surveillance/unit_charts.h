// Every unit's place on one funnel plot, and one unit's CUSUM path, for the dashboards (issue
// #9): the same windows, risk models and limits as the funnel and CUSUM methods (methods.h),
// but returning every point and the limit curves rather than only the signals.
//
//   Funnel   units of one kind (surgeon or hospital) in one registry over the last `years`;
//            metric "revision" (Cox-expected revisions, O/E) or "mortality" (90-day death,
//            logistic-expected, O/E, primaries with the full 90 days only). Units with an
//            expected count below MethodOptions::min_expected are left off the plot and
//            counted in `insufficient` (the methods raise no signal for them either).
//   CUSUM    the risk-adjusted Bernoulli CUSUM of revision within a year of one unit, with the
//            registry's control limit h for the target in-control ARL.
//
// Errors: kInvalidArgument for an unknown metric or unit kind, kNotFound for a registry or unit
// not in the cohort, kFailedPrecondition when the risk model cannot be fitted (the message says
// which and why). Thread safety: pure functions of their inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/stats/funnel.h"
#include "orp/storage/signals.h"
#include "orp/surveillance/cohort.h"
#include "orp/surveillance/methods.h"

namespace orp::surveillance {

struct FunnelQuery {
  std::string registry;
  storage::SignalUnitKind unit_kind = storage::SignalUnitKind::kHospital;
  std::string metric = "revision";  // revision | mortality
  int years = 5;
};

struct FunnelUnit {
  std::string unit;          // GMC number or ODS site code
  int64_t procedures = 0;    // primaries of the unit in the plot
  stats::FunnelPoint point;  // observed, expected (size), ratio (y), limits, classification
};

struct UnitFunnel {
  FunnelQuery query;
  std::string method;  // the signal method name, e.g. "funnel-revision-5y"
  std::vector<FunnelUnit> units;
  // The limits drawn as curves: at `curve_points` expected counts spread over the units' range.
  std::vector<stats::FunnelLimits> curve;
  stats::Overdispersion overdispersion = stats::Overdispersion::kNone;
  double phi = 1;
  int64_t insufficient = 0;  // units below min_expected, not plotted
  std::vector<std::string> model_terms;
};

Result<UnitFunnel> ComputeUnitFunnel(const Cohort& cohort, const FunnelQuery& query,
                                     const MethodOptions& options, int curve_points = 60);

struct UnitCusum {
  std::string registry;
  storage::SignalUnitKind unit_kind = storage::SignalUnitKind::kHospital;
  std::string unit;
  double h = 0;  // control limit
  double odds_ratio = 2;
  std::vector<std::string> dates;  // ISO date of each primary, in order
  std::vector<double> upper;       // the CUSUM after each primary
  std::vector<int64_t> signals;    // indices where it crossed h
};

Result<UnitCusum> ComputeUnitCusum(const Cohort& cohort, const std::string& registry,
                                   storage::SignalUnitKind unit_kind, const std::string& unit,
                                   const MethodOptions& options);

}  // namespace orp::surveillance
