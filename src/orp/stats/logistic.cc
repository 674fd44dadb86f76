#include "orp/stats/logistic.h"

#include <fmt/format.h>

#include <boost/math/distributions/normal.hpp>
#include <cfloat>
#include <cmath>

#include "orp/stats/cox_linalg.h"

namespace orp::stats {
namespace {

constexpr double kToleranceChol = 1.8189894035458565e-12;  // as the Cox fit's singular pivot

// R's C_logit_linkinv and C_logit_mu_eta (src/library/stats/src/family.c), clamping included,
// so that the iterates are R's.
double LinkInverse(double eta) {
  const double t = eta < -30 ? DBL_EPSILON : eta > 30 ? 1 / DBL_EPSILON : std::exp(eta);
  return t / (1 + t);
}
double MuEta(double eta) {
  const double opexp = 1 + std::exp(eta);
  return eta > 30 || eta < -30 ? DBL_EPSILON : std::exp(eta) / (opexp * opexp);
}
double DevianceResidual(double y, double mu) {
  return y == 1 ? 2 * std::log(1 / mu) : 2 * std::log(1 / (1 - mu));
}

Result<bool> Validate(const LogisticData& data) {
  const size_t n = data.outcome.size();
  const size_t p = data.names.size();
  if (n == 0) return InvalidArgument("a logistic model needs at least one subject; none given");
  if (data.covariates.size() != n * p) {
    return InvalidArgument(fmt::format(
        "logistic data have inconsistent lengths: {} outcomes, {} covariate values for {} "
        "covariates",
        n, data.covariates.size(), p));
  }
  if (!data.counts.empty() && data.counts.size() != n) {
    return InvalidArgument(
        fmt::format("logistic data have {} counts for {} outcomes", data.counts.size(), n));
  }
  for (size_t i = 0; i < data.counts.size(); ++i) {
    if (!(data.counts[i] >= 1 && data.counts[i] <= 1e15) ||
        data.counts[i] != std::floor(data.counts[i])) {
      return InvalidArgument(
          fmt::format("count in row {} is {}; it must be a whole number of subjects, at least 1",
                      i + 1, data.counts[i]));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (data.outcome[i] != 0 && data.outcome[i] != 1) {
      return InvalidArgument(
          fmt::format("outcome in row {} is {}; it must be 0 or 1", i + 1, data.outcome[i]));
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
  return true;
}

// The subjects row i stands for (LogisticData::counts).
double Count(std::span<const double> counts, size_t i) { return counts.empty() ? 1.0 : counts[i]; }

// The design [1, (x_j - mean_j) / scale_j], read on the fly (a copy of a 5M x 10 design would
// cost 400 MB).
class Design {
 public:
  explicit Design(const LogisticData& data)
      : x_(data.covariates), n_(data.outcome.size()), p_(data.names.size()) {
    double subjects = 0;
    for (size_t i = 0; i < n_; ++i) subjects += Count(data.counts, i);
    for (size_t j = 0; j < p_; ++j) {
      double sum = 0, squares = 0;
      for (size_t i = 0; i < n_; ++i) sum += Count(data.counts, i) * x_[j * n_ + i];
      const double mean = sum / subjects;
      for (size_t i = 0; i < n_; ++i) {
        squares += Count(data.counts, i) * (x_[j * n_ + i] - mean) * (x_[j * n_ + i] - mean);
      }
      mean_.push_back(mean);
      scale_.push_back(std::sqrt(squares / subjects));
    }
  }
  size_t columns() const { return p_ + 1; }
  double scale(size_t j) const { return scale_[j]; }
  double mean(size_t j) const { return mean_[j]; }
  // Row i of the scaled design into `row` (columns() values).
  void Row(size_t i, std::span<double> row) const {
    row[0] = 1;
    for (size_t j = 0; j < p_; ++j) row[j + 1] = (x_[j * n_ + i] - mean_[j]) / scale_[j];
  }

 private:
  std::span<const double> x_;
  size_t n_, p_;
  std::vector<double> mean_, scale_;
};

// One IRLS step: accumulates X'WX (factored in `info`) and solves for the new coefficients.
// Returns the rank of X'WX.
int IrlsStep(const Design& d, std::span<const double> y, std::span<const double> counts,
             std::span<const double> eta, std::span<const double> mu, std::vector<double>& info,
             std::vector<double>& beta) {
  const size_t q = d.columns();
  std::vector<double> row(q), rhs(q, 0.0);
  info.assign(q * q, 0.0);
  for (size_t i = 0; i < y.size(); ++i) {
    const double mu_eta = MuEta(eta[i]);
    const double w = Count(counts, i) * (mu_eta * mu_eta / (mu[i] * (1 - mu[i])));
    const double z = eta[i] + (y[i] - mu[i]) / mu_eta;
    d.Row(i, row);
    for (size_t a = 0; a < q; ++a) {
      const double wa = w * row[a];
      rhs[a] += wa * z;
      for (size_t b = a; b < q; ++b) info[a * q + b] += wa * row[b];
    }
  }
  const int rank = internal::LdlFactor(info, static_cast<int>(q), kToleranceChol);
  internal::LdlSolve(info, static_cast<int>(q), rhs);
  beta = std::move(rhs);
  return rank;
}

// The original-scale coefficients and variance from the scaled ones: b = T b~, V = T V~ T'.
void Unscale(const Design& d, LogisticFit& fit, std::span<const double> beta,
             std::vector<double> scaled_variance) {
  const size_t q = d.columns();
  std::vector<double> t(q * q, 0.0);
  t[0] = 1;
  for (size_t j = 1; j < q; ++j) {
    t[j] = -d.mean(j - 1) / d.scale(j - 1);
    t[j * q + j] = 1 / d.scale(j - 1);
  }
  std::vector<double> tv(q * q, 0.0);
  for (size_t a = 0; a < q; ++a)
    for (size_t k = 0; k < q; ++k)
      for (size_t b = 0; b < q; ++b) tv[a * q + b] += t[a * q + k] * scaled_variance[k * q + b];
  fit.variance.assign(q * q, 0.0);
  for (size_t a = 0; a < q; ++a)
    for (size_t b = 0; b < q; ++b)
      for (size_t k = 0; k < q; ++k) fit.variance[a * q + b] += tv[a * q + k] * t[b * q + k];
  const boost::math::normal normal;
  for (size_t a = 0; a < q; ++a) {
    LogisticCoefficient& c = fit.coefficients[a];
    for (size_t k = 0; k < q; ++k) c.estimate += t[a * q + k] * beta[k];
    c.se = std::sqrt(fit.variance[a * q + a]);
    c.z = c.estimate / c.se;
    c.p = 2 * boost::math::cdf(boost::math::complement(normal, std::fabs(c.z)));
  }
}

}  // namespace

Result<LogisticFit> FitLogistic(const LogisticData& data, const LogisticControl& control) {
  ORP_RETURN_IF_ERROR(Validate(data));
  const Design d(data);
  for (size_t j = 0; j < data.names.size(); ++j) {
    if (!(d.scale(j) > 0)) {
      return InvalidArgument(fmt::format(
          "covariate '{}' is constant, so the logistic model cannot estimate it", data.names[j]));
    }
  }
  const std::span<const double> y = data.outcome;
  const size_t n = y.size(), q = d.columns();
  std::vector<double> eta(n), mu(n), beta, info;
  double dev_old = 0;
  for (size_t i = 0; i < n; ++i) {
    const double start = (y[i] + 0.5) / 2;
    eta[i] = std::log(start / (1 - start));
    mu[i] = LinkInverse(eta[i]);
    dev_old += Count(data.counts, i) * DevianceResidual(y[i], mu[i]);
  }
  LogisticFit fit;
  bool converged = false;
  std::vector<double> row(q);
  for (int iter = 1; iter <= control.max_iterations && !converged; ++iter) {
    const int rank = IrlsStep(d, y, data.counts, eta, mu, info, beta);
    if (rank != static_cast<int>(q)) {
      for (size_t j = 1; j < q; ++j) {
        if (info[j * q + j] != 0) continue;
        return InvalidArgument(fmt::format(
            "covariate '{}' is constant or a linear combination of the others (glm's NA "
            "coefficient); drop it or merge its levels",
            data.names[j - 1]));
      }
      return InvalidArgument("the logistic model's information matrix is singular");
    }
    double dev = 0;
    for (size_t i = 0; i < n; ++i) {
      d.Row(i, row);
      eta[i] = 0;
      for (size_t k = 0; k < q; ++k) eta[i] += row[k] * beta[k];
      mu[i] = LinkInverse(eta[i]);
      dev += Count(data.counts, i) * DevianceResidual(y[i], mu[i]);
    }
    converged = std::fabs(dev - dev_old) / (std::fabs(dev) + 0.1) < control.epsilon;
    fit.deviance = dev;
    fit.iterations = iter;
    dev_old = dev;
  }
  if (!converged) {
    return InvalidArgument(fmt::format(
        "the logistic model did not converge in {} iterations (deviance {:.6g}); the data may "
        "separate the outcome",
        control.max_iterations, fit.deviance));
  }
  constexpr double kBoundary = 10 * DBL_EPSILON;  // glm.fit's check
  for (size_t i = 0; i < n; ++i) {
    if (mu[i] > 1 - kBoundary || mu[i] < kBoundary) {
      return InvalidArgument(
          "fitted probabilities numerically 0 or 1 occurred: a covariate or level separates "
          "the outcome (for example a level with no events); merge sparse levels");
    }
  }
  internal::LdlInvert(info, static_cast<int>(q));
  for (size_t i = 0; i < n; ++i) {
    fit.n += static_cast<int64_t>(Count(data.counts, i));
    if (y[i] == 1) fit.events += static_cast<int64_t>(Count(data.counts, i));
  }
  fit.coefficients.resize(q);
  fit.coefficients[0].name = "(Intercept)";
  for (size_t j = 1; j < q; ++j) fit.coefficients[j].name = data.names[j - 1];
  Unscale(d, fit, beta, std::move(info));
  const double mean_y = static_cast<double>(fit.events) / static_cast<double>(fit.n);
  for (size_t i = 0; i < n; ++i)
    fit.null_deviance += Count(data.counts, i) * DevianceResidual(y[i], mean_y);
  fit.aic = fit.deviance + 2 * static_cast<double>(q);
  fit.fitted = std::move(mu);
  return fit;
}

}  // namespace orp::stats
