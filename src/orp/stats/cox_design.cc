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
    ORP_RETURN_IF_ERROR(CheckColumn(factor.name, factor.labels.size(), n, seen));
    for (size_t i = 0; i < n; ++i) {
      if (factor.labels[i].empty()) {
        return InvalidArgument(
            fmt::format("factor '{}' has no value in row {}", factor.name, i + 1));
      }
    }
    const FactorLevels coded = EncodeLevels(factor.labels);
    if (coded.levels.size() < 2) {
      return InvalidArgument(
          fmt::format("factor '{}' has only one level ('{}'); it needs two or more to compare",
                      factor.name, coded.levels.empty() ? "" : coded.levels.front()));
    }
    design.reference_levels.push_back(coded.levels.front());
    for (size_t level = 1; level < coded.levels.size(); ++level) {
      design.names.push_back(fmt::format("{}={}", factor.name, coded.levels[level]));
      for (size_t i = 0; i < n; ++i) {
        design.matrix.push_back(coded.codes[i] == static_cast<int32_t>(level) ? 1.0 : 0.0);
      }
    }
  }
  return design;
}

}  // namespace orp::stats
