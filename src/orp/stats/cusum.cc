#include "orp/stats/cusum.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace orp::stats {
namespace {

Result<void> CheckRisk(std::span<const double> risk) {
  for (size_t i = 0; i < risk.size(); ++i) {
    if (!(risk[i] > 0 && risk[i] < 1)) {
      return InvalidArgument(
          fmt::format("patient {}: predicted risk {} must be between 0 and 1", i + 1, risk[i]));
    }
  }
  return {};
}

Result<void> CheckOddsRatio(double odds_ratio, const char* what) {
  if (std::isfinite(odds_ratio) && odds_ratio > 0 && odds_ratio != 1) return {};
  return InvalidArgument(fmt::format("{} odds ratio {} must be > 0 and not 1", what, odds_ratio));
}

// The failure probability of a patient with predicted risk p when the true odds ratio is r.
double ShiftedRisk(double p, double r) { return r * p / (1 - p + r * p); }

struct RiskLevel {
  double p;
  double weight;  // share of patients
};

// Equal-count bins of the sorted risks, each at its mean p.
std::vector<RiskLevel> BinRisks(std::span<const double> risk, int bins) {
  std::vector<double> sorted(risk.begin(), risk.end());
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const size_t count = std::min(n, static_cast<size_t>(std::max(bins, 1)));
  std::vector<RiskLevel> levels;
  for (size_t b = 0; b < count; ++b) {
    const size_t from = b * n / count;
    const size_t to = (b + 1) * n / count;
    double sum = 0;
    for (size_t i = from; i < to; ++i) sum += sorted[i];
    const auto size = static_cast<double>(to - from);
    levels.push_back({sum / size, size / static_cast<double>(n)});
  }
  return levels;
}

// Solves (I - Q) a = 1 by Gaussian elimination with partial pivoting; returns a[0].
double SolveArlFromZero(std::vector<double>& a, int m) {
  std::vector<double> rhs(static_cast<size_t>(m), 1.0);
  auto at = [&](int r, int c) -> double& { return a[static_cast<size_t>(r) * m + c]; };
  for (int col = 0; col < m; ++col) {
    int pivot = col;
    for (int r = col + 1; r < m; ++r)
      if (std::abs(at(r, col)) > std::abs(at(pivot, col))) pivot = r;
    if (pivot != col) {
      for (int c = 0; c < m; ++c) std::swap(at(col, c), at(pivot, c));
      std::swap(rhs[col], rhs[pivot]);
    }
    for (int r = col + 1; r < m; ++r) {
      const double f = at(r, col) / at(col, col);
      if (f == 0) continue;
      for (int c = col; c < m; ++c) at(r, c) -= f * at(col, c);
      rhs[r] -= f * rhs[col];
    }
  }
  std::vector<double> x(static_cast<size_t>(m));
  for (int r = m - 1; r >= 0; --r) {
    double sum = rhs[r];
    for (int c = r + 1; c < m; ++c) sum -= at(r, c) * x[c];
    x[r] = sum / at(r, r);
  }
  return x[0];
}

}  // namespace

double CusumWeight(double p, bool failed, double odds_ratio) {
  return (failed ? std::log(odds_ratio) : 0.0) - std::log(1 - p + odds_ratio * p);
}

Result<CusumChart> RiskAdjustedCusum(std::span<const double> risk, std::span<const uint8_t> failed,
                                     const CusumOptions& options) {
  if (risk.size() != failed.size()) {
    return InvalidArgument(
        fmt::format("{} predicted risks but {} outcomes", risk.size(), failed.size()));
  }
  ORP_RETURN_IF_ERROR(CheckRisk(risk));
  ORP_RETURN_IF_ERROR(CheckOddsRatio(options.odds_ratio_up, "upper chart"));
  ORP_RETURN_IF_ERROR(CheckOddsRatio(options.odds_ratio_down, "lower chart"));
  if (!(options.h_up > 0 && options.h_down > 0)) {
    return InvalidArgument(
        fmt::format("control limits {} and {} must be > 0", options.h_up, options.h_down));
  }
  CusumChart chart;
  chart.upper.reserve(risk.size());
  chart.lower.reserve(risk.size());
  chart.vlad.reserve(risk.size());
  double x = 0, z = 0, v = 0;
  for (size_t t = 0; t < risk.size(); ++t) {
    if (failed[t] > 1) {
      return InvalidArgument(
          fmt::format("patient {}: outcome {} must be 0 or 1", t + 1, static_cast<int>(failed[t])));
    }
    const bool y = failed[t] == 1;
    x = std::max(0.0, x + CusumWeight(risk[t], y, options.odds_ratio_up));
    z = std::min(0.0, z - CusumWeight(risk[t], y, options.odds_ratio_down));
    v += risk[t] - (y ? 1.0 : 0.0);
    chart.upper.push_back(x);
    chart.lower.push_back(z);
    chart.vlad.push_back(v);
    if (x >= options.h_up) {
      chart.upper_signals.push_back(static_cast<int64_t>(t));
      if (options.reset_after_signal) x = 0;
    }
    if (z <= -options.h_down) {
      chart.lower_signals.push_back(static_cast<int64_t>(t));
      if (options.reset_after_signal) z = 0;
    }
  }
  return chart;
}

namespace {

// The Markov-chain ARL over an already binned risk mix (options validated by the caller).
double ArlOfBinnedMix(const std::vector<RiskLevel>& levels, double chart_odds_ratio, double h,
                      double true_odds_ratio, int m) {
  const double width = h / m;
  // Grid points 0, width, ..., (m - 1) width are transient; m width = h absorbs. A step to a
  // value between two points is split between them in proportion (so the mean step is exact),
  // which avoids the bias of rounding when the weights are smaller than a cell.
  std::vector<double> a(static_cast<size_t>(m) * m, 0.0);
  for (int j = 0; j < m; ++j) a[static_cast<size_t>(j) * m + j] = 1.0;
  for (const RiskLevel& level : levels) {
    const double q = ShiftedRisk(level.p, true_odds_ratio);
    const double steps[2] = {CusumWeight(level.p, true, chart_odds_ratio),
                             CusumWeight(level.p, false, chart_odds_ratio)};
    const double probs[2] = {level.weight * q, level.weight * (1 - q)};
    for (int j = 0; j < m; ++j) {
      for (int o = 0; o < 2; ++o) {
        // Clamped at m (absorbed): a tiny h makes steps / width overflow an int.
        const double u = std::clamp(j + steps[o] / width, 0.0, static_cast<double>(m));
        const auto k = static_cast<int>(std::floor(u));
        const double frac = u - k;
        if (k < m) a[static_cast<size_t>(j) * m + k] -= probs[o] * (1 - frac);
        if (k + 1 < m) a[static_cast<size_t>(j) * m + k + 1] -= probs[o] * frac;
      }
    }
  }
  return SolveArlFromZero(a, m);
}

Result<void> CheckArlInputs(std::span<const double> risk_mix, double chart_odds_ratio,
                            double true_odds_ratio, const MarkovArlOptions& options) {
  if (risk_mix.empty()) return InvalidArgument("the risk mix is empty");
  ORP_RETURN_IF_ERROR(CheckRisk(risk_mix));
  ORP_RETURN_IF_ERROR(CheckOddsRatio(chart_odds_ratio, "chart"));
  if (!(true_odds_ratio > 0)) {
    return InvalidArgument(fmt::format("true odds ratio {} must be > 0", true_odds_ratio));
  }
  if (options.states < 2) return InvalidArgument("the Markov chain needs at least 2 states");
  return {};
}

}  // namespace

Result<double> MarkovChainArl(std::span<const double> risk_mix, double chart_odds_ratio, double h,
                              double true_odds_ratio, const MarkovArlOptions& options) {
  ORP_RETURN_IF_ERROR(CheckArlInputs(risk_mix, chart_odds_ratio, true_odds_ratio, options));
  if (!(std::isfinite(h) && h > 0)) return InvalidArgument(fmt::format("h {} must be > 0", h));
  return ArlOfBinnedMix(BinRisks(risk_mix, options.risk_bins), chart_odds_ratio, h, true_odds_ratio,
                        options.states);
}

Result<double> ControlLimitForArl(std::span<const double> risk_mix, double chart_odds_ratio,
                                  double target_arl, const MarkovArlOptions& options) {
  if (!(std::isfinite(target_arl) && target_arl > 1)) {
    return InvalidArgument(fmt::format("target run length {} must be > 1", target_arl));
  }
  ORP_RETURN_IF_ERROR(CheckArlInputs(risk_mix, chart_odds_ratio, 1, options));
  // The mix is binned once (a sort of every patient's risk), not at every bisection step.
  const std::vector<RiskLevel> levels = BinRisks(risk_mix, options.risk_bins);
  auto arl = [&](double h) {
    return ArlOfBinnedMix(levels, chart_odds_ratio, h, 1, options.states);
  };
  double lo = 0, hi = 1;
  for (;;) {
    if (arl(hi) >= target_arl) break;
    lo = hi;
    hi *= 2;
    if (hi > 1e3) return InvalidArgument("no control limit below 1000 reaches that run length");
  }
  // A risk mix so low that even a tiny h reaches the run length (a small registry with rare
  // events) would bisect towards 0 for ever: stop at 1e-6, which signals at the first failure.
  while (hi - lo > 1e-4 * hi && hi > 1e-6) {
    const double mid = (lo + hi) / 2;
    if (arl(mid) >= target_arl) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return (lo + hi) / 2;
}

Result<SimulatedArl> SimulateArl(std::span<const double> risk_mix, double chart_odds_ratio,
                                 double h, double true_odds_ratio, int64_t replicates,
                                 uint64_t seed, int64_t max_length) {
  if (risk_mix.empty()) return InvalidArgument("the risk mix is empty");
  ORP_RETURN_IF_ERROR(CheckRisk(risk_mix));
  ORP_RETURN_IF_ERROR(CheckOddsRatio(chart_odds_ratio, "chart"));
  if (!(h > 0) || replicates < 1 || !(true_odds_ratio > 0)) {
    return InvalidArgument("h, true odds ratio and replicates must be > 0");
  }
  struct Patient {
    double q, fail, survive;
  };
  std::vector<Patient> patients;
  for (double p : risk_mix) {
    patients.push_back({ShiftedRisk(p, true_odds_ratio), CusumWeight(p, true, chart_odds_ratio),
                        CusumWeight(p, false, chart_odds_ratio)});
  }
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const uint64_t n = patients.size();
  double sum = 0, sum_sq = 0;
  for (int64_t r = 0; r < replicates; ++r) {
    double x = 0;
    int64_t length = 0;
    while (length < max_length) {
      ++length;
      const Patient& pt = patients[static_cast<size_t>(rng() % n)];
      x = std::max(0.0, x + (uniform() < pt.q ? pt.fail : pt.survive));
      if (x >= h) break;
    }
    sum += static_cast<double>(length);
    sum_sq += static_cast<double>(length) * static_cast<double>(length);
  }
  const auto reps = static_cast<double>(replicates);
  SimulatedArl out;
  out.mean = sum / reps;
  out.replicates = replicates;
  const double variance = replicates > 1 ? (sum_sq - reps * out.mean * out.mean) / (reps - 1) : 0;
  out.std_error = std::sqrt(std::max(variance, 0.0) / reps);
  return out;
}

}  // namespace orp::stats
