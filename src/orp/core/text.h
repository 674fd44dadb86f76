// Small ASCII text helpers shared by parsers. All are locale-independent: registry data is
// compared byte for byte after the normalisation each identifier's Parse documents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orp {

// Leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF) removed.
std::string_view Trim(std::string_view text);

// Pieces between separators; "a;;b" gives {"a", "", "b"}; "" gives {""}.
std::vector<std::string_view> Split(std::string_view text, char separator);

std::string ToUpperAscii(std::string_view text);

bool IsAsciiDigits(std::string_view text);  // non-empty and only 0-9

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Text with every character outside printable ASCII shown as \xHH, for messages about
// untrusted input (a barcode with a GS separator, a field with a stray control byte).
std::string Printable(std::string_view text);

}  // namespace orp
