#include "orp/cli/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "orp/core/check.h"
#include "orp/core/csv.h"

namespace orp::cli {
namespace {

bool LooksNumeric(std::string_view cell) {
  if (cell.empty()) return false;
  return std::all_of(cell.begin(), cell.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' ||
                              c == '+' || c == '%';
                     }) &&
         cell.find_first_of("0123456789") != std::string_view::npos;
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  return InvalidArgument(fmt::format("--format {}: choose table, json or csv", text));
}

void Table::AddRow(std::vector<std::string> cells) {
  ORP_CHECK(cells.size() == headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::RenderText() const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) width[c] = headers_[c].size();
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto append_row = [&](const std::vector<std::string>& row, bool header) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += "  ";
      bool right = !header && LooksNumeric(row[c]);
      out += right ? fmt::format("{:>{}}", row[c], width[c])
                   : (c + 1 == row.size() ? row[c] : fmt::format("{:<{}}", row[c], width[c]));
    }
    out += '\n';
  };
  append_row(headers_, true);
  for (size_t c = 0; c < headers_.size(); ++c) {
    if (c > 0) out += "  ";
    out.append(width[c], '-');
  }
  out += '\n';
  for (const auto& row : rows_) append_row(row, false);
  return out;
}

std::string Table::RenderCsv() const {
  std::string out;
  AppendCsvRow(out, headers_);
  for (const auto& row : rows_) AppendCsvRow(out, row);
  return out;
}

void PrintRows(const std::vector<std::string>& headers,
               const std::vector<std::vector<std::string>>& rows, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& row : rows) {
      nlohmann::ordered_json object;
      for (size_t i = 0; i < headers.size(); ++i) object[headers[i]] = row[i];
      out.push_back(std::move(object));
    }
    fmt::print("{}\n", out.dump(2));
    return;
  }
  Table table(headers);
  for (const auto& row : rows) table.AddRow(row);
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

}  // namespace orp::cli
