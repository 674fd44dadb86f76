#include "orp/domain/gtin.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {

int Gtin::CheckDigit(std::string_view payload) {
  // Weights 3,1,3,1… from the rightmost payload digit.
  int sum = 0;
  int weight = 3;
  for (size_t i = payload.size(); i-- > 0;) {
    sum += (payload[i] - '0') * weight;
    weight = 4 - weight;
  }
  return (10 - sum % 10) % 10;
}

Result<Gtin> Gtin::Parse(std::string_view text) {
  if (!IsAsciiDigits(text)) {
    return InvalidArgument(fmt::format("GTIN '{}' must contain only digits", Printable(text)));
  }
  size_t n = text.size();
  if (n != 8 && n != 12 && n != 13 && n != 14) {
    return InvalidArgument(
        fmt::format("GTIN '{}' has {} digits; it must have 8, 12, 13 or 14", text, n));
  }
  int expected = CheckDigit(text.substr(0, n - 1));
  if (text[n - 1] - '0' != expected) {
    return InvalidArgument(
        fmt::format("GTIN {} check digit should be {}, not {}", text, expected, text[n - 1]));
  }
  std::string digits(14 - n, '0');
  digits.append(text);
  return Gtin(std::move(digits));
}

}  // namespace orp::domain
