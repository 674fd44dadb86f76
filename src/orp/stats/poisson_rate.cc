#include "orp/stats/poisson_rate.h"

#include <fmt/format.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <functional>

namespace orp::stats {
namespace {

namespace bm = boost::math;
// Inputs are validated before every call; this policy turns any remaining Boost error into a
// NaN/inf result rather than an exception crossing our API.
using PoissonPolicy =
    bm::policies::policy<bm::policies::domain_error<bm::policies::errno_on_error>,
                         bm::policies::overflow_error<bm::policies::errno_on_error>,
                         bm::policies::evaluation_error<bm::policies::errno_on_error>,
                         bm::policies::pole_error<bm::policies::errno_on_error>>;
using Binomial = bm::binomial_distribution<double, PoissonPolicy>;

Result<void> CheckLevel(double conf_level) {
  if (conf_level > 0 && conf_level < 1) return {};
  return InvalidArgument(
      fmt::format("confidence level {} must be strictly between 0 and 1", conf_level));
}

Result<void> CheckCounts(int64_t events, double person_time) {
  if (events < 0) return InvalidArgument(fmt::format("event count {} is negative", events));
  if (!(std::isfinite(person_time) && person_time > 0)) {
    return InvalidArgument(fmt::format("person-time {} must be a finite number > 0", person_time));
  }
  return {};
}

// The number of indices in [from, to] whose density is at most `limit`, where the density is
// monotone over the range (rising when `rising`). R counts them one by one; a short range is
// counted the same way, a long one by bisection on the monotone density.
int64_t CountAtMost(const std::function<double(int64_t)>& density, int64_t from, int64_t to,
                    double limit, bool rising) {
  if (to < from) return 0;
  if (to - from < 64) {
    int64_t count = 0;
    for (int64_t i = from; i <= to; ++i) count += density(i) <= limit;
    return count;
  }
  // Find the boundary between the indices at most `limit` and the rest.
  int64_t lo = from;
  int64_t hi = to + 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const bool small = density(mid) <= limit;
    if (small == rising) {
      lo = mid + 1;  // rising: the small ones are a prefix; falling: the large ones are
    } else {
      hi = mid;
    }
  }
  return rising ? lo - from : to + 1 - lo;
}

// binom.test(x, n, p)$p.value, alternative two.sided (R 4.2 stats).
double BinomialTwoSidedP(int64_t x, int64_t n, double p) {
  if (p == 0) return x == 0 ? 1 : 0;
  if (p == 1) return x == n ? 1 : 0;
  const Binomial dist(static_cast<double>(n), p);
  auto density = [&](int64_t i) { return bm::pdf(dist, static_cast<double>(i)); };
  const double limit = density(x) * (1 + 1e-7);
  const double m = static_cast<double>(n) * p;
  if (static_cast<double>(x) == m) return 1;
  if (static_cast<double>(x) < m) {
    // Above the mode the density falls, so the outcomes as unlikely as x are a top tail.
    const int64_t y = CountAtMost(density, static_cast<int64_t>(std::ceil(m)), n, limit, false);
    const double upper = n - y >= n ? 0 : bm::cdf(bm::complement(dist, double(n - y)));
    return bm::cdf(dist, static_cast<double>(x)) + upper;
  }
  const int64_t y = CountAtMost(density, 0, static_cast<int64_t>(std::floor(m)), limit, true);
  const double lower = y >= 1 ? bm::cdf(dist, static_cast<double>(y - 1)) : 0;
  return lower + bm::cdf(bm::complement(dist, static_cast<double>(x - 1)));
}

}  // namespace

Result<PoissonRate> ExactPoissonRate(int64_t events, double person_time, double per,
                                     double conf_level) {
  ORP_RETURN_IF_ERROR(CheckCounts(events, person_time));
  ORP_RETURN_IF_ERROR(CheckLevel(conf_level));
  if (!(std::isfinite(per) && per > 0)) {
    return InvalidArgument(fmt::format("rate multiplier {} must be a number > 0", per));
  }
  const double alpha = (1 - conf_level) / 2;
  const double x = static_cast<double>(events);
  PoissonRate rate;
  rate.events = events;
  rate.person_time = person_time;
  rate.rate = per * x / person_time;
  rate.lower = events == 0 ? 0 : per * bm::gamma_p_inv(x, alpha, PoissonPolicy()) / person_time;
  rate.upper = per * bm::gamma_p_inv(x + 1, 1 - alpha, PoissonPolicy()) / person_time;
  return rate;
}

Result<RateRatioTest> ExactRateRatioTest(int64_t events1, double person_time1, int64_t events2,
                                         double person_time2, double conf_level) {
  ORP_RETURN_IF_ERROR(CheckCounts(events1, person_time1));
  ORP_RETURN_IF_ERROR(CheckCounts(events2, person_time2));
  ORP_RETURN_IF_ERROR(CheckLevel(conf_level));
  const int64_t n = events1 + events2;
  const double x = static_cast<double>(events1);
  const double alpha = (1 - conf_level) / 2;
  const double pi = person_time1 / (person_time1 + person_time2);
  // Clopper–Pearson bounds for pi, as binom.test computes them.
  const double p_lower =
      events1 == 0 ? 0
                   : bm::ibeta_inv(x, static_cast<double>(n - events1) + 1, alpha, PoissonPolicy());
  const double p_upper = events1 == n ? 1
                                      : bm::ibeta_inv(x + 1, static_cast<double>(n - events1),
                                                      1 - alpha, PoissonPolicy());
  auto to_ratio = [&](double p) { return p / (1 - p) * person_time2 / person_time1; };
  RateRatioTest test;
  test.estimate = (x / person_time1) / (static_cast<double>(events2) / person_time2);
  test.lower = to_ratio(p_lower);
  test.upper = to_ratio(p_upper);
  test.p_value = BinomialTwoSidedP(events1, n, pi);
  return test;
}

}  // namespace orp::stats
