// Cox proportional-hazards regression: h(t | x) = h0(t) exp(x'beta), fitted by maximising the
// partial likelihood with Newton–Raphson, equal to R survival::coxph (survival 3.5.3) to 1e-6.
//
// Method (../shared/specs/statistics.md §4; Therneau & Grambsch 2000, ch. 3):
//   log PL(beta) = sum over event times t of [ sum_{i dies at t} x_i'beta - sum_{k=0}^{d-1}
//                  log( R(t) - (k/d) D(t) ) ]                                   (Efron)
//   where R(t) = sum of exp(x'beta) over everyone at risk at t (time >= t, same stratum), D(t)
//   the same sum over the d events at t. Breslow drops the k/d term (every tied event sees the
//   whole risk set). Strata share beta but have their own baseline hazard: risk sets never
//   cross a stratum.
//
// Conventions, all as coxph:
//   - Censored at t means still at risk at t (censorings after events at tied times).
//   - Times closer than sqrt(machine epsilon) (~1.5e-8), absolutely or relative to the mean
//     |time| over distinct times, count as tied (coxph's timefix, survival's aeqSurv), so that
//     floating-point noise does not split a tie; CoxControl::timefix = false compares exactly.
//   - Covariates whose values are not all in {-1, 0, 1} are centred on their mean and scaled by
//     the inverse mean absolute deviation while iterating; results are on the original scale.
//   - Start at beta = 0; stop when |1 - loglik_old / loglik_new| <= eps (1e-9) after at least one
//     Newton step; a step that lowers the log-likelihood (or overflows) is shrunk towards the last
//     good beta (halving, then thirds, ...); at most iter_max (20) iterations.
//   - SE from the inverse of the information matrix at the final beta; z = beta / se; p is
//     two-sided normal; hazard-ratio limits exp(beta -/+ z_{1-a/2} se) (Wald).
//   - Score test at beta = 0, Wald test beta' I beta, likelihood-ratio 2 (loglik - loglik_null),
//     each on df = number of coefficients.
//
// Where coxph returns numbers with a warning, FitCox returns an error (kInvalidArgument) naming
// the covariate: a coefficient that runs to infinity (coxph's "Loglik converged before variable
// X; coefficient may be infinite", detected as |u' V| > toler_inf |beta| at convergence, typically
// a factor level with no events or a covariate that separates events from censorings), a
// covariate that is a linear combination of earlier ones (coxph's NA coefficient), and a fit
// that has not converged within iter_max iterations.
//
// Cost: one sort by (stratum, time), then O(n q^2) per iteration with running sums from the
// longest time down, where q is the number of non-zero covariates of a row (rows are stored
// sparsely: a factor-coded row has one non-zero per factor, whatever p is). Thread safety: pure
// functions; inputs are only read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

enum class CoxTies { kEfron, kBreslow };

// "efron" | "breslow".
std::string_view CoxTiesName(CoxTies ties);
// Parses "efron" or "breslow"; anything else is kInvalidArgument naming the choices.
Result<CoxTies> ParseCoxTies(std::string_view text);

// Iteration controls, with coxph.control's defaults.
struct CoxControl {
  double eps = 1e-9;                           // relative change in loglik that means converged
  double toler_chol = 1.8189894035458565e-12;  // .Machine$double.eps^0.75: singular pivot
  int iter_max = 20;
  double toler_inf = 3.1622776601683795e-05;  // sqrt(eps): infinite-coefficient check
  bool timefix = true;                        // merge nearly equal times, as coxph
};

struct CoxOptions {
  CoxTies ties = CoxTies::kEfron;
  double conf_level = 0.95;  // for the hazard-ratio limits; in (0, 1)
  CoxControl control;
};

// The model's data: n subjects, p covariates. Spans must outlive the call.
struct CoxData {
  std::span<const double> time;        // n, finite
  std::span<const int32_t> status;     // n, 0 censored or 1 event
  std::span<const double> covariates;  // n * p, column-major (column j is [j*n, (j+1)*n))
  std::span<const std::string> names;  // p covariate names, used in results and messages
  std::span<const int32_t> strata;     // empty (one stratum) or n stratum codes
  // Frequency weights: row i stands for counts[i] identical subjects (whole numbers >= 1);
  // empty, one each. A fit on counted rows is the fit on the rows written out (either ties
  // method: tied events are counted, not weighted), so data whose covariates are all factors can
  // be collapsed to one row per (time, status, covariate pattern) first (surveillance does).
  std::span<const double> counts{};
};

struct CoxCoefficient {
  std::string name;
  double coef = 0;      // log hazard ratio
  double se = 0;        // standard error of coef
  double z = 0;         // coef / se
  double p = 0;         // two-sided Wald p-value
  double hr = 0;        // exp(coef)
  double hr_lower = 0;  // exp(coef - z_{1-a/2} se)
  double hr_upper = 0;
};

struct CoxFit {
  CoxTies ties = CoxTies::kEfron;
  int64_t n = 0;
  int64_t events = 0;
  int64_t strata = 1;
  double loglik_null = 0;  // log partial likelihood at beta = 0
  double loglik = 0;       // at the estimate
  int iterations = 0;      // Newton iterations, counted as coxph counts them
  std::vector<CoxCoefficient> coefficients;
  std::vector<double> variance;  // p x p inverse information, row-major
  double score_test = 0;         // chi-square on df, at beta = 0 (the log-rank test for a group)
  double wald_test = 0;
  double likelihood_ratio_test = 0;
  int df = 0;
};

// Fits the model. kInvalidArgument for inconsistent lengths, no covariates, a non-finite time or
// covariate, a status other than 0/1, no events, a bad conf_level, and for the unfittable models
// listed above (each message names the covariate and says why).
Result<CoxFit> FitCox(const CoxData& data, const CoxOptions& options = {});

// Expected events per subject under a fitted model: Lambda0(T_i) exp(x_i'beta), where Lambda0 is
// the Breslow estimator of the baseline cumulative hazard within the subject's stratum,
// dLambda0(t) = d(t) / sum over the risk set at t of exp(x'beta). Equal to R's
// predict(fit, type = "expected") for a fit with ties = "breslow" (for an Efron fit R adjusts
// the increments for ties; this function does not). Times are compared exactly (no timefix).
// With `counts`, the result is per subject of the row (not multiplied by its count).
// Over any fit, the expected counts sum to the observed events within each stratum: the
// property indirect standardisation by a Cox model rests on (statistics.md §8).
// kInvalidArgument when `fit` does not have one coefficient per covariate of `data`, or for the
// inconsistent lengths FitCox refuses.
Result<std::vector<double>> CoxExpected(const CoxData& data, const CoxFit& fit);

// Upper-tail p-value of a chi-square statistic on df degrees of freedom (df >= 1).
double ChiSquarePValue(double statistic, int df);

}  // namespace orp::stats
