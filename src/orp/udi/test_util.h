// Test helpers for udi/ tests (header-only, test code only).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "orp/udi/udi.h"

namespace orp::udi::testing {

inline Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// Parses run as if read on 1 June 2026, so century and expiry checks are reproducible.
inline ParseOptions On2026() { return ParseOptions{.today = Ymd(2026, 6, 1)}; }

inline std::string Codes(const ParsedUdi& u) {
  std::string out;
  for (const Finding& f : u.findings) {
    out += out.empty() ? "" : " ";
    out += std::string(f.code) + (f.severity == Severity::kError ? "!" : "?");
  }
  return out;
}

inline const Finding* FindingFor(const ParsedUdi& u, std::string_view code) {
  for (const Finding& f : u.findings) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

}  // namespace orp::udi::testing
