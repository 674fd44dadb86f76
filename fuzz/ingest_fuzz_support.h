// Shared checks for the ingest fuzz targets (csv_procedures, ndjson_procedures, deaths_feed):
// the line count of an input, and the invariants every Finding and RawProcedure must keep
// whatever the bytes were.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "orp/domain/entities.h"
#include "orp/ingest/raw_procedure.h"

namespace orp::fuzz {

// Lines in `text` as a reader counts them: LF ends a line; a final line without one counts.
inline int64_t LineCount(std::string_view text) {
  return static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

// A finding points into the input (row 0 means the whole file) and names its rule and problem.
inline void CheckFinding(const domain::Finding& f, int64_t lines) {
  if (f.row < 0 || f.row > lines) __builtin_trap();
  if (f.rule.empty() || f.message.empty()) __builtin_trap();
}

// A procedure starts on a line of the input; its devices come from that line or later ones, in
// order; "not given" has one spelling, so no value is empty and no device is empty.
inline void CheckProcedure(const ingest::RawProcedure& p, int64_t lines) {
  if (p.row < 1 || p.row > lines) __builtin_trap();
  int64_t previous = p.row;
  for (const ingest::RawDevice& d : p.devices) {
    if (d.row < previous || d.row > lines) __builtin_trap();
    previous = d.row;
    for (const auto& [name, value] : d.fields) {
      if (value.empty()) __builtin_trap();
    }
  }
  for (const auto& [name, value] : p.fields) {
    if (value.empty()) __builtin_trap();
  }
}

}  // namespace orp::fuzz
