// Tabular command output for people (aligned columns) and machines (CSV). Commands whose JSON
// has its own documented shape build it themselves; a Table is for rows of plain cells.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// "table" | "json" | "csv"; anything else is kInvalidArgument naming the choices.
Result<OutputFormat> ParseOutputFormat(std::string_view text);

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  // A row must have as many cells as there are headers (checked).
  void AddRow(std::vector<std::string> cells);

  // Columns padded to their widest cell, a rule under the header; numbers right-aligned.
  std::string RenderText() const;
  std::string RenderCsv() const;

  size_t size() const { return rows_.size(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Rows of plain cells as the format asks: an aligned table, CSV, or a JSON array of objects keyed
// by the headers (every value a string).
void PrintRows(const std::vector<std::string>& headers,
               const std::vector<std::vector<std::string>>& rows, OutputFormat format);

}  // namespace orp::cli
