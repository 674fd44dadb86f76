// Pointwise confidence intervals for a survival probability, as R survival's survfit computes
// them (survival 3.5, function survfit_confint with logse = TRUE).
//
// Given S and sigma = the standard error of log S (Greenwood: sigma^2 = sum d / (n (n - d))),
// and z = qnorm(1 - (1 - level) / 2):
//   plain    S -/+ z sigma S, clipped to [0, 1];
//   log      exp(log S -/+ z sigma), upper clipped at 1; undefined (NaN) when S = 0;
//   log-log  exp(-exp(log(-log S) -/+ z sigma / log S)) (Kalbfleisch–Prentice), never clipped;
//            undefined when S = 0 or S = 1.
// NaN marks "not defined" exactly where R gives NA or NaN; output layers print it as null.
// Thread safety: pure functions.
#pragma once

#include <limits>
#include <string_view>

#include "orp/core/result.h"

namespace orp::stats {

// "Not defined" or "not computed", in every estimate and interval of this library.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class ConfType { kPlain, kLog, kLogLog };

// "plain" | "log" | "log-log" (R's conf.type names); kInvalidArgument otherwise.
Result<ConfType> ParseConfType(std::string_view name);
std::string_view ConfTypeName(ConfType type);

// z = qnorm(1 - (1 - level) / 2). kInvalidArgument unless 0 < level < 1.
Result<double> NormalQuantileForLevel(double level);

struct Interval {
  double lower;
  double upper;
};

// The interval for survival `surv` whose log has standard error `log_se`, at quantile `z`.
Interval SurvivalInterval(double surv, double log_se, double z, ConfType type);

}  // namespace orp::stats
