// libFuzzer target: the deaths feed reader (ingest::DeathsReader) on arbitrary bytes.
// Properties besides "no crash, no sanitizer report":
// - every death and finding carries a row within the input's line count; deaths come on
//   strictly increasing rows and at most one per line (the reader ends);
// - a death is valid: its NHS number parses again from its own digits, and its date is not
//   after today;
// - a finding names a known rule, and the nhs_number / date_of_death rules name their field;
// - no finding message holds ten digits in a row, the shape of an NHS number (it could reach a
//   log).
#include <cstddef>
#include <cstdint>
#include <set>
#include <spanstream>
#include <string>
#include <vector>

#include "ingest_fuzz_support.h"
#include "orp/ingest/deaths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const int64_t lines = orp::fuzz::LineCount(text);
  const orp::Date today{std::chrono::year{2026} / 6 / 1};
  std::ispanstream in(std::span<const char>(text.data(), text.size()));
  auto reader = orp::ingest::DeathsReader::FromStream(in, today);
  if (!reader) return 0;
  std::vector<orp::domain::Finding> findings;
  int64_t last_row = 0;
  for (int64_t calls = 0;; ++calls) {
    if (calls > lines) __builtin_trap();
    auto death = reader->Next(&findings);
    if (!death || !*death) break;
    const orp::ingest::Death& d = **death;
    if (d.row <= last_row || d.row > lines) __builtin_trap();
    last_row = d.row;
    if (d.date_of_death > today) __builtin_trap();
    auto again = orp::domain::NhsNumber::Parse(d.nhs_number.digits());
    if (!again || again->digits() != d.nhs_number.digits()) __builtin_trap();
  }
  static const std::set<std::string, std::less<>> kRules = {
      "csv.malformed", "nhs_number.invalid", "date_of_death.format", "date_of_death.in_future"};
  for (const orp::domain::Finding& f : findings) {
    orp::fuzz::CheckFinding(f, lines);
    if (!kRules.contains(f.rule)) __builtin_trap();
    if (f.rule.starts_with("nhs_number.") && f.field != "nhs_number") __builtin_trap();
    if (f.rule.starts_with("date_of_death.") && f.field != "date_of_death") __builtin_trap();
    int digits_in_a_row = 0;
    for (char c : f.message) {
      digits_in_a_row = (c >= '0' && c <= '9') ? digits_in_a_row + 1 : 0;
      if (digits_in_a_row >= 10) __builtin_trap();
    }
  }
  return 0;
}
