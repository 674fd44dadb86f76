#include "orp/stats/cox_likelihood.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace orp::stats::internal {
namespace {

struct SortKey {
  int32_t stratum;
  double time;
  uint32_t index;
};

struct RadixItem {
  uint64_t time_key;
  uint32_t stratum_key;
  uint32_t index;
};

// Unsigned integers that sort as the doubles / int32s they come from (-0.0 is made +0.0).
uint64_t TimeKey(double time) {
  const uint64_t bits = std::bit_cast<uint64_t>(time + 0.0);
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}
double TimeOfKey(uint64_t key) {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(uint64_t{1} << 63) : ~key);
}
uint32_t StratumKey(int32_t stratum) { return static_cast<uint32_t>(stratum) ^ 0x80000000u; }

// One stable counting-sort pass on a 16-bit digit; skipped when every item shares the digit.
template <typename Digit>
void RadixPass(std::vector<RadixItem>& items, std::vector<RadixItem>& scratch, Digit digit) {
  std::vector<uint32_t> offset(65537, 0);
  for (const RadixItem& item : items) ++offset[digit(item) + 1];
  for (uint32_t count : offset) {
    if (count == items.size()) return;
  }
  for (size_t d = 1; d < offset.size(); ++d) offset[d] += offset[d - 1];
  for (const RadixItem& item : items) scratch[offset[digit(item)]++] = item;
  items.swap(scratch);
}

// coxph's timefix (survival's aeqSurv): distinct times whose gap is at most sqrt(machine
// epsilon), absolutely or relative to the mean |time| over distinct times, are one time, the
// first of the run. Floating-point noise (0.1 + 0.2 against 0.3) then does not split a tie.
// `items` are in time order; their keys are rewritten, and the order still holds.
void MergeNearlyEqualTimes(std::vector<RadixItem>& items) {
  const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon());
  double abs_sum = 0;
  size_t distinct = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && items[i].time_key == items[i - 1].time_key) continue;
    abs_sum += std::fabs(TimeOfKey(items[i].time_key));
    ++distinct;
  }
  const double mean_abs = abs_sum / static_cast<double>(distinct);
  uint64_t previous = 0, run_start = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const uint64_t key = items[i].time_key;
    if (i == 0) {
      run_start = key;
    } else if (key != previous) {
      const double gap = TimeOfKey(key) - TimeOfKey(previous);
      if (gap > tolerance && gap / mean_abs > tolerance) run_start = key;
    }
    previous = key;
    items[i].time_key = run_start;
  }
}

// Row order of the fit: by stratum, then time, then input position (so the order, and with it
// every floating-point sum, is reproducible). An LSD radix sort: linear, and stable, so equal
// keys keep input order.
std::vector<SortKey> SortedKeys(const CoxData& data, bool timefix) {
  const size_t n = data.time.size();
  std::vector<RadixItem> items(n), scratch(n);
  for (size_t i = 0; i < n; ++i) {
    items[i] = {TimeKey(data.time[i]), StratumKey(data.strata.empty() ? 0 : data.strata[i]),
                static_cast<uint32_t>(i)};
  }
  for (int shift = 0; shift < 64; shift += 16) {
    RadixPass(items, scratch, [shift](const RadixItem& item) {
      return static_cast<uint32_t>((item.time_key >> shift) & 0xFFFF);
    });
  }
  if (timefix && n > 0) MergeNearlyEqualTimes(items);
  for (int shift = 0; shift < 32; shift += 16) {
    RadixPass(items, scratch,
              [shift](const RadixItem& item) { return (item.stratum_key >> shift) & 0xFFFF; });
  }
  std::vector<SortKey> keys(n);
  for (size_t r = 0; r < n; ++r) {
    const uint32_t i = items[r].index;
    keys[r] = {data.strata.empty() ? 0 : data.strata[i], TimeOfKey(items[r].time_key), i};
  }
  return keys;
}

struct ColumnScaling {
  double mean = 0;
  double scale = 1;
};

// coxph centres and scales a column unless every value is -1, 0 or 1 (indicators, contrasts):
// x -> (x - mean) * n / sum |x - mean|. Computed on the input column, read in order; a row with
// a count weighs as that many rows.
ColumnScaling ScalingOf(std::span<const double> column, std::span<const double> counts) {
  auto count = [&](size_t i) { return counts.empty() ? 1.0 : counts[i]; };
  bool indicator = true;
  double sum = 0, n = 0;
  for (size_t i = 0; i < column.size(); ++i) {
    const double v = column[i];
    indicator = indicator && (v == 0 || v == 1 || v == -1);
    sum += count(i) * v;
    n += count(i);
  }
  if (indicator) return {};
  const double mean = sum / n;
  double abs_sum = 0;
  for (size_t i = 0; i < column.size(); ++i) abs_sum += count(i) * std::fabs(column[i] - mean);
  return {mean, abs_sum > 0 ? n / abs_sum : 1.0};
}

void FindTieGroups(CoxRows& rows, const std::vector<SortKey>& keys) {
  for (size_t r = 0; r < keys.size();) {
    size_t end = r + 1;
    while (end < keys.size() && keys[end].stratum == keys[r].stratum &&
           keys[end].time == keys[r].time) {
      ++end;
    }
    const bool last = end == keys.size() || keys[end].stratum != keys[r].stratum;
    rows.groups.push_back({static_cast<uint32_t>(r), static_cast<uint32_t>(end), last});
    if (last) ++rows.strata;
    r = end;
  }
}

// Adds one row's exp(x'b), exp(x'b) x and exp(x'b) x x' (packed lower triangle) to sums, over
// its m non-zero covariates (columns ascending).
inline void Accumulate(const int32_t* column, const double* x, uint32_t m, double risk,
                       double& denom, double* sum_x, double* sum_xx) {
  denom += risk;
  for (uint32_t a = 0; a < m; ++a) {
    const auto i = static_cast<size_t>(column[a]);
    const double risk_x = risk * x[a];
    sum_x[i] += risk_x;
    double* row = sum_xx + i * (i + 1) / 2;
    for (uint32_t b = 0; b <= a; ++b) row[column[b]] += risk_x * x[b];
  }
}

// Keeps the non-zero values of the dense row-major x (n x p) as rows' sparse lists.
void Sparsify(CoxRows& rows, const std::vector<double>& x) {
  rows.row_begin.reserve(rows.n + 1);
  rows.row_begin.push_back(0);
  for (size_t r = 0; r < rows.n; ++r) {
    for (int j = 0; j < rows.p; ++j) {
      const double v = x[r * rows.p + j];
      if (v == 0) continue;
      rows.column.push_back(j);
      rows.value.push_back(v);
    }
    rows.row_begin.push_back(static_cast<uint32_t>(rows.value.size()));
  }
}

}  // namespace

CoxRows PrepareCoxRows(const CoxData& data, bool timefix) {
  CoxRows rows;
  rows.n = data.time.size();
  rows.p = static_cast<int>(data.names.size());
  const std::vector<SortKey> keys = SortedKeys(data, timefix);
  const size_t n = rows.n;
  const int p = rows.p;
  std::vector<double> x(n * p);
  rows.event.resize(n);
  rows.count.resize(n);
  for (size_t r = 0; r < n; ++r) {
    const uint32_t i = keys[r].index;
    rows.event[r] = static_cast<uint8_t>(data.status[i]);
    rows.count[r] = data.counts.empty() ? 1.0 : data.counts[i];
    rows.subjects += static_cast<int64_t>(rows.count[r]);
    if (rows.event[r] != 0) rows.events += static_cast<int64_t>(rows.count[r]);
  }
  rows.mean.assign(p, 0.0);
  rows.scale.assign(p, 1.0);
  // Gathered one column at a time: the random reads then stay within one column (n doubles),
  // which keeps far more of them in cache than reading a whole row from p columns.
  for (int j = 0; j < p; ++j) {
    const std::span<const double> column = data.covariates.subspan(j * n, n);
    const ColumnScaling scaling = ScalingOf(column, data.counts);
    rows.mean[j] = scaling.mean;
    rows.scale[j] = scaling.scale;
    for (size_t r = 0; r < n; ++r) {
      x[r * p + j] = (column[keys[r].index] - scaling.mean) * scaling.scale;
    }
  }
  Sparsify(rows, x);
  FindTieGroups(rows, keys);
  return rows;
}

CoxLikelihood::CoxLikelihood(const CoxRows& rows, CoxTies ties)
    : rows_(rows),
      ties_(ties),
      sum_x_(rows.p),
      sum_x_events_(rows.p),
      sum_xx_(rows.p * (rows.p + 1) / 2),
      sum_xx_events_(rows.p * (rows.p + 1) / 2) {}

double CoxLikelihood::Evaluate(std::span<const double> beta, std::span<double> score,
                               std::span<double> information) {
  std::fill(score.begin(), score.end(), 0.0);
  std::fill(information.begin(), information.end(), 0.0);
  double loglik = 0;
  for (size_t g = rows_.groups.size(); g-- > 0;) {
    const TieGroup& group = rows_.groups[g];
    if (group.last_in_stratum) {
      denom_ = 0;
      std::fill(sum_x_.begin(), sum_x_.end(), 0.0);
      std::fill(sum_xx_.begin(), sum_xx_.end(), 0.0);
    }
    double deaths = 0;
    for (uint32_t r = group.end; r-- > group.begin;) {
      const uint32_t first = rows_.row_begin[r];
      const uint32_t m = rows_.row_begin[r + 1] - first;
      // data() + first, not &v[first]: a row of zeros has no entries, and the vectors may be empty.
      const int32_t* column = rows_.column.data() + first;
      const double* x = rows_.value.data() + first;
      double zbeta = 0;
      for (uint32_t a = 0; a < m; ++a) zbeta += beta[column[a]] * x[a];
      const double count = rows_.count[r];
      const double risk = count * std::exp(zbeta);
      if (rows_.event[r] == 0) {
        Accumulate(column, x, m, risk, denom_, sum_x_.data(), sum_xx_.data());
        continue;
      }
      deaths += count;
      loglik += count * zbeta;
      for (uint32_t a = 0; a < m; ++a) score[column[a]] += count * x[a];
      Accumulate(column, x, m, risk, denom_events_, sum_x_events_.data(), sum_xx_events_.data());
    }
    if (deaths > 0) AddEventTerms(deaths, loglik, score, information);
  }
  return loglik;
}

// Breslow: the d events see the whole risk set once, with weight d. Efron: d terms, each adding
// another 1/d of the events' sums (the terms' order does not change their sum).
void CoxLikelihood::AddEventTerms(double deaths, double& loglik, std::span<double> score,
                                  std::span<double> information) {
  const int p = rows_.p;
  const bool efron = ties_ == CoxTies::kEfron && deaths > 1;
  const int steps = efron ? static_cast<int>(deaths) : 1;
  const double divisor = efron ? deaths : 1;
  const double weight = efron ? 1.0 : deaths;
  for (int step = 0; step < steps; ++step) {
    denom_ += denom_events_ / divisor;
    loglik -= weight * std::log(denom_);
    size_t k = 0;
    for (int i = 0; i < p; ++i) {
      sum_x_[i] += sum_x_events_[i] / divisor;
      const double mean = sum_x_[i] / denom_;
      score[i] -= weight * mean;
      for (int j = 0; j <= i; ++j, ++k) {
        sum_xx_[k] += sum_xx_events_[k] / divisor;
        information[static_cast<size_t>(j) * p + i] +=
            weight * (sum_xx_[k] - mean * sum_x_[j]) / denom_;
      }
    }
  }
  denom_events_ = 0;
  std::fill(sum_x_events_.begin(), sum_x_events_.end(), 0.0);
  std::fill(sum_xx_events_.begin(), sum_xx_events_.end(), 0.0);
}

}  // namespace orp::stats::internal
