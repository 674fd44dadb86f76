// Logistic regression of a 0/1 outcome on covariates with an intercept, fitted by iteratively
// reweighted least squares exactly as R's glm(family = binomial) does (glm.fit, R 4.2), so the
// coefficients, standard errors and deviances agree with R to 1e-8.
//
// Method: logit P(y = 1 | x) = b0 + x'b.
//   - Start from mu = (y + 0.5) / 2 (binomial()$initialize for 0/1 data), eta = logit(mu).
//   - Each iteration: working response z = eta + (y - mu) / mu'(eta), weights w = mu'(eta)^2 /
//     (mu (1 - mu)); solve the weighted least squares of z on [1, x]; eta = [1, x] b; mu =
//     logit^-1(eta) with R's clamping (|eta| > 30 gives DBL_EPSILON or 1 - DBL_EPSILON).
//   - Stop when |dev - dev_old| / (|dev| + 0.1) < epsilon (glm.control: 1e-8, at most 25
//     iterations); dev = -2 sum [y log mu + (1 - y) log(1 - mu)].
//   - Standard errors from the inverse of X'WX with the weights of the last iteration (as
//     summary.glm takes them from the last QR); z = b / se, p two-sided normal.
// The normal equations are solved on centred and scaled covariates (the fit is invariant to
// that reparametrisation) and mapped back, which keeps them well conditioned.
//
// Where glm returns numbers with a warning, FitLogistic returns kInvalidArgument instead:
// "algorithm did not converge" (no convergence within max_iterations), "fitted probabilities
// numerically 0 or 1 occurred" (separation: a covariate or level predicts the outcome
// perfectly), and a covariate that is constant or a linear combination of others (glm's NA
// coefficient), naming it. Cost: O(n p^2) per iteration (n rows, however many subjects they count).
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

struct LogisticControl {  // glm.control's defaults
  double epsilon = 1e-8;
  int max_iterations = 25;
};

// n subjects, p covariates (the intercept is added). Spans must outlive the call.
struct LogisticData {
  std::span<const double> outcome;     // n, each 0 or 1
  std::span<const double> covariates;  // n * p, column-major (column j is [j*n, (j+1)*n))
  std::span<const std::string> names;  // p
  // Frequency weights: row i stands for counts[i] identical subjects (whole numbers >= 1);
  // empty, one each. The fit is the fit of the rows written out, iterates included (each row
  // starts where glm starts a 0/1 subject, not where glm starts a weighted row), so factor data
  // can be collapsed to one row per (covariate pattern, outcome) first. `n`, `events`, the
  // deviances and the AIC count subjects; `fitted` has one probability per row.
  std::span<const double> counts{};
};

struct LogisticCoefficient {
  std::string name;  // "(Intercept)" first, then the covariates
  double estimate = 0;
  double se = 0;
  double z = 0;
  double p = 0;  // two-sided Wald p-value
};

struct LogisticFit {
  int64_t n = 0;
  int64_t events = 0;  // subjects with outcome 1
  std::vector<LogisticCoefficient> coefficients;
  std::vector<double> variance;  // (p + 1) x (p + 1), row-major, intercept first
  double deviance = 0;
  double null_deviance = 0;    // of the intercept-only model
  double aic = 0;              // deviance + 2 (p + 1), for 0/1 data
  int iterations = 0;          // as glm reports `iter`
  std::vector<double> fitted;  // n fitted probabilities
};

// kInvalidArgument for inconsistent lengths, no subjects, a non-finite covariate, an outcome
// other than 0/1, and the unfittable models above (each message says which and why).
Result<LogisticFit> FitLogistic(const LogisticData& data, const LogisticControl& control = {});

}  // namespace orp::stats
