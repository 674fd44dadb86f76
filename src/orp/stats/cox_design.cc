#include "orp/stats/cox_design.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace orp::stats {
namespace {

// A label R would read as a number: the whole text is a finite decimal.
bool ParseNumber(const std::string& text, double& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && std::isfinite(value);
}

std::vector<std::string> SortLevels(std::vector<std::string> levels) {
  std::vector<double> numbers(levels.size());
  bool numeric = true;
  for (size_t i = 0; i < levels.size() && numeric; ++i)
    numeric = ParseNumber(levels[i], numbers[i]);
  if (!numeric) {
    std::sort(levels.begin(), levels.end());  // byte order, as R in the C locale
    return levels;
  }
  std::vector<size_t> order(levels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return numbers[a] < numbers[b]; });
  std::vector<std::string> sorted;
  for (size_t i : order) sorted.push_back(std::move(levels[i]));
  return sorted;
}

Result<bool> CheckColumn(const std::string& name, size_t size, size_t n,
                         std::set<std::string>& seen) {
  if (size != n) {
    return InvalidArgument(
        fmt::format("covariate '{}' has {} values; the model has {} subjects", name, size, n));
  }
  if (!seen.insert(name).second) {
    return InvalidArgument(fmt::format("covariate '{}' is named twice", name));
  }
  return true;
}

// Appends one 0/1 column per level after the reference (the first in R's order).
Result<bool> AddFactorColumns(const FactorCovariate& factor, CoxDesign& design) {
  const std::vector<std::string> sorted = SortLevels({factor.levels.begin(), factor.levels.end()});
  if (sorted.size() < 2) {
    return InvalidArgument(
        fmt::format("factor '{}' has only one level ('{}'); it needs two or more to compare",
                    factor.name, sorted.empty() ? "" : sorted.front()));
  }
  std::vector<int32_t> column_of(factor.levels.size());  // input level -> 0 (reference), 1, ...
  for (size_t i = 0; i < factor.levels.size(); ++i) {
    column_of[i] = static_cast<int32_t>(std::find(sorted.begin(), sorted.end(), factor.levels[i]) -
                                        sorted.begin());
  }
  for (size_t row = 0; row < factor.codes.size(); ++row) {
    const int32_t code = factor.codes[row];
    if (code < 0 || static_cast<size_t>(code) >= factor.levels.size()) {
      return InvalidArgument(fmt::format("factor '{}' row {}: level code {} is out of range",
                                         factor.name, row + 1, code));
    }
    if (factor.levels[code].empty()) {
      return InvalidArgument(
          fmt::format("factor '{}' has no value in row {}", factor.name, row + 1));
    }
  }
  design.reference_levels.push_back(sorted.front());
  for (size_t level = 1; level < sorted.size(); ++level) {
    design.names.push_back(fmt::format("{}={}", factor.name, sorted[level]));
    for (int32_t code : factor.codes) {
      design.matrix.push_back(column_of[code] == static_cast<int32_t>(level) ? 1.0 : 0.0);
    }
  }
  return true;
}

}  // namespace

FactorLevels EncodeLevels(std::span<const std::string> labels) {
  std::map<std::string_view, int32_t> index;
  for (const std::string& label : labels) index.emplace(label, 0);
  std::vector<std::string> unsorted;
  for (const auto& [label, unused] : index) unsorted.emplace_back(label);
  FactorLevels out;
  out.levels = SortLevels(std::move(unsorted));
  for (size_t i = 0; i < out.levels.size(); ++i) index[out.levels[i]] = static_cast<int32_t>(i);
  out.codes.reserve(labels.size());
  for (const std::string& label : labels) out.codes.push_back(index.find(label)->second);
  return out;
}

Result<CoxDesign> BuildCoxDesign(size_t n, std::span<const NumericCovariate> numeric,
                                 std::span<const FactorCovariate> factors) {
  CoxDesign design;
  std::set<std::string> seen;
  for (const NumericCovariate& column : numeric) {
    ORP_RETURN_IF_ERROR(CheckColumn(column.name, column.values.size(), n, seen));
    design.names.push_back(column.name);
    design.matrix.insert(design.matrix.end(), column.values.begin(), column.values.end());
  }
  for (const FactorCovariate& factor : factors) {
    ORP_RETURN_IF_ERROR(CheckColumn(factor.name, factor.codes.size(), n, seen));
    ORP_RETURN_IF_ERROR(AddFactorColumns(factor, design));
  }
  return design;
}

}  // namespace orp::stats
