// HIBC LIC labels (ANSI/HIBC 2.6): primary "+LIC PCN U/M C", secondary "+$..." (lot, serial,
// quantity, expiry with a date-format flag, supplemental /14D /16D /S fields, legacy
// "+YYJJJ lot") and the concatenated "+primary/secondary C" form. Code 39 '*' start/stop
// characters are stripped. See ../shared/specs/uk-standards.md §3.4.
#pragma once

#include <string_view>

#include "orp/udi/udi.h"

namespace orp::udi {

// The DI is LIC + PCN + U/M (no '+', no check character). Findings: hibc.syntax,
// hibc.charset, hibc.check_char ("should be '-', not 'A'"), hibc.date, hibc.date_flag
// (errors); hibc.secondary_only (warning: a secondary symbol has no DI, scan the primary),
// hibc.unknown_supplement (warning), udi.expired (warning).
ParsedUdi ParseHibcc(std::string_view text, const ParseOptions& options = {});

// The mod-43 value of a HIBC character (0-9, A-Z, - . space $ / + %), or -1.
int HibcValue(char c);

// The mod-43 check character over `data` (which includes the leading '+'), or '\0' when a
// character is outside the HIBC set.
char HibcCheckCharacter(std::string_view data);

}  // namespace orp::udi
