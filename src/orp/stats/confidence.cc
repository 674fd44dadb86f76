#include "orp/stats/confidence.h"

#include <fmt/format.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>

namespace orp::stats {
namespace {

// R's pmax/pmin propagate NaN; std::max/min do so only by argument order, so say it outright.
double ClampBelow(double x, double floor) { return std::isnan(x) ? x : std::max(x, floor); }
double ClampAbove(double x, double ceiling) { return std::isnan(x) ? x : std::min(x, ceiling); }

}  // namespace

Result<ConfType> ParseConfType(std::string_view name) {
  if (name == "plain") return ConfType::kPlain;
  if (name == "log") return ConfType::kLog;
  if (name == "log-log") return ConfType::kLogLog;
  return InvalidArgument(
      fmt::format("confidence interval type '{}': choose plain, log or log-log", name));
}

std::string_view ConfTypeName(ConfType type) {
  switch (type) {
    case ConfType::kPlain: return "plain";
    case ConfType::kLog: return "log";
    case ConfType::kLogLog: return "log-log";
  }
  return "log";
}

Result<double> NormalQuantileForLevel(double level) {
  if (!(level > 0 && level < 1)) {
    return InvalidArgument(
        fmt::format("confidence level {} must be strictly between 0 and 1", level));
  }
  boost::math::normal_distribution<double> normal;
  // The upper tail through complement keeps full precision for levels close to 1.
  return boost::math::quantile(boost::math::complement(normal, (1 - level) / 2));
}

Interval SurvivalInterval(double surv, double log_se, double z, ConfType type) {
  switch (type) {
    case ConfType::kPlain: {
      const double half = log_se * surv * z;
      return {ClampBelow(surv - half, 0), ClampAbove(surv + half, 1)};
    }
    case ConfType::kLog: {
      if (surv == 0) return {kNaN, kNaN};
      const double half = z * log_se;
      return {std::exp(std::log(surv) - half), ClampAbove(std::exp(std::log(surv) + half), 1)};
    }
    case ConfType::kLogLog: {
      if (surv == 0 || surv == 1) return {kNaN, kNaN};
      const double half = z * log_se / std::log(surv);
      const double center = std::log(-std::log(surv));
      return {std::exp(-std::exp(center - half)), std::exp(-std::exp(center + half))};
    }
  }
  return {kNaN, kNaN};
}

}  // namespace orp::stats
