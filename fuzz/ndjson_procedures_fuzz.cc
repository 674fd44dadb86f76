// libFuzzer target: the NDJSON submission reader (ingest::MakeNdjsonProcedureReader) on
// arbitrary bytes. Properties besides "no crash, no sanitizer report":
// - every procedure, device and finding carries a row within the input's line count;
//   procedures come on strictly increasing lines and each device has its procedure's line;
// - the reader ends: at most one procedure per line;
// - every finding names a rule and a message, and a not-a-string finding names its field;
// - lines are independent: reading the whole input gives exactly what reading each line on its
//   own gives (with the line number added), so no state leaks from one record to the next.
#include <cstddef>
#include <cstdint>
#include <spanstream>
#include <string>
#include <vector>

#include "ingest_fuzz_support.h"
#include "orp/ingest/reader.h"

namespace {

using orp::domain::Finding;
using orp::ingest::RawProcedure;

struct Read {
  std::vector<RawProcedure> procedures;
  std::vector<Finding> findings;
};

Read ReadAll(std::string_view text) {
  const int64_t lines = orp::fuzz::LineCount(text);
  std::ispanstream in(std::span<const char>(text.data(), text.size()));
  auto reader = orp::ingest::MakeNdjsonProcedureReader(in);
  Read read;
  RawProcedure procedure;
  for (int64_t calls = 0;; ++calls) {
    if (calls > lines) __builtin_trap();
    auto more = reader->Next(&procedure, &read.findings);
    if (!more || !*more) break;
    orp::fuzz::CheckProcedure(procedure, lines);
    for (const orp::ingest::RawDevice& d : procedure.devices) {
      if (d.row != procedure.row) __builtin_trap();
    }
    if (!read.procedures.empty() && procedure.row <= read.procedures.back().row) {
      __builtin_trap();
    }
    read.procedures.push_back(procedure);
  }
  for (const Finding& f : read.findings) {
    orp::fuzz::CheckFinding(f, lines);
    if (f.rule == "ndjson.not_a_string" && f.field.empty()) __builtin_trap();
  }
  return read;
}

// Reads each line alone and shifts its rows to where the line sits in the whole input.
Read ReadLineByLine(std::string_view text) {
  Read read;
  int64_t line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    // A line after the first is read as line 2 (after a blank line 1), because the reader
    // treats the first line specially (a byte order mark is skipped there only).
    const int64_t shift = line == 1 ? 0 : line - 2;
    std::string one(line == 1 ? "" : "\n");
    one.append(text.substr(start, end - start));
    Read alone = ReadAll(one);
    for (RawProcedure& p : alone.procedures) {
      p.row += shift;
      for (orp::ingest::RawDevice& d : p.devices) d.row += shift;
      read.procedures.push_back(std::move(p));
    }
    for (Finding& f : alone.findings) {
      f.row += shift;
      read.findings.push_back(std::move(f));
    }
    start = end + 1;
    ++line;
  }
  return read;
}

bool SameProcedures(const std::vector<RawProcedure>& a, const std::vector<RawProcedure>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].row != b[i].row || a[i].fields != b[i].fields) return false;
    if (a[i].devices.size() != b[i].devices.size()) return false;
    for (size_t j = 0; j < a[i].devices.size(); ++j) {
      if (a[i].devices[j].fields != b[i].devices[j].fields) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Read whole = ReadAll(text);
  Read lines = ReadLineByLine(text);
  if (!SameProcedures(whole.procedures, lines.procedures)) __builtin_trap();
  for (size_t i = 0; i < whole.findings.size() && i < lines.findings.size(); ++i) {
    // Messages name the line number, which differs; rows, fields and rules must agree.
    const Finding& a = whole.findings[i];
    const Finding& b = lines.findings[i];
    if (a.row != b.row || a.field != b.field || a.rule != b.rule) __builtin_trap();
  }
  if (whole.findings.size() != lines.findings.size()) __builtin_trap();
  return 0;
}
