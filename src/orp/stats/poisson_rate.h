// Patient-time incidence rates (PTIR) with exact Poisson intervals, and the exact conditional
// test comparing two rates — equal to R stats::poisson.test (R 4.2).
//
// Rate. x events over T units of person-time, reported per `per` units (100 or 1,000
// patient-years): rate = per x / T. Exact (Garwood) interval at level 1 - alpha:
//   lower = per qgamma(alpha/2, x) / T (0 when x = 0),  upper = per qgamma(1 - alpha/2, x + 1) / T,
// i.e. the chi-squared form chi2(alpha/2; 2x) / 2T and chi2(1 - alpha/2; 2x + 2) / 2T.
//
// Rate ratio (poisson.test(c(x1, x2), c(T1, T2))): conditional on n = x1 + x2, x1 is
// Binomial(n, pi) with pi = T1 / (T1 + T2) under equal rates. The estimate is
// (x1 / T1) / (x2 / T2); the interval is the Clopper–Pearson interval (pL, pU) for pi mapped by
// theta = pi / (1 - pi) * T2 / T1; the two-sided p-value is binom.test's: the probability of
// every outcome no more likely than x1 (densities compared with relative tolerance 1e-7).
// Quantiles and densities come from Boost.Math. References: Garwood, Biometrika 1936;
// ../shared/specs/statistics.md §3 (its worked examples are unit tests).
//
// Errors: kInvalidArgument for negative events, person-time that is not finite and > 0,
// `per` not > 0, or a level outside (0, 1). Degenerate ratios (no events at all, none in the
// reference) follow R: NaN or +inf where R gives NaN or Inf. Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "orp/core/result.h"

namespace orp::stats {

struct PoissonRate {
  int64_t events = 0;
  double person_time = 0;
  double rate = 0;  // per `per` units of person-time
  double lower = 0;
  double upper = 0;
};

Result<PoissonRate> ExactPoissonRate(int64_t events, double person_time, double per,
                                     double conf_level);

struct RateRatioTest {
  double estimate = 0;  // rate ratio, first over second
  double lower = 0;
  double upper = 0;
  double p_value = 1;  // two-sided
};

Result<RateRatioTest> ExactRateRatioTest(int64_t events1, double person_time1, int64_t events2,
                                         double person_time2, double conf_level);

}  // namespace orp::stats
