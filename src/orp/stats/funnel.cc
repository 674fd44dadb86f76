#include "orp/stats/funnel.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <cmath>
#include <numeric>

namespace orp::stats {
namespace {

namespace bm = boost::math;
using Policy =
    bm::policies::policy<bm::policies::domain_error<bm::policies::errno_on_error>,
                         bm::policies::overflow_error<bm::policies::errno_on_error>,
                         bm::policies::evaluation_error<bm::policies::errno_on_error>,
                         bm::policies::pole_error<bm::policies::errno_on_error>,
                         bm::policies::discrete_quantile<bm::policies::integer_round_up>>;

Result<void> CheckPoint(FunnelIndicator indicator, double theta0, double size, double p) {
  if (!(p > 0 && p < 1)) {
    return InvalidArgument(fmt::format("funnel probability {} must be between 0 and 1", p));
  }
  if (!(std::isfinite(size) && size > 0)) {
    return InvalidArgument(
        fmt::format("funnel {} {} must be a finite number > 0",
                    indicator == FunnelIndicator::kRatio ? "expected count" : "denominator", size));
  }
  if (indicator == FunnelIndicator::kProportion && !(theta0 > 0 && theta0 < 1)) {
    return InvalidArgument(fmt::format("funnel target {} must be between 0 and 1", theta0));
  }
  return {};
}

// The smallest r with F(r) >= p, and the interpolated r_p - alpha.
template <typename Distribution>
double InterpolatedQuantile(const Distribution& dist, double p) {
  double r = bm::quantile(dist, p);
  // Boost's discrete quantile is found numerically; settle it on the definition.
  while (r > 0 && bm::cdf(dist, r - 1) >= p) r -= 1;
  while (bm::cdf(dist, r) < p) r += 1;
  const double f_r = bm::cdf(dist, r);
  const double f_below = r > 0 ? bm::cdf(dist, r - 1) : 0.0;
  return r - (f_r - p) / (f_r - f_below);
}

FunnelLimit Clip(FunnelIndicator indicator, double unclipped) {
  double value = std::max(unclipped, 0.0);
  if (indicator == FunnelIndicator::kProportion) value = std::min(value, 1.0);
  return {unclipped, value};
}

double NullStdErr(FunnelIndicator indicator, double theta0, double size) {
  return indicator == FunnelIndicator::kRatio ? 1 / std::sqrt(size)
                                              : std::sqrt(theta0 * (1 - theta0) / size);
}

// R quantile(x, q, type = 7) of sorted values.
double QuantileType7(const std::vector<double>& sorted, double q) {
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - std::floor(h)) * (sorted[hi] - sorted[lo]);
}

double Normal(double p) { return bm::quantile(bm::normal_distribution<double>(), p); }

}  // namespace

Result<FunnelLimit> ExactFunnelLimit(FunnelIndicator indicator, double theta0, double size,
                                     double p) {
  ORP_RETURN_IF_ERROR(CheckPoint(indicator, theta0, size, p));
  if (indicator == FunnelIndicator::kRatio) {
    const bm::poisson_distribution<double, Policy> dist(size);
    return Clip(indicator, InterpolatedQuantile(dist, p) / size);
  }
  if (size != std::floor(size)) {
    return InvalidArgument(fmt::format("funnel denominator {} must be a whole number", size));
  }
  const bm::binomial_distribution<double, Policy> dist(size, theta0);
  return Clip(indicator, InterpolatedQuantile(dist, p) / size);
}

Result<FunnelLimit> NormalFunnelLimit(FunnelIndicator indicator, double theta0, double size,
                                      double p) {
  ORP_RETURN_IF_ERROR(CheckPoint(indicator, theta0, size, p));
  const double target = indicator == FunnelIndicator::kRatio ? 1.0 : theta0;
  return Clip(indicator, target + Normal(p) * NullStdErr(indicator, theta0, size));
}

std::string_view OverdispersionName(Overdispersion method) {
  switch (method) {
    case Overdispersion::kNone: return "none";
    case Overdispersion::kMultiplicative: return "multiplicative";
    case Overdispersion::kAdditive: return "additive";
  }
  return "none";
}

Result<Overdispersion> ParseOverdispersion(std::string_view name) {
  if (name == "none") return Overdispersion::kNone;
  if (name == "multiplicative") return Overdispersion::kMultiplicative;
  if (name == "additive") return Overdispersion::kAdditive;
  return InvalidArgument(
      fmt::format("over-dispersion '{}': choose none, multiplicative or additive", name));
}

Result<OverdispersionFit> FitOverdispersion(std::span<const double> y, std::span<const double> s,
                                            double theta0, double winsor) {
  if (y.size() != s.size()) {
    return InvalidArgument(
        fmt::format("{} indicator values but {} standard errors", y.size(), s.size()));
  }
  if (y.size() < 2) return InvalidArgument("over-dispersion needs at least 2 units");
  if (!(winsor >= 0 && winsor < 0.5)) {
    return InvalidArgument(fmt::format("winsorising fraction {} must be in [0, 0.5)", winsor));
  }
  OverdispersionFit fit;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!(std::isfinite(s[i]) && s[i] > 0)) {
      return InvalidArgument(fmt::format("unit {}: standard error {} must be > 0", i + 1, s[i]));
    }
    fit.z.push_back((y[i] - theta0) / s[i]);
  }
  std::vector<double> sorted = fit.z;
  std::sort(sorted.begin(), sorted.end());
  const double low = QuantileType7(sorted, winsor);
  const double high = QuantileType7(sorted, 1 - winsor);
  double sum_z2 = 0, sum_w = 0, sum_w2 = 0;
  for (size_t i = 0; i < fit.z.size(); ++i) {
    const double zw = std::clamp(fit.z[i], low, high);
    fit.z_winsorised.push_back(zw);
    sum_z2 += zw * zw;
    const double w = 1 / (s[i] * s[i]);
    sum_w += w;
    sum_w2 += w * w;
  }
  const auto units = static_cast<double>(y.size());
  fit.phi = sum_z2 / units;
  fit.chi2_p = bm::cdf(bm::complement(bm::chi_squared_distribution<double>(units - 1), sum_z2));
  fit.tau2 = std::max(0.0, (units * fit.phi - (units - 1)) / (sum_w - sum_w2 / sum_w));
  for (size_t i = 0; i < y.size(); ++i)
    fit.z_adjusted.push_back((y[i] - theta0) / std::sqrt(s[i] * s[i] + fit.tau2));
  return fit;
}

std::string_view FunnelClassName(FunnelClass c) {
  switch (c) {
    case FunnelClass::kAlarmLow: return "alarm-low";
    case FunnelClass::kAlertLow: return "alert-low";
    case FunnelClass::kWithin: return "within";
    case FunnelClass::kAlertHigh: return "alert-high";
    case FunnelClass::kAlarmHigh: return "alarm-high";
  }
  return "within";
}

FunnelClass Classify(double y, const FunnelLimits& limits) {
  if (y > limits.upper998) return FunnelClass::kAlarmHigh;
  if (y > limits.upper95) return FunnelClass::kAlertHigh;
  if (y < limits.lower998) return FunnelClass::kAlarmLow;
  if (y < limits.lower95) return FunnelClass::kAlertLow;
  return FunnelClass::kWithin;
}

Result<FunnelLimits> LimitsAt(const FunnelPlot& plot, double size) {
  FunnelLimits limits;
  limits.size = size;
  double* slots[4] = {&limits.lower998, &limits.lower95, &limits.upper95, &limits.upper998};
  const double s = NullStdErr(plot.indicator, plot.theta0, size);
  for (int k = 0; k < 4; ++k) {
    const double p = kFunnelProbabilities[k];
    if (plot.overdispersion == Overdispersion::kNone) {
      auto limit = ExactFunnelLimit(plot.indicator, plot.theta0, size, p);
      if (!limit) return std::unexpected(limit.error());
      *slots[k] = limit->value;
      continue;
    }
    ORP_RETURN_IF_ERROR(CheckPoint(plot.indicator, plot.theta0, size, p));
    const double spread = plot.overdispersion == Overdispersion::kMultiplicative
                              ? std::sqrt(plot.fit.phi) * s
                              : std::sqrt(s * s + plot.fit.tau2);
    *slots[k] = Clip(plot.indicator, plot.theta0 + Normal(p) * spread).value;
  }
  return limits;
}

Result<FunnelPlot> MakeFunnelPlot(std::span<const double> observed, std::span<const double> size,
                                  const FunnelOptions& options) {
  if (observed.size() != size.size()) {
    return InvalidArgument(
        fmt::format("{} observed counts but {} sizes", observed.size(), size.size()));
  }
  FunnelPlot plot;
  plot.indicator = options.indicator;
  plot.overdispersion = options.overdispersion;
  const bool ratio = options.indicator == FunnelIndicator::kRatio;
  const double total_o = std::accumulate(observed.begin(), observed.end(), 0.0);
  const double total_n = std::accumulate(size.begin(), size.end(), 0.0);
  plot.theta0 = ratio ? 1.0 : options.theta0 > 0 ? options.theta0 : total_o / total_n;
  std::vector<double> y, s;
  for (size_t i = 0; i < observed.size(); ++i) {
    if (!(observed[i] >= 0)) {
      return InvalidArgument(
          fmt::format("unit {}: observed count {} is negative", i + 1, observed[i]));
    }
    ORP_RETURN_IF_ERROR(CheckPoint(options.indicator, plot.theta0, size[i], 0.5));
    y.push_back(observed[i] / size[i]);
    s.push_back(NullStdErr(options.indicator, plot.theta0, size[i]));
  }
  if (y.size() >= 2) {
    auto fit = FitOverdispersion(y, s, plot.theta0, options.winsor);
    if (!fit) return std::unexpected(fit.error());
    plot.fit = std::move(*fit);
  } else if (options.overdispersion != Overdispersion::kNone) {
    return InvalidArgument("over-dispersion needs at least 2 units");
  }
  for (size_t i = 0; i < y.size(); ++i) {
    FunnelPoint point{observed[i], size[i], y[i], (y[i] - plot.theta0) / s[i], {}, {}};
    if (options.overdispersion == Overdispersion::kAdditive) point.z = plot.fit.z_adjusted[i];
    if (options.overdispersion == Overdispersion::kMultiplicative)
      point.z /= std::sqrt(plot.fit.phi);
    auto limits = LimitsAt(plot, size[i]);
    if (!limits) return std::unexpected(limits.error());
    point.limits = *limits;
    point.classification = Classify(y[i], point.limits);
    plot.points.push_back(point);
  }
  return plot;
}

}  // namespace orp::stats
