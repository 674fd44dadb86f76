#include "orp/stats/maxsprt.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace orp::stats {
namespace {

Result<void> CheckDesign(double upper_limit, int64_t min_events) {
  if (!(std::isfinite(upper_limit) && upper_limit > 0)) {
    return InvalidArgument(
        fmt::format("maxSPRT upper limit T = {} must be a finite number > 0", upper_limit));
  }
  if (min_events < 1) {
    return InvalidArgument(fmt::format("maxSPRT minimum events {} must be >= 1", min_events));
  }
  return {};
}

// mu in (0, k) with LLR(k, mu) = cv: LLR falls from +inf to 0 as mu rises to k.
double Boundary(int64_t k, double cv) {
  double lo = 0, hi = static_cast<double>(k);
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    if (PoissonMaxSprtLlr(k, mid) >= cv) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Carries the count distribution `mass` (counts 0..size-1) forward by `delta` of expected time,
// keeping counts 0..keep-1 (larger counts are dropped: they have signalled).
std::vector<double> Advance(const std::vector<double>& mass, double delta, size_t keep) {
  if (delta <= 0) return {mass.begin(), mass.begin() + std::min(mass.size(), keep)};
  std::vector<double> pmf(keep);
  for (size_t j = 0; j < keep; ++j) {
    pmf[j] = std::exp(static_cast<double>(j) * std::log(delta) - delta -
                      std::lgamma(static_cast<double>(j) + 1));
  }
  std::vector<double> next(keep, 0.0);
  for (size_t i = 0; i < mass.size() && i < keep; ++i) {
    if (mass[i] == 0) continue;
    for (size_t j = i; j < keep; ++j) next[j] += mass[i] * pmf[j - i];
  }
  return next;
}

}  // namespace

double PoissonMaxSprtLlr(int64_t events, double expected) {
  const auto c = static_cast<double>(events);
  if (c < expected || events == 0) return 0;
  return (expected - c) + c * std::log(c / expected);
}

Result<double> PoissonMaxSprtAlpha(double cv, double upper_limit, int64_t min_events) {
  ORP_RETURN_IF_ERROR(CheckDesign(upper_limit, min_events));
  if (!(std::isfinite(cv) && cv > 0)) {
    return InvalidArgument(fmt::format("maxSPRT critical value {} must be > 0", cv));
  }
  std::vector<double> mass = {1.0};
  double now = 0;
  for (int64_t k = min_events;; ++k) {
    const double boundary = Boundary(k, cv);
    const double until = std::min(boundary, upper_limit);
    mass = Advance(mass, until - now, static_cast<size_t>(k));
    now = until;
    if (boundary >= upper_limit) break;
  }
  double kept = 0;
  for (double m : mass) kept += m;
  return 1 - kept;
}

Result<double> PoissonMaxSprtCriticalValue(double upper_limit, double alpha, int64_t min_events) {
  ORP_RETURN_IF_ERROR(CheckDesign(upper_limit, min_events));
  if (!(alpha > 0 && alpha < 0.5)) {
    return InvalidArgument(fmt::format("maxSPRT alpha {} must be between 0 and 0.5", alpha));
  }
  double lo = 1e-9, hi = 1;
  if (*PoissonMaxSprtAlpha(lo, upper_limit, min_events) < alpha) {
    return InvalidArgument(fmt::format(
        "maxSPRT with T = {} and at least {} events cannot spend alpha {}: too few events are "
        "expected",
        upper_limit, min_events, alpha));
  }
  while (*PoissonMaxSprtAlpha(hi, upper_limit, min_events) > alpha) {
    lo = hi;
    hi *= 2;
    if (hi > 1e3) return InvalidArgument("no maxSPRT critical value reaches that alpha");
  }
  while (hi - lo > 1e-9) {
    const double mid = (lo + hi) / 2;
    if (*PoissonMaxSprtAlpha(mid, upper_limit, min_events) > alpha) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

Result<MaxSprtState> RunPoissonMaxSprt(std::span<const int64_t> cumulative_events,
                                       std::span<const double> cumulative_expected, double cv,
                                       double upper_limit, int64_t min_events) {
  ORP_RETURN_IF_ERROR(CheckDesign(upper_limit, min_events));
  if (cumulative_events.size() != cumulative_expected.size()) {
    return InvalidArgument(fmt::format("{} event counts but {} expected counts",
                                       cumulative_events.size(), cumulative_expected.size()));
  }
  MaxSprtState state;
  for (size_t i = 0; i < cumulative_events.size(); ++i) {
    const int64_t c = cumulative_events[i];
    const double mu = cumulative_expected[i];
    if (c < state.events || !(std::isfinite(mu) && mu >= state.expected)) {
      return InvalidArgument(
          fmt::format("look {}: cumulative events {} and expected {} must not fall", i + 1, c, mu));
    }
    if (mu > upper_limit) {
      state.ended = true;
      break;
    }
    state.events = c;
    state.expected = mu;
    state.llr = PoissonMaxSprtLlr(c, mu);
    if (c >= min_events && state.llr >= cv) {
      state.signalled = true;
      state.signal_event = static_cast<int64_t>(i);
      state.signal_expected = mu;
      break;
    }
    if (mu == upper_limit) state.ended = true;
  }
  return state;
}

}  // namespace orp::stats
