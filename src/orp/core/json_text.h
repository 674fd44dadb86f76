// JSON string literals without a JSON library, for small hot paths that write JSON by hand (the
// API's error body, the SMS adapter's request). One escaper for the project: '"' and '\' are
// escaped, \n \r \t by their short forms, other control characters as \u00XX; every other byte is
// copied as it is (UTF-8 passes through unchanged).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace orp {

// `text` as a quoted JSON string literal.
std::string JsonString(std::string_view text);

// Appends `text` as a quoted JSON string literal to `out`.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace orp
