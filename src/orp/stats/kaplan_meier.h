// Kaplan–Meier survival with Greenwood variance and pointwise confidence intervals, equal to
// R survival::survfit (3.5) and summary.survfit to 1e-10 relative.
//
// Method. Over the rows of an EventTable (distinct exit times t_j; n_j at risk, d_j events):
//   S(t)        = prod over t_j <= t of (1 - d_j / n_j)
//   sigma^2(t)  = sum over t_j <= t of d_j / (n_j (n_j - d_j))          (Greenwood; +inf once
//                                                                        S reaches 0)
//   std_err(t)  = S(t) sigma(t), the standard error of S as summary.survfit prints it.
// Competing events (status 2) are censorings here: this is the "1 - KM" of the registries.
// Ties and censoring: events leave before censorings at a tied time; late entry uses the
// (entry, exit] risk set (see event_table.h); times differing only by rounding error are
// merged first as survfit's default timefix does (NearTies::kMergeLikeSurvfit). CIs: confidence.h
// (R's conf.type; "log" is R's default). Reference: Kaplan & Meier, JASA 1958; Greenwood 1926;
// ../shared/specs/ statistics.md §1 (the Freireich 6-MP example is a unit test).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "orp/core/result.h"
#include "orp/stats/confidence.h"
#include "orp/stats/event_table.h"

namespace orp::stats {

struct KaplanMeierOptions {
  ConfType conf_type = ConfType::kLog;
  double conf_level = 0.95;
};

// One group's curve: one row per EventTable row (every time at which anything happens).
struct KaplanMeierCurve {
  int64_t n = 0;
  int64_t events = 0;
  std::vector<double> time;
  std::vector<int64_t> n_risk;
  std::vector<int64_t> n_event;
  std::vector<int64_t> n_censor;  // censorings and competing events
  std::vector<double> surv;
  std::vector<double> log_std_err;  // sigma, the standard error of log S (survfit's std.err)
  std::vector<double> std_err;      // S sigma; NaN where S = 0 (R prints NaN)
  std::vector<double> lower;        // NaN where the interval is undefined (R's NA)
  std::vector<double> upper;

  size_t size() const { return time.size(); }
};

// kInvalidArgument when the options are out of range (conf_level outside (0, 1)).
Result<KaplanMeierCurve> KaplanMeier(const EventTable& table, const KaplanMeierOptions& options);
// The same, reusing the table's arrays.
Result<KaplanMeierCurve> KaplanMeier(EventTable&& table, const KaplanMeierOptions& options);

// All groups: tally (see event_table.h for the data contract and errors) and estimate.
Result<std::vector<KaplanMeierCurve>> KaplanMeier(const SurvivalDays& data,
                                                  const KaplanMeierOptions& options);
Result<std::vector<KaplanMeierCurve>> KaplanMeier(const SurvivalTimes& data,
                                                  const KaplanMeierOptions& options);

// The curve at a requested time, as summary(fit, times = ...) reports it.
struct SurvivalAtTime {
  double time = 0;
  int64_t n_risk = 0;    // at risk at the first curve time >= time (0 past the last)
  int64_t n_event = 0;   // events since the previous requested time
  int64_t n_censor = 0;  // censorings since the previous requested time
  double surv = 1;
  double std_err = 0;
  double lower = 1;
  double upper = 1;
};

// summary.survfit(fit, times, extend) for one curve. Times are sorted (duplicates kept) and
// non-finite ones dropped. Before the first curve time the values are those of R's inserted
// time-0 row (S = 1, std_err = 0, interval [1, 1], n_risk of the first row); a time after the
// last curve time is dropped unless `extend`, when it carries the last values with n_risk 0.
// An empty curve gives no rows (R stops with an error there).
std::vector<SurvivalAtTime> SummariseAt(const KaplanMeierCurve& curve,
                                        std::span<const double> times, bool extend);

}  // namespace orp::stats
