#include "orp/security/identifier_scan.h"

#include <string>

#include "orp/domain/nhs_number.h"

namespace orp::security {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The length of the NHS-number-shaped token starting at `i` (10 digits, or 3-3-4 with one
// separator repeated), or 0. Its digits go to `digits`.
size_t ShapeAt(std::string_view text, size_t i, std::string& digits) {
  digits.clear();
  size_t j = i;
  while (j < text.size() && IsDigit(text[j])) digits += text[j++];
  if (digits.size() == 10) return j - i;
  if (digits.size() != 3 || j >= text.size()) return 0;
  const char sep = text[j];
  if (sep != ' ' && sep != '-') return 0;
  const size_t groups[] = {3, 4};
  for (size_t group : groups) {
    if (j >= text.size() || text[j] != sep) return 0;
    ++j;
    size_t start = j;
    while (j < text.size() && IsDigit(text[j])) digits += text[j++];
    if (j - start != group) return 0;
  }
  return j - i;
}

}  // namespace

std::optional<std::string_view> FindNhsNumberShape(std::string_view text) {
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsDigit(text[i]) || (i > 0 && IsDigit(text[i - 1]))) continue;
    size_t length = ShapeAt(text, i, digits);
    if (length == 0) continue;
    bool longer = i + length < text.size() && IsDigit(text[i + length]);
    if (!longer && domain::NhsNumber::Parse(digits).has_value()) return text.substr(i, length);
  }
  return std::nullopt;
}

}  // namespace orp::security
