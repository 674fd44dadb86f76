// Funnel plots (Spiegelhalter, Stat Med 2005;24:1185) with exact limits, and over-dispersion by
// winsorised z-scores (Spiegelhalter, QSHC 2005;14:347) — how NJR, HQIP audits and the CQC put
// a hospital's or surgeon's outcome beside everyone else's.
//
// Two indicators:
//   proportion  y = O / n against a target theta0 (e.g. 90-day mortality), null Binomial(n,
//   theta0); ratio       y = O / E against 1 (standardised revision or mortality ratio), null
//   Poisson(E).
// Exact limit at cumulative probability p (p = 0.001, 0.025, 0.975, 0.999 give the 99.8% and
// 95% funnels): r_p = the smallest r with F(r) >= p, alpha = (F(r_p) - p) / (F(r_p) - F(r_p-1)),
// limit = (r_p - alpha) / n (proportion) or (r_p - alpha) / E (ratio) — the interpolation that
// makes discrete limits continuous in n. `lower`/`upper` are clipped to [0, 1] (proportion) and
// to >= 0 (ratio); the unclipped value is kept for tests against the published tables.
//
// Over-dispersion (units i = 1..I, null standard error s_i: sqrt(theta0 (1 - theta0) / n_i) for
// a proportion, 1 / sqrt(E_i) for a ratio; z_i = (y_i - theta0) / s_i):
//   1. winsorise z at the 10th and 90th percentiles (R quantile type 7, as FunnelPlotR does);
//   2. phi = mean of the winsorised z^2; I phi ~ chi-squared(I - 1) under no over-dispersion;
//   3. multiplicative: limits theta0 +/- z_p sqrt(phi) s;
//      additive random effects (DerSimonian–Laird form, the Healthcare Commission's):
//      tau^2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w)), w = 1 / s^2,
//      limits theta0 +/- z_p sqrt(s^2 + tau^2), adjusted z_i = (y_i - theta0) / sqrt(s_i^2 +
//      tau^2).
// Over-dispersed limits are normal-approximation limits (that is how both papers define them).
//
// Classification (HQIP "alert"/"alarm"): beyond the 95% limit is an alert, beyond the 99.8% limit
// an alarm, high or low; on a limit is within. Reference values: ../shared/specs/statistics.md §9
// (unit tests) and R's qbinom/qpois (test/golden/make_surveillance_fixtures.R).
//
// Errors: kInvalidArgument for a target outside (0, 1), a denominator or expected count that is
// not finite and > 0, a probability outside (0, 1), negative observed counts, spans of different
// lengths, or fewer than 2 units for over-dispersion. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

enum class FunnelIndicator { kProportion, kRatio };

// Two-sided 95% and 99.8% funnels.
inline constexpr double kFunnelProbabilities[4] = {0.001, 0.025, 0.975, 0.999};

struct FunnelLimit {
  double unclipped = 0;
  double value = 0;  // clipped to the indicator's range
};

// The exact limit at cumulative probability p for one point of the funnel: `size` is n (a
// proportion, target theta0) or E (a ratio; theta0 is ignored, the target is 1).
Result<FunnelLimit> ExactFunnelLimit(FunnelIndicator indicator, double theta0, double size,
                                     double p);

// The normal approximation: theta0 +/- z_p sqrt(theta0 (1 - theta0) / n), or 1 +/- z_p / sqrt(E).
Result<FunnelLimit> NormalFunnelLimit(FunnelIndicator indicator, double theta0, double size,
                                      double p);

struct FunnelLimits {
  double size = 0;
  double lower998 = 0;
  double lower95 = 0;
  double upper95 = 0;
  double upper998 = 0;
};

enum class Overdispersion { kNone, kMultiplicative, kAdditive };

std::string_view OverdispersionName(Overdispersion method);
Result<Overdispersion> ParseOverdispersion(std::string_view name);  // none|multiplicative|additive

struct OverdispersionFit {
  std::vector<double> z;             // (y - theta0) / s
  std::vector<double> z_winsorised;  // clamped to the 10th..90th percentiles
  double phi = 1;
  double chi2_p = 1;  // P(chi-squared(I - 1) >= I phi)
  double tau2 = 0;
  std::vector<double> z_adjusted;  // (y - theta0) / sqrt(s^2 + tau^2)
};

// Step 1-3 above for indicator values y_i with null standard errors s_i. `winsor` is the tail
// fraction (0.1); 0 keeps z as it is.
Result<OverdispersionFit> FitOverdispersion(std::span<const double> y, std::span<const double> s,
                                            double theta0, double winsor);

enum class FunnelClass { kAlarmLow, kAlertLow, kWithin, kAlertHigh, kAlarmHigh };
std::string_view FunnelClassName(FunnelClass c);  // alarm-low, alert-low, within, ...

FunnelClass Classify(double y, const FunnelLimits& limits);

struct FunnelOptions {
  FunnelIndicator indicator = FunnelIndicator::kRatio;
  // Proportions: the target; 0 or less means the pooled rate sum O / sum n. Ratios: always 1.
  double theta0 = 0;
  Overdispersion overdispersion = Overdispersion::kNone;
  double winsor = 0.1;
};

struct FunnelPoint {
  double observed = 0;
  double size = 0;  // n or E
  double y = 0;     // O / n or O / E
  double z = 0;     // against the plotted limits' own scale: adjusted z when additive
  FunnelLimits limits;
  FunnelClass classification = FunnelClass::kWithin;
};

struct FunnelPlot {
  FunnelIndicator indicator = FunnelIndicator::kRatio;
  double theta0 = 1;
  Overdispersion overdispersion = Overdispersion::kNone;
  OverdispersionFit fit;  // always estimated (phi, tau^2 reported even when not applied)
  std::vector<FunnelPoint> points;
};

// Limits at `size` for a fitted plot: exact without over-dispersion, normal with it.
Result<FunnelLimits> LimitsAt(const FunnelPlot& plot, double size);

// Every unit (observed O_i, size n_i or E_i) placed on one funnel. Over-dispersion needs >= 2
// units; with fewer the fit is left at phi = 1, tau^2 = 0.
Result<FunnelPlot> MakeFunnelPlot(std::span<const double> observed, std::span<const double> size,
                                  const FunnelOptions& options);

}  // namespace orp::stats
