#include "orp/surveillance/risk_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

#include "orp/stats/cox.h"
#include "orp/stats/logistic.h"

namespace orp::surveillance {
namespace {

// A design of 0/1 factor columns, column-major.
struct Design {
  size_t n = 0;
  std::vector<double> matrix;
  std::vector<std::string> names;
};

// Adds one factor's treatment contrasts: reference = most common level; levels with too few
// events (or non-events, for a binary outcome) are merged into it.
void AddFactor(std::string_view name, std::span<const int32_t> code,
               std::span<const std::string> labels, std::span<const double> event, bool binary,
               int64_t min_events, Design& d) {
  std::vector<int64_t> count(labels.size()), events(labels.size());
  for (size_t i = 0; i < d.n; ++i) {
    ++count[static_cast<size_t>(code[i])];
    events[static_cast<size_t>(code[i])] += event[i] != 0;
  }
  const auto reference = static_cast<size_t>(
      std::distance(count.begin(), std::max_element(count.begin(), count.end())));
  for (size_t level = 0; level < labels.size(); ++level) {
    if (level == reference || events[level] < min_events) continue;
    if (binary && count[level] - events[level] < min_events) continue;
    for (size_t i = 0; i < d.n; ++i)
      d.matrix.push_back(static_cast<size_t>(code[i]) == level ? 1.0 : 0.0);
    d.names.push_back(fmt::format("{}={}", name, labels[level]));
  }
}

Design CaseMixDesign(const Cohort& c, std::span<const size_t> rows, std::span<const double> event,
                     bool binary, bool with_indication, int64_t min_events) {
  static const std::vector<std::string> kAge = {"<55", "55-64", "65-74", "75-84", "85+", "unknown"};
  static const std::vector<std::string> kSex = {"male", "female", "other/unknown"};
  static const std::vector<std::string> kAsa = {"unknown", "1", "2", "3", "4", "5"};
  Design d;
  d.n = rows.size();
  std::vector<int32_t> code(rows.size());
  auto add = [&](std::string_view name, auto value, std::span<const std::string> labels) {
    for (size_t k = 0; k < rows.size(); ++k) code[k] = value(rows[k]);
    AddFactor(name, code, labels, event, binary, min_events, d);
  };
  add(
      "age", [&](size_t i) { return int32_t{c.age_band[i]}; }, kAge);
  add(
      "sex", [&](size_t i) { return int32_t{c.sex[i]}; }, kSex);
  add(
      "asa", [&](size_t i) { return int32_t{c.asa[i]}; }, kAsa);
  if (with_indication) {
    std::vector<std::string> labels = c.indications;
    labels.push_back("unknown");
    const auto unknown = static_cast<int32_t>(c.indications.size());
    add(
        "indication",
        [&](size_t i) { return c.indication[i] == kNoUnit ? unknown : c.indication[i]; }, labels);
  }
  return d;
}

double Sum(std::span<const double> v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

Result<RiskModel> ExpectedRevisions(const Cohort& c, std::span<const size_t> rows,
                                    const RiskModelOptions& options) {
  std::vector<double> time(rows.size()), event(rows.size());
  std::vector<int32_t> status(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    time[k] = c.exit_day[rows[k]] - c.entry_day[rows[k]];
    status[k] = c.status[rows[k]] == 1;
    event[k] = status[k];
  }
  RiskModel model;
  if (Sum(event) == 0) {  // nothing to expect, and nothing to fit
    model.expected.assign(rows.size(), 0.0);
    return model;
  }
  Design d = CaseMixDesign(c, rows, event, false, true, options.min_level_events);
  const stats::CoxData data{time, status, d.matrix, d.names, {}};
  stats::CoxFit fit;  // with no covariates left: the Nelson-Aalen hazard, beta empty
  if (!d.names.empty()) {
    stats::CoxOptions cox;
    cox.ties = stats::CoxTies::kBreslow;  // CoxExpected's baseline is Breslow's
    auto fitted = stats::FitCox(data, cox);
    if (!fitted) {
      return InvalidArgument(fmt::format("revision Cox model on {}: {}", fmt::join(d.names, ", "),
                                         fitted.error().message()));
    }
    fit = std::move(*fitted);
  }
  auto expected = stats::CoxExpected(data, fit);
  if (!expected) return std::unexpected(expected.error());
  model.expected = std::move(*expected);
  model.terms = std::move(d.names);
  model.iterations = fit.iterations;
  return model;
}

Result<RiskModel> ExpectedProbabilities(const Cohort& c, std::span<const size_t> rows,
                                        std::span<const double> outcome, bool with_indication,
                                        const RiskModelOptions& options) {
  RiskModel model;
  const double events = Sum(outcome);
  Design d = CaseMixDesign(c, rows, outcome, true, with_indication, options.min_level_events);
  if (events == 0 || events == static_cast<double>(rows.size()) || d.names.empty()) {
    model.expected.assign(rows.size(),
                          rows.empty() ? 0 : events / static_cast<double>(rows.size()));
    return model;
  }
  auto fit = stats::FitLogistic({outcome, d.matrix, d.names});
  if (!fit) {
    return InvalidArgument(
        fmt::format("logistic model on {}: {}", fmt::join(d.names, ", "), fit.error().message()));
  }
  model.expected = std::move(fit->fitted);
  model.terms = std::move(d.names);
  model.iterations = fit->iterations;
  return model;
}

}  // namespace orp::surveillance
