// GS1 element strings (the data a scanner transmits from a GS1-128, DataMatrix, QR, DataBar or
// DotCode symbol) and the bracketed human-readable form "(01)...(17)...". See udi.h for the
// result; ../shared/specs/uk-standards.md §3.2-3.3 for the rules.
#pragma once

#include <string_view>

#include "orp/udi/udi.h"

namespace orp::udi {

inline constexpr char kGroupSeparator = '\x1d';  // FNC1 as transmitted: ASCII 29

// The element string, with or without a GS1 symbology identifier (]C1 ]d2 ]Q3 ]e0 ]J1) and
// with or without a leading FNC1 (GS). A variable-length value ends at GS or the end of data;
// values after AIs in the predefined-length table take exactly that length. Findings: codes
// gs1.symbology, gs1.unknown_ai, gs1.length, gs1.charset, gs1.check_digit, gs1.date,
// gs1.duplicate_ai, gs1.requires, gs1.excludes, gs1.expiry_before_production (errors);
// gs1.missing_separator (warning: a lot ran to the end holding "21"+digits and there is no
// serial, the merge a scanner makes when it drops GS), gs1.variable_measure (warning: GTIN
// indicator digit 9), udi.expired (warning).
ParsedUdi ParseGs1ElementString(std::string_view text, const ParseOptions& options = {});

// "(01)09506000134352(17)261231(10)ABC123". Values may contain '(' and ')' (CSET 82), so a
// value ends only at "(" AI ")" for an AI in the table, or at any "(" digits ")" while the value
// is numeric. Spaces around values are ignored. Findings as above plus gs1.hri_syntax.
ParsedUdi ParseGs1Hri(std::string_view text, const ParseOptions& options = {});

// The length of a GS1 symbology identifier at the start of `text` (3), or 0.
size_t Gs1SymbologyIdLength(std::string_view text);

// Shared by every parser: a udi.expired warning when the expiry is before options.today.
void CheckExpiry(ParsedUdi& out, const ParseOptions& options);

}  // namespace orp::udi
