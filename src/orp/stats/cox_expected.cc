// CoxExpected (cox.h): the Breslow baseline cumulative hazard swept over sorted times.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "orp/stats/cox.h"

namespace orp::stats {

Result<std::vector<double>> CoxExpected(const CoxData& data, const CoxFit& fit) {
  const size_t n = data.time.size();
  const size_t p = data.names.size();
  if (fit.coefficients.size() != p || data.status.size() != n || data.covariates.size() != n * p ||
      (!data.strata.empty() && data.strata.size() != n) ||
      (!data.counts.empty() && data.counts.size() != n)) {
    return InvalidArgument(fmt::format(
        "Cox expected counts need one coefficient per covariate and equal lengths: {} "
        "coefficients for {} covariates, {} times, {} statuses, {} covariate values, {} "
        "counts",
        fit.coefficients.size(), p, n, data.status.size(), data.covariates.size(),
        data.counts.size()));
  }
  auto count = [&](size_t i) { return data.counts.empty() ? 1.0 : data.counts[i]; };
  // Linear predictors, centred on their mean over subjects so exp() stays finite (the result is
  // invariant).
  std::vector<double> lp(n, 0.0);
  for (size_t j = 0; j < p; ++j) {
    const double b = fit.coefficients[j].coef;
    for (size_t i = 0; i < n; ++i) lp[i] += b * data.covariates[j * n + i];
  }
  double lp_sum = 0, subjects = 0;
  for (size_t i = 0; i < n; ++i) {
    lp_sum += count(i) * lp[i];
    subjects += count(i);
  }
  const double centre = n == 0 ? 0 : lp_sum / subjects;
  std::vector<double> risk(n);
  for (size_t i = 0; i < n; ++i) risk[i] = std::exp(lp[i] - centre);
  auto stratum = [&](size_t i) { return data.strata.empty() ? 0 : data.strata[i]; };
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (stratum(a) != stratum(b)) return stratum(a) < stratum(b);
    return data.time[a] > data.time[b];  // longest first: risk sets accumulate downwards
  });
  // Pass 1, longest time first: the hazard increment at each distinct time of a stratum.
  // Pass 2, shortest first: cumulate and assign.
  std::vector<double> increment(n, 0.0);  // per position in `order`, at the last of its tie
  for (size_t start = 0; start < n;) {
    size_t end = start;
    while (end < n && stratum(order[end]) == stratum(order[start])) ++end;
    double at_risk = 0;
    for (size_t k = start; k < end;) {
      size_t tie = k;
      double events = 0;
      while (tie < end && data.time[order[tie]] == data.time[order[k]]) {
        at_risk += count(order[tie]) * risk[order[tie]];
        events += data.status[order[tie]] == 1 ? count(order[tie]) : 0.0;
        ++tie;
      }
      increment[tie - 1] = events > 0 ? events / at_risk : 0;
      k = tie;
    }
    double cumulative = 0;
    for (size_t k = end; k > start;) {
      size_t tie = k;
      while (tie > start && data.time[order[tie - 1]] == data.time[order[k - 1]]) --tie;
      cumulative += increment[k - 1];
      for (size_t m = tie; m < k; ++m) increment[m] = cumulative;
      k = tie;
    }
    start = end;
  }
  std::vector<double> expected(n);
  for (size_t k = 0; k < n; ++k) expected[order[k]] = increment[k] * risk[order[k]];
  return expected;
}

}  // namespace orp::stats
