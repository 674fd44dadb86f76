// Gs1FieldSink: the part of GS1 parsing shared by the element string, the bracketed HRI form and
// Digital Link. Each carrier parser finds (AI, value) pairs; the sink validates each value
// (length, character set, check digit, date), maps it into the ParsedUdi, rejects duplicate AIs
// with different values, and at Finish() enforces the pairing rules (a lot needs a GTIN, 235
// excludes 21) and the date order. Internal to udi/.
//
// Allocation-light: the AIs seen are kept as views into the caller's text, which must outlive the
// sink. Not thread-safe (one sink per parse).
#pragma once

#include <array>
#include <string_view>

#include "orp/udi/ai_table.h"
#include "orp/udi/udi.h"

namespace orp::udi {

class Gs1FieldSink {
 public:
  Gs1FieldSink(ParsedUdi& out, const ParseOptions& options) : out_(out), options_(options) {}

  // Validates and stores one field; `ai` is the AI as written (e.g. "3103" for the measure
  // entry), `position` the byte offset of the AI in the raw text (-1 if unknown).
  void Add(std::string_view ai, const AiDef& def, std::string_view value, int position);

  // Cross-field rules; call once after the last Add.
  void Finish();

  bool Seen(std::string_view ai) const;

 private:
  struct SeenField {
    std::string_view ai;
    const AiDef* def;
    std::string_view value;
  };
  static constexpr size_t kMaxFields = 32;

  bool CheckShape(std::string_view ai, const AiDef& def, std::string_view value, int position);
  void Store(std::string_view ai, const AiDef& def, std::string_view value, int position);
  void StoreDate(std::string_view ai, const AiDef& def, std::string_view value, int position);
  void StoreDateTime(std::string_view ai, std::string_view value, int position);
  void CheckPairing();
  void Error(std::string_view code, std::string message, std::string_view ai, int position);

  ParsedUdi& out_;
  const ParseOptions& options_;
  std::array<SeenField, kMaxFields> seen_{};
  size_t seen_count_ = 0;
};

}  // namespace orp::udi
