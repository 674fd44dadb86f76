#include "orp/surveillance/risk_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "orp/stats/cox.h"
#include "orp/stats/logistic.h"

namespace orp::surveillance {
namespace {

// The case-mix factors of the model (age band, sex, ASA, indication) as level codes per row,
// and which levels become treatment-contrast columns.
struct Factor {
  std::string name;
  std::vector<std::string> labels;
  std::vector<int32_t> code;    // per row given
  std::vector<int32_t> column;  // per level: its design column, or -1 (reference or merged)
};

// Reference = most common level; a level with too few events (or non-events, for a binary
// outcome) is merged into it. Columns are numbered on from those already in `names`, in level
// order.
void ChooseColumns(Factor& f, std::span<const double> event, bool binary, int64_t min_events,
                   std::vector<std::string>& names) {
  std::vector<int64_t> count(f.labels.size()), events(f.labels.size());
  for (size_t k = 0; k < f.code.size(); ++k) {
    ++count[static_cast<size_t>(f.code[k])];
    events[static_cast<size_t>(f.code[k])] += event[k] != 0;
  }
  const auto reference = static_cast<size_t>(
      std::distance(count.begin(), std::max_element(count.begin(), count.end())));
  f.column.assign(f.labels.size(), -1);
  for (size_t level = 0; level < f.labels.size(); ++level) {
    if (level == reference || events[level] < min_events) continue;
    if (binary && count[level] - events[level] < min_events) continue;
    f.column[level] = static_cast<int32_t>(names.size());
    names.push_back(fmt::format("{}={}", f.name, f.labels[level]));
  }
}

// The factors of `rows` with their columns chosen (a factor left with no column adds none).
std::vector<Factor> CaseMixFactors(const Cohort& c, std::span<const size_t> rows,
                                   std::span<const double> event, bool binary, bool with_indication,
                                   int64_t min_events, std::vector<std::string>& names) {
  std::vector<Factor> factors;
  auto add = [&](std::string name, std::vector<std::string> labels, auto value) {
    Factor f{std::move(name), std::move(labels), std::vector<int32_t>(rows.size()), {}};
    for (size_t k = 0; k < rows.size(); ++k) f.code[k] = value(rows[k]);
    ChooseColumns(f, event, binary, min_events, names);
    factors.push_back(std::move(f));
  };
  add("age", {"<55", "55-64", "65-74", "75-84", "85+", "unknown"},
      [&](size_t i) { return int32_t{c.age_band[i]}; });
  add("sex", {"male", "female", "other/unknown"}, [&](size_t i) { return int32_t{c.sex[i]}; });
  add("asa", {"unknown", "1", "2", "3", "4", "5"}, [&](size_t i) { return int32_t{c.asa[i]}; });
  if (with_indication) {
    std::vector<std::string> labels = c.indications;
    labels.push_back("unknown");
    const auto unknown = static_cast<int32_t>(c.indications.size());
    add("indication", std::move(labels),
        [&](size_t i) { return c.indication[i] == kNoUnit ? unknown : c.indication[i]; });
  }
  return factors;
}

// Rows collapsed into cells of equal covariate pattern, outcome and (for the Cox model) time:
// every covariate is a factor, so a model fitted on the cells with their counts is the model of
// the rows (stats' `counts`), at a cost that no longer grows with the registry.
struct Cells {
  std::vector<size_t> cell_of;  // per row given
  std::vector<size_t> first;    // per cell: a row (index into the rows given) of it
  std::vector<double> counts;   // per cell
  std::vector<double> matrix;   // cells x p, column-major
};

// Mixed-radix pattern code of row k over the factors' levels.
size_t PatternOf(const std::vector<Factor>& factors, size_t k) {
  size_t code = 0;
  for (const Factor& f : factors) code = code * f.labels.size() + static_cast<size_t>(f.code[k]);
  return code;
}

// Row indices in increasing `time` (a stable counting sort over whole days), or as given when
// `time` is empty.
std::vector<size_t> RowOrder(size_t n, std::span<const int32_t> time) {
  std::vector<size_t> order(n);
  if (time.empty() || n == 0) {
    std::iota(order.begin(), order.end(), size_t{0});
    return order;
  }
  const auto [low, high] = std::minmax_element(time.begin(), time.end());
  const int64_t min_time = *low;
  std::vector<size_t> start(static_cast<size_t>(int64_t{*high} - min_time) + 2, 0);
  auto slot = [&](size_t k) { return static_cast<size_t>(time[k] - min_time); };
  for (size_t k = 0; k < n; ++k) ++start[slot(k) + 1];
  for (size_t t = 1; t < start.size(); ++t) start[t] += start[t - 1];
  for (size_t k = 0; k < n; ++k) order[start[slot(k)]++] = k;
  return order;
}

// The cells' 0/1 treatment-contrast design (cells x p, column-major), from a row of each.
void FillCellDesign(const std::vector<Factor>& factors, size_t p, Cells& cells) {
  const size_t m = cells.first.size();
  cells.matrix.assign(m * p, 0.0);
  for (size_t cell = 0; cell < m; ++cell) {
    for (const Factor& f : factors) {
      const int32_t column = f.column[static_cast<size_t>(f.code[cells.first[cell]])];
      if (column >= 0) cells.matrix[static_cast<size_t>(column) * m + cell] = 1.0;
    }
  }
}

// Cells keyed by (time, pattern, outcome); `time` empty keys by pattern and outcome only. Times
// are whole days; cells come in increasing time.
Cells Collapse(const std::vector<Factor>& factors, size_t p, std::span<const double> outcome,
               std::span<const int32_t> time) {
  size_t patterns = 1;
  for (const Factor& f : factors) patterns *= f.labels.size();
  Cells cells;
  cells.cell_of.resize(outcome.size());
  // The time a key's cell was opened at (none yet: below any day). Rows come in time order, so
  // a key seen at another time opens a new cell.
  std::vector<int64_t> seen_at(patterns * 2, std::numeric_limits<int64_t>::min());
  std::vector<size_t> cell_at(patterns * 2, 0);
  for (size_t k : RowOrder(outcome.size(), time)) {
    const size_t key = PatternOf(factors, k) * 2 + (outcome[k] != 0);
    const int64_t t = time.empty() ? 0 : time[k];
    if (seen_at[key] != t) {
      seen_at[key] = t;
      cell_at[key] = cells.first.size();
      cells.first.push_back(k);
      cells.counts.push_back(0);
    }
    cells.cell_of[k] = cell_at[key];
    cells.counts[cell_at[key]] += 1;
  }
  FillCellDesign(factors, p, cells);
  return cells;
}

double Sum(std::span<const double> v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

Result<RiskModel> ExpectedRevisions(const Cohort& c, std::span<const size_t> rows,
                                    const RiskModelOptions& options) {
  std::vector<double> event(rows.size());
  std::vector<int32_t> days(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    days[k] = c.exit_day[rows[k]] - c.entry_day[rows[k]];
    event[k] = c.status[rows[k]] == 1;
  }
  RiskModel model;
  if (Sum(event) == 0) {  // nothing to expect, and nothing to fit
    model.expected.assign(rows.size(), 0.0);
    model.relative_risk.assign(rows.size(), 1.0);
    return model;
  }
  std::vector<std::string> names;
  const std::vector<Factor> factors =
      CaseMixFactors(c, rows, event, false, true, options.min_level_events, names);
  const Cells cells = Collapse(factors, names.size(), event, days);
  const size_t m = cells.first.size();
  std::vector<double> time(m);
  std::vector<int32_t> status(m);
  for (size_t cell = 0; cell < m; ++cell) {
    time[cell] = days[cells.first[cell]];
    status[cell] = event[cells.first[cell]] != 0;
  }
  const stats::CoxData data{time, status, cells.matrix, names, {}, cells.counts};
  stats::CoxFit fit;  // with no covariates left: the Nelson-Aalen hazard, beta empty
  if (!names.empty()) {
    stats::CoxOptions cox;
    cox.ties = stats::CoxTies::kBreslow;  // CoxExpected's baseline is Breslow's
    auto fitted = stats::FitCox(data, cox);
    if (!fitted) {
      return InvalidArgument(fmt::format("revision Cox model on {}: {}", fmt::join(names, ", "),
                                         fitted.error().message()));
    }
    fit = std::move(*fitted);
  }
  auto expected = stats::CoxExpected(data, fit);
  if (!expected) return std::unexpected(expected.error());
  std::vector<double> cell_risk(m, 0.0);  // x'b, then exp(x'b)
  for (size_t j = 0; j < fit.coefficients.size(); ++j)
    for (size_t cell = 0; cell < m; ++cell)
      cell_risk[cell] += fit.coefficients[j].coef * cells.matrix[j * m + cell];
  for (double& r : cell_risk) r = std::exp(r);
  model.expected.resize(rows.size());
  model.relative_risk.resize(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    model.expected[k] = (*expected)[cells.cell_of[k]];
    model.relative_risk[k] = cell_risk[cells.cell_of[k]];
  }
  model.terms = std::move(names);
  model.iterations = fit.iterations;
  return model;
}

Result<RiskModel> ExpectedProbabilities(const Cohort& c, std::span<const size_t> rows,
                                        std::span<const double> outcome, bool with_indication,
                                        const RiskModelOptions& options) {
  RiskModel model;
  const double events = Sum(outcome);
  std::vector<std::string> names;
  const std::vector<Factor> factors =
      CaseMixFactors(c, rows, outcome, true, with_indication, options.min_level_events, names);
  if (events == 0 || events == static_cast<double>(rows.size()) || names.empty()) {
    model.expected.assign(rows.size(),
                          rows.empty() ? 0 : events / static_cast<double>(rows.size()));
    return model;
  }
  const Cells cells = Collapse(factors, names.size(), outcome, {});
  std::vector<double> y(cells.first.size());
  for (size_t cell = 0; cell < y.size(); ++cell) y[cell] = outcome[cells.first[cell]];
  auto fit = stats::FitLogistic({y, cells.matrix, names, cells.counts});
  if (!fit) {
    return InvalidArgument(
        fmt::format("logistic model on {}: {}", fmt::join(names, ", "), fit.error().message()));
  }
  model.expected.resize(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) model.expected[k] = fit->fitted[cells.cell_of[k]];
  model.terms = std::move(names);
  model.iterations = fit->iterations;
  return model;
}

}  // namespace orp::surveillance
