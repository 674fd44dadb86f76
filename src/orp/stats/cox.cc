#include "orp/stats/cox.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>

#include "orp/stats/cox_likelihood.h"
#include "orp/stats/cox_linalg.h"

namespace orp::stats {
namespace {

using internal::CoxLikelihood;
using internal::CoxRows;

Result<bool> ValidateCoxCounts(std::span<const double> counts, size_t n) {
  if (counts.empty()) return true;
  if (counts.size() != n) {
    return InvalidArgument(fmt::format("Cox data have {} counts for {} rows", counts.size(), n));
  }
  for (size_t i = 0; i < n; ++i) {
    if (!(counts[i] >= 1 && counts[i] <= 1e15) || counts[i] != std::floor(counts[i])) {
      return InvalidArgument(
          fmt::format("count in row {} is {}; it must be a whole number of subjects, at least 1",
                      i + 1, counts[i]));
    }
  }
  return true;
}

Result<bool> ValidateCoxData(const CoxData& data, const CoxOptions& options) {
  const size_t n = data.time.size();
  const size_t p = data.names.size();
  if (p == 0) return InvalidArgument("a Cox model needs at least one covariate");
  if (n == 0) return InvalidArgument("a Cox model needs at least one subject; the data are empty");
  if (n > UINT32_MAX) return InvalidArgument("a Cox model is limited to 4,294,967,295 subjects");
  if (data.status.size() != n || data.covariates.size() != n * p ||
      (!data.strata.empty() && data.strata.size() != n)) {
    return InvalidArgument(fmt::format(
        "Cox data have inconsistent lengths: {} times, {} statuses, {} covariate values for {} "
        "covariates, {} stratum codes",
        n, data.status.size(), data.covariates.size(), p, data.strata.size()));
  }
  ORP_RETURN_IF_ERROR(ValidateCoxCounts(data.counts, n));
  if (!(options.conf_level > 0 && options.conf_level < 1)) {
    return InvalidArgument(
        fmt::format("conf_level {} must be between 0 and 1", options.conf_level));
  }
  if (options.control.iter_max < 0) return InvalidArgument("iter_max must not be negative");
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(data.time[i])) {
      return InvalidArgument(fmt::format("time in row {} is not a finite number", i + 1));
    }
    if (data.status[i] != 0 && data.status[i] != 1) {
      return InvalidArgument(fmt::format(
          "status in row {} is {}; it must be 0 (censored) or 1 (event)", i + 1, data.status[i]));
    }
  }
  for (size_t j = 0; j < p; ++j) {
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(data.covariates[j * n + i])) {
        return InvalidArgument(
            fmt::format("covariate '{}' in row {} is not a finite number", data.names[j], i + 1));
      }
    }
  }
  if (std::find(data.status.begin(), data.status.end(), 1) == data.status.end()) {
    return InvalidArgument("the data have no events (status 1); a Cox model needs at least one");
  }
  return true;
}

// What the Newton–Raphson iteration leaves, on the scaled covariates.
struct NewtonResult {
  std::vector<double> beta;
  std::vector<double> score;     // at beta
  std::vector<double> variance;  // inverse information at beta
  double loglik_null = 0;
  double loglik = 0;
  double score_test = 0;
  int iterations = 0;
  int rank = 0;
  bool converged = false;
};

bool AllFinite(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// The likelihood, the information matrix (factored in place) and the fit being built.
class Newton {
 public:
  Newton(const CoxRows& rows, CoxTies ties, const CoxControl& control)
      : likelihood_(rows, ties),
        control_(control),
        p_(rows.p),
        information_(static_cast<size_t>(rows.p) * rows.p) {
    out_.score.resize(p_);
  }

  // coxph's iteration (survival's coxfit6): a Newton step from beta = 0; converged when the
  // log-likelihood's relative change is <= eps; a step that lowers it or overflows is pulled
  // back towards the last good beta, by 1/2, then 2/3, ... of the step.
  NewtonResult Run() {
    std::vector<double> beta(p_, 0.0);
    out_.loglik_null = out_.loglik = Evaluate(beta);
    std::vector<double> next = StepFrom(beta);
    for (int i = 0; i < p_; ++i) out_.score_test += out_.score[i] * (next[i] - beta[i]);
    if (control_.iter_max == 0) return Finish(std::move(beta), true, 0);
    double best = out_.loglik_null;
    int halving = 0;
    for (int iteration = 1; iteration <= control_.iter_max; ++iteration) {
      const double loglik = Evaluate(next);
      const bool finite = std::isfinite(loglik) && AllFinite(out_.score) && AllFinite(information_);
      if (finite && std::fabs(1 - best / loglik) <= control_.eps) {
        out_.loglik = loglik;
        return Finish(std::move(next), true, iteration);
      }
      if (!finite || loglik < best) {
        ++halving;
        for (int i = 0; i < p_; ++i) next[i] = (next[i] + halving * beta[i]) / (halving + 1.0);
        continue;
      }
      halving = 0;
      best = loglik;
      beta = next;
      next = StepFrom(beta);
    }
    return Finish(std::move(next), false, control_.iter_max);
  }

 private:
  // Log-likelihood at beta; leaves the score and the factored information at beta.
  double Evaluate(std::span<const double> beta) {
    const double loglik = likelihood_.Evaluate(beta, out_.score, information_);
    out_.rank = internal::LdlFactor(information_, p_, control_.toler_chol);
    return loglik;
  }

  // beta + I^-1 u, with u and I from the last Evaluate (at beta).
  std::vector<double> StepFrom(std::span<const double> beta) const {
    std::vector<double> next = out_.score;
    internal::LdlSolve(information_, p_, next);
    for (int i = 0; i < p_; ++i) next[i] += beta[i];
    return next;
  }

  NewtonResult Finish(std::vector<double> beta, bool converged, int iterations) {
    internal::LdlInvert(information_, p_);
    out_.beta = std::move(beta);
    out_.variance = std::move(information_);
    out_.converged = converged;
    out_.iterations = iterations;
    return std::move(out_);
  }

  CoxLikelihood likelihood_;
  const CoxControl& control_;
  int p_;
  std::vector<double> information_;
  NewtonResult out_;
};

// beta' V^-1 beta, solving with V's own factorisation as coxph.wtest does.
double WaldStatistic(const std::vector<double>& beta, std::vector<double> variance, int p,
                     double toler) {
  std::vector<double> solved = beta;
  internal::LdlFactor(variance, p, toler);
  internal::LdlSolve(variance, p, solved);
  double statistic = 0;
  for (int i = 0; i < p; ++i) statistic += beta[i] * solved[i];
  return statistic;
}

// Refuses what coxph would return only with a warning (see cox.h).
Result<bool> CheckFitUsable(const NewtonResult& fit, const CoxData& data,
                            const CoxControl& control) {
  const int p = static_cast<int>(fit.beta.size());
  for (int i = 0; i < p; ++i) {
    if (fit.variance[static_cast<size_t>(i) * p + i] == 0) {
      return InvalidArgument(fmt::format(
          "covariate '{}' is constant or a linear combination of the covariates before it, so "
          "its coefficient cannot be estimated; drop it from the model",
          data.names[i]));
    }
  }
  if (!fit.converged) {
    return InvalidArgument(fmt::format(
        "the Cox model did not converge in {} iterations; a coefficient may be infinite or the "
        "data too sparse for this many covariates",
        control.iter_max));
  }
  for (int i = 0; i < p; ++i) {
    double change = 0;  // the Newton step that would remain for this coefficient
    for (int j = 0; j < p; ++j)
      change += fit.score[j] * fit.variance[static_cast<size_t>(j) * p + i];
    change = std::fabs(change);
    if (!std::isfinite(fit.score[i]) ||
        (change > control.eps && change > control.toler_inf * std::fabs(fit.beta[i]))) {
      return InvalidArgument(fmt::format(
          "the coefficient of '{}' is infinite (it was still growing, at {:.3g}, when the "
          "log-likelihood converged): a factor level with no events, or a covariate that "
          "separates events from censorings; merge or drop it",
          data.names[i], fit.beta[i]));
    }
  }
  return true;
}

// Back to the covariates' own scale: beta_j * s_j, V_ij * s_i * s_j, score_j / s_j.
void Unscale(NewtonResult& fit, const CoxRows& rows) {
  const int p = rows.p;
  for (int i = 0; i < p; ++i) {
    fit.beta[i] *= rows.scale[i];
    fit.score[i] /= rows.scale[i];
    for (int j = 0; j < p; ++j)
      fit.variance[static_cast<size_t>(i) * p + j] *= rows.scale[i] * rows.scale[j];
  }
}

CoxFit Summarise(NewtonResult& fit, const CoxRows& rows, const CoxData& data,
                 const CoxOptions& options) {
  const int p = rows.p;
  const boost::math::normal normal;
  const double z_level = boost::math::quantile(normal, 1 - (1 - options.conf_level) / 2);
  CoxFit out;
  out.ties = options.ties;
  out.n = rows.subjects;
  out.events = rows.events;
  out.strata = rows.strata;
  out.loglik_null = fit.loglik_null;
  out.loglik = fit.loglik;
  out.iterations = fit.iterations;
  out.score_test = fit.score_test;
  out.likelihood_ratio_test = 2 * (fit.loglik - fit.loglik_null);
  out.wald_test = WaldStatistic(fit.beta, fit.variance, p, options.control.toler_chol);
  out.df = p;
  for (int i = 0; i < p; ++i) {
    CoxCoefficient c;
    c.name = data.names[i];
    c.coef = fit.beta[i];
    c.se = std::sqrt(fit.variance[static_cast<size_t>(i) * p + i]);
    c.z = c.coef / c.se;
    c.p = 2 * boost::math::cdf(boost::math::complement(normal, std::fabs(c.z)));
    c.hr = std::exp(c.coef);
    c.hr_lower = std::exp(c.coef - z_level * c.se);
    c.hr_upper = std::exp(c.coef + z_level * c.se);
    out.coefficients.push_back(std::move(c));
  }
  out.variance = std::move(fit.variance);
  return out;
}

}  // namespace

std::string_view CoxTiesName(CoxTies ties) { return ties == CoxTies::kEfron ? "efron" : "breslow"; }

Result<CoxTies> ParseCoxTies(std::string_view text) {
  if (text == "efron") return CoxTies::kEfron;
  if (text == "breslow") return CoxTies::kBreslow;
  return InvalidArgument(fmt::format("ties method '{}' is not known; use efron or breslow", text));
}

Result<CoxFit> FitCox(const CoxData& data, const CoxOptions& options) {
  ORP_RETURN_IF_ERROR(ValidateCoxData(data, options));
  const CoxRows rows = internal::PrepareCoxRows(data, options.control.timefix);
  NewtonResult fit = Newton(rows, options.ties, options.control).Run();
  Unscale(fit, rows);
  ORP_RETURN_IF_ERROR(CheckFitUsable(fit, data, options.control));
  return Summarise(fit, rows, data, options);
}

double ChiSquarePValue(double statistic, int df) {
  if (!(statistic > 0)) return 1.0;
  return boost::math::gamma_q(df / 2.0, statistic / 2.0);
}

}  // namespace orp::stats
