// What the stats golden tests share: the fixtures R wrote (test/golden/, under $ORP_SOURCE_DIR,
// else the working directory), JSON or plain CSV, and R's numbers read back as doubles. Test
// code only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/text.h"

namespace orp::stats::golden {

inline std::filesystem::path GoldenDir() {
  const char* root = std::getenv("ORP_SOURCE_DIR");
  return std::filesystem::path(root != nullptr ? root : ".") / "test" / "golden";
}

inline nlohmann::json ReadFixture(const std::string& name) {
  const std::filesystem::path path = GoldenDir() / name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// R's NA/NaN are null, infinities the strings "Inf"/"-Inf".
inline double Number(const nlohmann::json& v) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (v.is_string()) {
    return v.get<std::string>() == "Inf" ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

inline std::vector<double> Numbers(const nlohmann::json& v) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(Number(x));
  return out;
}

// A plain CSV fixture (no quoting): a header, then rows of equal width; columns by name.
inline std::map<std::string, std::vector<std::string>> ReadColumns(
    const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::string_view name : Split(Trim(line), ',')) header.emplace_back(name);
  std::map<std::string, std::vector<std::string>> columns;
  while (std::getline(in, line)) {
    if (Trim(line).empty()) continue;
    const std::vector<std::string_view> cells = Split(Trim(line), ',');
    EXPECT_EQ(cells.size(), header.size()) << path << ": " << line;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      columns[header[i]].emplace_back(cells[i]);
    }
  }
  return columns;
}

// A CSV column's cells as doubles.
inline std::vector<double> CellNumbers(const std::vector<std::string>& cells) {
  std::vector<double> out;
  for (const std::string& cell : cells) out.push_back(std::stod(cell));
  return out;
}

// `actual` within `tolerance` of R's `expected`, relative once |expected| > 1.
inline void ExpectClose(double actual, const nlohmann::json& expected, double tolerance,
                        const std::string& what) {
  const double want = expected.get<double>();
  EXPECT_NEAR(actual, want, tolerance * std::max(1.0, std::fabs(want))) << what;
}

}  // namespace orp::stats::golden
