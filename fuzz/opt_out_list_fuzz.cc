// libFuzzer target: ingest::ParseOptOutList (the national data opt-out file) on arbitrary bytes.
// Properties: no crash or sanitizer report; every finding names a line within the text, the
// field nhs_number and the rule nhs_number.invalid; a finding's message never contains a run of
// ten digits (the parser must not echo what it read); valid numbers and findings together never
// outnumber the lines.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orp/ingest/opt_out_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int64_t lines = 1;
  for (char c : text) lines += c == '\n';
  int64_t valid = 0;
  auto findings = orp::ingest::ParseOptOutList(text, [&](const orp::domain::NhsNumber& n) {
    if (n.digits().size() != 10) std::abort();
    ++valid;
  });
  if (valid + static_cast<int64_t>(findings.size()) > lines) std::abort();
  for (const auto& f : findings) {
    if (f.row < 1 || f.row > lines) std::abort();
    if (f.field != "nhs_number" || f.rule != "nhs_number.invalid") std::abort();
    int run = 0;
    for (char c : f.message) {
      run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
      if (run >= 10) std::abort();
    }
  }
  return 0;
}
