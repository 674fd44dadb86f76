// libFuzzer target: the bulk PROM responses parser (proms::ParseBulkResponses) on arbitrary
// bytes, with the shipped instruments. Properties besides "no crash, no sanitizer report":
// - every response and finding carries a row within the input's line count;
// - every response's answers pass CheckAnswers for its instrument and are not empty;
// - a finding names a known rule; months lie in 0..600.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <spanstream>
#include <string>

#include "orp/proms/bulk.h"

namespace {

const orp::proms::InstrumentSet& Instruments() {
  static const orp::proms::InstrumentSet set = [] {
    const char* dir = std::getenv("ORP_SOURCE_DIR");
    auto loaded = orp::proms::LoadInstruments(std::string(dir ? dir : ORP_SOURCE_DIR_DEFAULT) +
                                              "/instruments");
    if (!loaded) __builtin_trap();
    return *loaded;
  }();
  return set;
}

int64_t LineCount(std::string_view text) {
  int64_t lines = 1;
  for (char c : text) lines += c == '\n' || c == '\r';
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const int64_t lines = LineCount(text);
  std::ispanstream in(std::span<const char>(text.data(), text.size()));
  auto parsed =
      orp::proms::ParseBulkResponses(in, Instruments(), orp::Date{std::chrono::year{2026} / 6 / 1});
  if (!parsed) return 0;
  for (const auto& r : parsed->responses) {
    if (r.row < 1 || r.row > lines || r.months < 0 || r.months > 600) __builtin_trap();
    const orp::proms::Instrument* instrument = Instruments().Find(r.instrument);
    if (instrument == nullptr || r.answers.empty()) __builtin_trap();
    if (!orp::proms::CheckAnswers(*instrument, r.answers)) __builtin_trap();
  }
  static const std::set<std::string, std::less<>> kRules = {
      "csv.malformed",      "registry.missing",   "procedure_ref.missing", "instrument.unknown",
      "months.invalid",     "completed.format",   "completed.in_future",   "answer.not_integer",
      "answer.not_allowed", "answer.not_an_item", "answers.none"};
  for (const auto& f : parsed->findings) {
    if (!kRules.contains(f.rule) || f.row < 0 || f.row > lines) __builtin_trap();
  }
  return 0;
}
