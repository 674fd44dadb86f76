// ParseUdi: the one entry point for a scanned or typed label. It sniffs the format
// (../shared/specs/uk-standards.md §3.3 "Format sniffing") and calls the matching parser:
//   http(s)://...                  -> GS1 Digital Link
//   ]C1 ]d2 ]Q3 ]e0 ]J1, GS, digit -> GS1 element string
//   "(" digits ")"                 -> GS1 bracketed HRI
//   "+" (or Code 39 "*+")          -> HIBCC
//   "=" or "&"                     -> ICCBBA: kept raw, iccbba.manual_entry (warning)
//   "[)>" RS                       -> ISO/IEC 15434 envelope: kept raw, iso15434.unsupported
//                                     (warning)
//   anything else                  -> udi.unknown_format (error)
// Other AIM symbology identifiers (]d1, ]Q1, ]C0, ]A0 ...) are stripped and the rest sniffed
// again. Leading and trailing whitespace (a scanner's CR/LF suffix) is trimmed first.
#pragma once

#include <string_view>

#include "orp/udi/udi.h"

namespace orp::udi {

Format DetectFormat(std::string_view text);

ParsedUdi ParseUdi(std::string_view text, const ParseOptions& options = {});

}  // namespace orp::udi
