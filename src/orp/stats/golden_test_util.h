// What the stats golden tests share: a fixture R wrote (test/golden/, under $ORP_SOURCE_DIR,
// else the working directory) and R's numbers read back as doubles. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace orp::stats::golden {

inline nlohmann::json ReadFixture(const std::string& name) {
  const char* root = std::getenv("ORP_SOURCE_DIR");
  const std::string path = std::string(root ? root : ".") + "/test/golden/" + name;
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

}  // namespace orp::stats::golden
