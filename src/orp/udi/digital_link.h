// GS1 Digital Link URIs: https://<any domain>[/<path prefix>]/01/<gtin>[/22/<cpv>][/10/<lot>]
// [/21/<serial>] or .../01/<gtin>/235/<tpx>, then data attributes in the query string
// (?17=261231&11=...). See ../shared/specs/uk-standards.md §3.3.
#pragma once

#include <string_view>

#include "orp/udi/udi.h"

namespace orp::udi {

// Path values and query values are percent-decoded, then validated like any GS1 value. A
// GTIN-8/12/13 in the path is normalised to 14 digits. Query keys that are not all digits
// (linkType, context, ...) are not GS1 data and are ignored. Findings: dl.syntax (not an
// http(s) URI, odd path, bad %-escape), dl.primary_key (no /01/<gtin>), dl.qualifier_order
// (22,10,21 order broken or an unknown qualifier), dl.qualifier_in_query (warning: a key
// qualifier sent as a query attribute, accepted), and the gs1.* findings of gs1.h (235 with 21
// is gs1.excludes).
ParsedUdi ParseDigitalLink(std::string_view uri, const ParseOptions& options = {});

// True when `text` starts with http:// or https:// (any case).
bool LooksLikeUri(std::string_view text);

}  // namespace orp::udi
