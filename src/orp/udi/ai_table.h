// The GS1 Application Identifiers ORP understands, and the predefined-length rule that decides
// where a value ends in an element string. Source: GS1 General Specifications and the GS1
// Syntax Dictionary, as summarised in ../shared/specs/uk-standards.md §3.2.
//
// Invariant: no AI in the table is a prefix of another (GS1 guarantees this), so matching the
// longest known AI at the start of the data is unambiguous.
// Thread safety: immutable static data.
#pragma once

#include <array>
#include <string_view>

namespace orp::udi {

enum class AiCharset : unsigned char { kNumeric, kCset82 };

// Which ParsedUdi field a value lands in.
enum class AiRole : unsigned char {
  kGtin,             // 01
  kLot,              // 10
  kSerial,           // 21
  kProductionDate,   // 11
  kExpiryDate,       // 17
  kExpiryDateTime,   // 7003
  kSoftwareVersion,  // 8012
  kAdditionalId,     // 240
  kOtherDate,        // 12, 13, 15, 16: validated YYMMDD kept in other_ais
  kOther,            // kept in other_ais
};

struct AiDef {
  std::string_view ai;  // "01"; measure AIs 31nn-36nn share one entry whose ai is "3nnn"
  std::string_view title;
  AiCharset charset;
  unsigned char min_length;
  unsigned char max_length;
  AiRole role;
  // At least one of these AIs must also be present (empty: no requirement).
  std::array<std::string_view, 4> requires_any{};
  std::string_view excludes{};  // this AI must not appear with that one
};

// The AI definition at the start of `data` (2, 3 or 4 digits, longest match), or nullptr.
const AiDef* MatchAi(std::string_view data);

// The definition of exactly this AI, or nullptr.
const AiDef* FindAi(std::string_view ai);

// Length of the value that follows an AI with this two-digit prefix when no FNC1 is needed
// (the GS1 predefined-length table: 00, 01-04, 11-19, 20, 31-36, 41), or 0 when the value is
// variable or fixed-but-not-predefined and must be ended by GS or the end of the data.
int PredefinedValueLength(std::string_view ai);

// True for the 82 characters of GS1 character set 82.
bool IsCset82(char c);

}  // namespace orp::udi
