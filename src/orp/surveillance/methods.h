// The surveillance methods applied to a cohort: each evaluates every unit of its kind in every
// registry and returns the signals it raises (nothing is stored here; run.h stores them).
//
//   Device models, NJR Level 1/2 PTIR outliers ("njr-ptir"), the AOANJRR stage-one screen
//   brands and     ("aoanjrr-screen")
//   constructs     within the class (registry and device type; a brand is
//                  every model of one manufacturer's brand in that class); the same two for
//                  constructs (the set of models of a primary) within their construct class
//                  (registry and set of device types); for models also the
//                  Poisson maxSPRT of each model's revisions against the rest of its class from
//                  its first primary ("maxsprt"; ends without a signal once T revisions were
//                  expected, so it watches new models, as Kulldorff's method intends).
//   Surgeons and   revision O/E on a funnel plot over the last 5 and 10 years
//   hospitals      ("funnel-revision-5y", "-10y"); 90-day mortality O/E ("funnel-mortality-90d-5y",
//                  "-10y"); a risk-adjusted Bernoulli CUSUM of revision within one year, odds
//                  ratio 2, h set for the registry's risk mix and a target in-control ARL
//                  ("cusum-revision-1y").
// Expected counts come from risk models fitted per registry and window (risk_model.h): a Cox
// model of revision on age band, sex, ASA and indication (funnel O/E), a logistic model of
// 90-day death on age band, sex and ASA, and a logistic model of revision within a year on all
// four (the CUSUM's patient risks). A model that cannot be fitted raises no signals and adds a
// line to `notes` saying which model and why. Only high-side findings (worse than expected)
// become signals.
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/stats/funnel.h"
#include "orp/stats/outliers.h"
#include "orp/storage/signals.h"
#include "orp/surveillance/cohort.h"
#include "orp/surveillance/risk_model.h"

namespace orp::surveillance {

struct MethodOptions {
  stats::NjrOutlierOptions njr;
  stats::AoanjrrOptions aoanjrr;
  double maxsprt_upper_limit = 20;  // expected revisions
  double maxsprt_alpha = 0.05;
  int64_t maxsprt_min_events = 4;
  std::vector<int> funnel_windows_years = {5, 10};
  // Funnel over-dispersion (statistics.md §9, Spiegelhalter QSHC 2005): surgeons' funnels use
  // `overdispersion`, hospitals' `hospital_overdispersion`. Hospitals are large, so the exact
  // Poisson limits are narrow and the real between-hospital variation pushes ordinary hospitals
  // past them (8.5 false signals per 1,000 hospitals without it, docs/performance.md). Either is
  // applied only when the winsorised test finds over-dispersion (chi-squared p below
  // `overdispersion_test_p`); otherwise the exact limits stay.
  stats::Overdispersion overdispersion = stats::Overdispersion::kNone;
  stats::Overdispersion hospital_overdispersion = stats::Overdispersion::kAdditive;
  double overdispersion_test_p = 0.05;
  double min_expected = 1.0;   // below: "insufficient data", no funnel signal
  bool signal_alerts = false;  // also signal beyond 95% (alarms, beyond 99.8%, always)
  int mortality_days = 90;
  double cusum_odds_ratio = 2.0;
  double cusum_target_arl = 10000;  // patients between false signals in control
  int cusum_window_days = 365;
  RiskModelOptions risk;
};

// A unit as signals name it: registry, kind, unit.
using UnitKey = std::tuple<std::string, storage::SignalUnitKind, std::string>;

// The CUSUM's fitted model of one registry, kept between runs (#7): each covariate pattern's
// risk of revision within a year (clamped as the chart uses it) and the control limit h.
struct KeptCusumModel {
  std::vector<std::string> terms;
  std::vector<std::string> indications;  // the cohort's, when fitted: patterns name them
  std::vector<double> risk;  // by pattern (KeptPattern in unit_methods.cc); NaN: not seen
  double h = 0;
  int64_t fitted_at_change = 0;
};

// A funnel's risk model of one registry and window, kept between runs (#7): a primary's expected
// value from its covariate pattern — the logistic model's probability, or the Cox model's
// exp(x'b) times the baseline cumulative hazard at its follow-up in whole days.
struct KeptFunnelModel {
  std::vector<std::string> terms;
  std::vector<std::string> indications;  // as KeptCusumModel
  std::vector<double> by_pattern;        // logistic: p; Cox: exp(x'b); NaN: pattern not seen
  std::vector<double> baseline;  // Cox: Lambda0 at each day of follow-up from 0; logistic: empty
  int64_t fitted_at_change = 0;
};

// Risk models kept between runs for one data cut (#7, the incremental run). The rule
// (docs/architecture.md, "Surveillance"): a full run fits every registry's models and keeps
// them; an incremental run on the same data cut uses the kept ones — its signals say
// `fitted_at_change` in the evidence's risk_model — and re-fits a registry's model only when
// its rows bring a covariate pattern or indication the kept model has not seen. So a batch does
// not move the models; a full run (or a new data cut) does.
struct KeptModels {
  Date data_cut{};
  int64_t change_seq = 0;                         // the store's change a fit now is stamped with
  std::map<std::string, KeptCusumModel> cusum;    // by registry
  std::map<std::string, KeptFunnelModel> funnel;  // by "registry method", e.g. "MDOR funnel-…-5y"
};

// How an incremental run narrows the methods that allow it (#7). Null members: a full run.
struct Increment {
  const std::set<UnitKey>* units = nullptr;  // per-unit work only for these (CUSUM; a funnel
                                             // needs every unit of its registry)
  KeptModels* kept = nullptr;                // models kept between runs (read and replaced)
  bool refit = true;                         // fit anew and keep; false: use the kept models
};

Result<std::vector<storage::Signal>> DeviceModelSignals(const Cohort& cohort,
                                                        const MethodOptions& options);
// With `units`, only their device models' charts are run (a chart is a function of the model's
// rows and its class's totals, which every row still counts in).
Result<std::vector<storage::Signal>> MaxSprtSignals(const Cohort& cohort,
                                                    const MethodOptions& options,
                                                    const std::set<UnitKey>* units = nullptr);
// With `increment`, the kept models give the expected counts when they cover the rows.
Result<std::vector<storage::Signal>> FunnelSignals(const Cohort& cohort,
                                                   const MethodOptions& options,
                                                   std::vector<std::string>* notes = nullptr,
                                                   const Increment* increment = nullptr);
// With `increment`, only its units' charts are drawn (each unit's chart is a function of its own
// rows, the registry's risk model and h), against the kept model and h when it has them.
Result<std::vector<storage::Signal>> CusumSignals(const Cohort& cohort,
                                                  const MethodOptions& options,
                                                  std::vector<std::string>* notes = nullptr,
                                                  const Increment* increment = nullptr);

}  // namespace orp::surveillance
