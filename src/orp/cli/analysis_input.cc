#include "orp/cli/analysis_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <limits>
#include <unordered_map>

#include "orp/core/check.h"
#include "orp/core/csv_reader.h"
#include "orp/core/text.h"

namespace orp::cli {
namespace {

// Builds a TextColumn while streaming: codes in first-seen order, renumbered by Finish.
class TextEncoder {
 public:
  void Add(std::string_view value) {
    auto it = index_.find(value);
    if (it == index_.end()) {
      levels_.emplace_back(value);
      it = index_.emplace(levels_.back(), static_cast<int32_t>(levels_.size() - 1)).first;
    }
    codes_.push_back(it->second);
  }

  TextColumn Finish() {
    std::vector<int32_t> order(levels_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b) { return levels_[a] < levels_[b]; });
    std::vector<int32_t> rank(levels_.size());
    TextColumn column;
    for (size_t r = 0; r < order.size(); ++r) {
      rank[order[r]] = static_cast<int32_t>(r);
      column.levels.push_back(levels_[order[r]]);
    }
    column.codes = std::move(codes_);
    for (int32_t& code : column.codes) code = rank[code];
    return column;
  }

 private:
  std::deque<std::string> levels_;  // stable addresses: the map's keys view them
  std::unordered_map<std::string_view, int32_t> index_;
  std::vector<int32_t> codes_;
};

Result<double> ParseNumber(std::string_view cell) {
  std::string_view text = Trim(cell);
  double value = 0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return InvalidArgument(fmt::format("'{}' is not a number", Printable(cell)));
  }
  return value;
}

}  // namespace

Result<AnalysisTable> AnalysisTable::Load(const std::string& path,
                                          std::vector<ColumnRequest> columns) {
  auto reader = CsvReader::Open(path);
  if (!reader) return std::unexpected(reader.error().WithContext(path));
  AnalysisTable table;
  table.path_ = path;
  std::vector<size_t> index;
  for (ColumnRequest& request : columns) {
    auto at = reader->Column(request.name);
    if (!at) return std::unexpected(at.error().WithContext(path));
    index.push_back(*at);
    table.columns_.push_back({std::move(request), {}, {}});
  }
  std::vector<TextEncoder> encoders(table.columns_.size());
  CsvRecord record;
  while (true) {
    auto more = reader->Next(&record);
    if (!more) return std::unexpected(more.error().WithContext(path));
    if (!*more) break;
    for (size_t c = 0; c < index.size(); ++c) {
      Column& column = table.columns_[c];
      auto where = [&] {
        return fmt::format("{} line {}, column '{}'", path, record.line, column.request.name);
      };
      if (index[c] >= record.size() || Trim(record[index[c]]).empty()) {
        return InvalidArgument(fmt::format("{}: empty; every row needs a value", where()));
      }
      if (column.request.kind == ColumnKind::kText) {
        encoders[c].Add(record[index[c]]);
        continue;
      }
      auto value = ParseNumber(record[index[c]]);
      if (!value) return std::unexpected(value.error().WithContext(where()));
      column.numbers.push_back(*value);
    }
    table.lines_.push_back(record.line);
  }
  if (table.lines_.empty()) {
    return InvalidArgument(fmt::format("{}: no data rows after the header", path));
  }
  for (size_t c = 0; c < index.size(); ++c) {
    if (table.columns_[c].request.kind == ColumnKind::kText) {
      table.columns_[c].text = encoders[c].Finish();
    }
  }
  return table;
}

const AnalysisTable::Column& AnalysisTable::Find(std::string_view name, ColumnKind kind) const {
  for (const Column& column : columns_) {
    if (column.request.name == name) {
      ORP_CHECK(column.request.kind == kind);
      return column;
    }
  }
  ORP_CHECK(false && "column was not requested");
  return columns_.front();
}

std::span<const double> AnalysisTable::Numbers(std::string_view name) const {
  return Find(name, ColumnKind::kNumber).numbers;
}

const TextColumn& AnalysisTable::Text(std::string_view name) const {
  return Find(name, ColumnKind::kText).text;
}

Result<std::vector<int8_t>> EventStatus(const AnalysisTable& table, std::string_view column,
                                        std::optional<int> competing_code) {
  std::span<const double> values = table.Numbers(column);
  std::vector<int8_t> status(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (v == 0 || v == 1) {
      status[i] = static_cast<int8_t>(v);
    } else if (competing_code && v == *competing_code) {
      status[i] = 2;
    } else {
      return InvalidArgument(
          fmt::format("{} line {}, column '{}': status {} must be 0 (censored), 1 (event){}",
                      table.path(), table.LineOf(i), column, v,
                      competing_code ? fmt::format(" or {} (competing event)", *competing_code)
                                     : "; name a competing event's code with --competing-code"));
    }
  }
  return status;
}

Result<void> CheckFollowUp(const AnalysisTable& table, std::string_view exit_column,
                           std::string_view entry_column) {
  std::span<const double> exit = table.Numbers(exit_column);
  std::span<const double> entry =
      entry_column.empty() ? std::span<const double>() : table.Numbers(entry_column);
  for (size_t i = 0; i < exit.size(); ++i) {
    if (exit[i] < 0) {
      return InvalidArgument(fmt::format("{} line {}, column '{}': time {} is negative",
                                         table.path(), table.LineOf(i), exit_column, exit[i]));
    }
    if (!entry.empty() && !(entry[i] >= 0 && entry[i] < exit[i])) {
      return InvalidArgument(
          fmt::format("{} line {}: entry ('{}') {} must be >= 0 and before the exit time ('{}') {}",
                      table.path(), table.LineOf(i), entry_column, entry[i], exit_column, exit[i]));
    }
  }
  return {};
}

std::optional<std::vector<int32_t>> WholeNumbers(std::span<const double> values) {
  std::vector<int32_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max())) {
      return std::nullopt;
    }
    out[i] = static_cast<int32_t>(v);
    if (out[i] != v) return std::nullopt;
  }
  return out;
}

void AppendJsonNumber(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto end = fmt::format_to_n(buffer, sizeof buffer, "{}", value).out;
  out.append(buffer, end);
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace orp::cli
