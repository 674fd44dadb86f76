// libFuzzer target: the CSV submission reader (ingest::MakeCsvProcedureReader) on arbitrary
// bytes. Properties besides "no crash, no sanitizer report":
// - every procedure, device row and finding carries a row within the input's line count, and
//   procedures start on strictly increasing rows (each row is read once);
// - the reader ends: at most one procedure per line;
// - every finding names a rule and a message; no field value is empty;
// - procedure fields never hold a core device column (those belong to the device row);
// - procedures with a device-level registry field (option from the first byte) still read the
//   same procedure rows as without it: device_fields only moves values between maps.
#include <cstddef>
#include <cstdint>
#include <spanstream>
#include <string>
#include <vector>

#include "ingest_fuzz_support.h"
#include "orp/ingest/reader.h"

namespace {

using orp::ingest::RawProcedure;

struct Read {
  bool opened = false;
  std::vector<RawProcedure> procedures;
  std::vector<orp::domain::Finding> findings;
};

Read ReadAll(std::string_view text, orp::ingest::ReaderOptions options) {
  const int64_t lines = orp::fuzz::LineCount(text);
  std::ispanstream in(std::span<const char>(text.data(), text.size()));
  Read read;
  auto reader = orp::ingest::MakeCsvProcedureReader(in, std::move(options));
  if (!reader) return read;
  read.opened = true;
  RawProcedure procedure;
  for (int64_t calls = 0;; ++calls) {
    if (calls > lines) __builtin_trap();  // every procedure consumes at least one line
    auto more = (*reader)->Next(&procedure, &read.findings);
    if (!more || !*more) break;
    orp::fuzz::CheckProcedure(procedure, lines);
    if (!read.procedures.empty() && procedure.row <= read.procedures.back().row) {
      __builtin_trap();
    }
    for (const auto& [name, value] : procedure.fields) {
      if (orp::ingest::IsCoreDeviceField(name)) __builtin_trap();
    }
    read.procedures.push_back(procedure);
  }
  for (const orp::domain::Finding& f : read.findings) orp::fuzz::CheckFinding(f, lines);
  return read;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Read plain = ReadAll(text, {});
  orp::ingest::ReaderOptions with_device_field;
  with_device_field.device_fields = {"incision_site", "baker_grade", "a"};
  Read moved = ReadAll(text, with_device_field);
  if (plain.opened != moved.opened) __builtin_trap();
  if (plain.findings != moved.findings) __builtin_trap();
  if (plain.procedures.size() != moved.procedures.size()) __builtin_trap();
  for (size_t i = 0; i < plain.procedures.size(); ++i) {
    if (plain.procedures[i].row != moved.procedures[i].row) __builtin_trap();
    if (plain.procedures[i].procedure_ref() != moved.procedures[i].procedure_ref()) {
      __builtin_trap();
    }
  }
  return 0;
}
