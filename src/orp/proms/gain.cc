#include "orp/proms/gain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace orp::proms {
namespace {

struct Design {
  std::vector<std::string> terms;
  std::vector<int> asa_levels;  // levels with a dummy (all but the lowest present)
};

Design MakeDesign(std::span<const GainRecord> records) {
  std::set<int> levels;
  for (const GainRecord& r : records) levels.insert(r.asa);
  Design d{{"(Intercept)", "pre", "age", "sexM"}, {}};
  for (auto it = std::next(levels.begin(), levels.empty() ? 0 : 1); it != levels.end(); ++it) {
    d.asa_levels.push_back(*it);
    d.terms.push_back(fmt::format("asa{}", *it));
  }
  return d;
}

std::vector<double> DesignRow(const Design& d, const GainRecord& r) {
  std::vector<double> x{1.0, r.pre, r.age, r.male ? 1.0 : 0.0};
  for (int level : d.asa_levels) x.push_back(r.asa == level ? 1.0 : 0.0);
  return x;
}

// Inverts the p x p matrix `a` (row-major) by Gauss-Jordan with partial pivoting; false when
// singular relative to its scale.
bool Invert(std::vector<double>& a, int p) {
  std::vector<double> inv(static_cast<size_t>(p * p), 0.0);
  for (int i = 0; i < p; ++i) inv[i * p + i] = 1.0;
  double scale = 0;
  for (double v : a) scale = std::max(scale, std::abs(v));
  for (int col = 0; col < p; ++col) {
    int pivot = col;
    for (int r = col + 1; r < p; ++r) {
      if (std::abs(a[r * p + col]) > std::abs(a[pivot * p + col])) pivot = r;
    }
    if (std::abs(a[pivot * p + col]) <= 1e-12 * scale) return false;
    for (int k = 0; k < p; ++k) {
      std::swap(a[col * p + k], a[pivot * p + k]);
      std::swap(inv[col * p + k], inv[pivot * p + k]);
    }
    const double d = a[col * p + col];
    for (int k = 0; k < p; ++k) {
      a[col * p + k] /= d;
      inv[col * p + k] /= d;
    }
    for (int r = 0; r < p; ++r) {
      const double f = a[r * p + col];
      if (r == col || f == 0) continue;
      for (int k = 0; k < p; ++k) {
        a[r * p + k] -= f * a[col * p + k];
        inv[r * p + k] -= f * inv[col * p + k];
      }
    }
  }
  a = std::move(inv);
  return true;
}

double Predict(const LinearModel& m, const Design& d, const GainRecord& r) {
  const std::vector<double> x = DesignRow(d, r);
  double y = 0;
  for (size_t j = 0; j < x.size(); ++j) y += m.coefficients[j] * x[j];
  return y;
}

}  // namespace

Result<LinearModel> FitCaseMix(std::span<const GainRecord> records) {
  const Design d = MakeDesign(records);
  const int p = static_cast<int>(d.terms.size());
  const int n = static_cast<int>(records.size());
  if (n <= p) {
    return InvalidArgument(fmt::format("{} records cannot fit a case-mix model of {} terms", n, p));
  }
  std::vector<double> xtx(static_cast<size_t>(p * p), 0.0), xty(p, 0.0);
  for (const GainRecord& r : records) {
    const std::vector<double> x = DesignRow(d, r);
    for (int i = 0; i < p; ++i) {
      xty[i] += x[i] * r.post;
      for (int j = 0; j < p; ++j) xtx[i * p + j] += x[i] * x[j];
    }
  }
  if (!Invert(xtx, p)) {
    return InvalidArgument(
        "the case-mix design is singular (a covariate does not vary, or two "
        "are the same)");
  }
  LinearModel m{d.terms, std::vector<double>(p, 0.0), std::vector<double>(p, 0.0), 0, n};
  for (int i = 0; i < p; ++i) {
    for (int j = 0; j < p; ++j) m.coefficients[i] += xtx[i * p + j] * xty[j];
  }
  double rss = 0;
  for (const GainRecord& r : records) rss += std::pow(r.post - Predict(m, d, r), 2);
  m.sigma = std::sqrt(rss / (n - p));
  for (int i = 0; i < p; ++i) m.std_errors[i] = m.sigma * std::sqrt(xtx[i * p + i]);
  return m;
}

Result<GainReport> CaseMixAdjustedGain(std::span<const GainRecord> records, bool higher_is_better) {
  auto model = FitCaseMix(records);
  if (!model) return std::unexpected(model.error());
  const Design d = MakeDesign(records);
  const double sign = higher_is_better ? 1.0 : -1.0;
  GainReport report{*model, 0, {}};
  std::map<std::string, GroupGain> groups;
  for (const GainRecord& r : records) {
    report.national_gain += sign * (r.post - r.pre);
    GroupGain& g = groups[r.group];
    g.group = r.group;
    ++g.n;
    g.mean_pre += r.pre;
    g.mean_post += r.post;
    g.expected_post += Predict(*model, d, r);
  }
  report.national_gain /= static_cast<double>(records.size());
  for (auto& [name, g] : groups) {
    g.mean_pre /= g.n;
    g.mean_post /= g.n;
    g.expected_post /= g.n;
    g.observed_gain = sign * (g.mean_post - g.mean_pre);
    g.adjusted_gain = report.national_gain + sign * (g.mean_post - g.expected_post);
    report.groups.push_back(g);
  }
  return report;
}

}  // namespace orp::proms
