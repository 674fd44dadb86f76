// json_golden_check: runs an ORP command and compares its JSON output with a golden file whose
// numbers came from R (test/golden/make_survival_fixtures.R). Keys must match exactly (the
// golden file's top-level "source" is provenance, not output); numbers must agree to the given
// relative tolerance (keys starting with "cif" to 1e-8, cmprsk's reference precision); null
// matches only null.
//
//   json_golden_check GOLDEN.json TOLERANCE -- COMMAND ARG...
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

using nlohmann::json;

int failures = 0;

void Report(const std::string& where, const std::string& what) {
  if (++failures <= 20) std::cerr << where << ": " << what << "\n";
}

void Compare(const json& actual, const json& expected, const std::string& where, double tolerance) {
  if (expected.is_number() && actual.is_number()) {
    const double a = actual.get<double>(), e = expected.get<double>();
    if (std::abs(a - e) > tolerance * std::abs(e) && a != e) {
      std::ostringstream text;
      text.precision(17);
      text << "got " << a << ", R has " << e;
      Report(where, text.str());
    }
    return;
  }
  if (expected.type() != actual.type()) {
    Report(where, "got " + actual.dump() + ", R has " + expected.dump());
    return;
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      Report(where, "got " + std::to_string(actual.size()) + " items, R has " +
                        std::to_string(expected.size()));
      return;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      Compare(actual[i], expected[i], where + "[" + std::to_string(i) + "]", tolerance);
    }
  } else if (expected.is_object()) {
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) Report(where + "." + key, "not in the golden file");
    }
    for (const auto& [key, value] : expected.items()) {
      if (where.empty() && key == "source") continue;
      if (!actual.contains(key)) {
        Report(where + "." + key, "missing from the output");
        continue;
      }
      Compare(actual[key], value, where + "." + key, key.starts_with("cif") ? 1e-8 : tolerance);
    }
  } else if (expected != actual) {
    Report(where, "got " + actual.dump() + ", R has " + expected.dump());
  }
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || std::string(argv[3]) != "--") {
    std::cerr << "usage: json_golden_check GOLDEN.json TOLERANCE -- COMMAND ARG...\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream golden;
  golden << in.rdbuf();
  const json expected = json::parse(golden.str());
  std::string command;
  for (int i = 4; i < argc; ++i) command += Quote(argv[i]) + " ";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return 2;
  std::string output;
  char buffer[65536];
  for (size_t got; (got = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, got);
  if (pclose(pipe) != 0) {
    std::cerr << "command failed: " << command << "\n";
    return 1;
  }
  Compare(json::parse(output), expected, "", std::stod(argv[2]));
  if (failures > 0) std::cerr << failures << " difference(s) from " << argv[1] << "\n";
  return failures == 0 ? 0 : 1;
}
