// Feeds arbitrary bytes to orp::CsvReader. The first byte chooses the options (chunk size 4-35
// bytes, header or not, field count check); the rest is the CSV text. Besides "no crash, no
// sanitizer report" it is differential: reading with tiny chunks must give exactly the records
// and errors that reading the whole input as one chunk gives.
#include <cstddef>
#include <cstdint>
#include <spanstream>
#include <string>
#include <vector>

#include "orp/core/csv_reader.h"

namespace {

// Records (fields, line, number) and error messages, in order, as one flat transcript.
std::vector<std::string> Transcript(std::string_view text, orp::CsvOptions options) {
  std::ispanstream in(std::span<const char>(text.data(), text.size()));
  orp::CsvReader reader(in, options);
  std::vector<std::string> out;
  orp::CsvRecord record;
  for (size_t calls = 0; calls <= text.size() + 2; ++calls) {
    auto more = reader.Next(&record);
    if (!more) {
      out.push_back("error: " + more.error().message());
      continue;
    }
    if (!*more) return out;
    out.push_back("record " + std::to_string(record.line) + " " + std::to_string(record.number));
    for (std::string_view field : record.fields) out.emplace_back(field);
  }
  __builtin_trap();  // every call consumes input, so the loop must have ended
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  orp::CsvOptions whole;
  whole.has_header = (data[0] & 0x20) == 0;
  whole.check_field_count = (data[0] & 0x40) != 0;
  orp::CsvOptions chunked = whole;
  chunked.chunk_bytes = 4 + (data[0] & 0x1F);
  if (Transcript(text, whole) != Transcript(text, chunked)) __builtin_trap();
  return 0;
}
