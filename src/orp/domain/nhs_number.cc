#include "orp/domain/nhs_number.h"

#include <fmt/format.h>

namespace orp::domain {

int NhsNumber::CheckDigit(std::string_view nine_digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine_digits[i] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) return 0;
  if (check == 10) return -1;
  return check;
}

Result<NhsNumber> NhsNumber::Parse(std::string_view text, bool echo_input) {
  std::string digits;
  digits.reserve(10);
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') {
      return InvalidArgument(
          echo_input ? fmt::format("NHS number '{}' has a character that is not a digit", text)
                     : "NHS number has a character that is not a digit");
    }
    digits.push_back(c);
  }
  std::string shown = echo_input ? fmt::format(" {}", text) : "";
  if (digits.size() != 10) {
    return InvalidArgument(
        fmt::format("NHS number{} has {} digits; it must have 10", shown, digits.size()));
  }
  if (digits.find_first_not_of(digits[0]) == std::string::npos) {
    return InvalidArgument(
        fmt::format("NHS number{} repeats one digit; it is not a real number", shown));
  }
  int check = CheckDigit(digits);
  if (check < 0) {
    return InvalidArgument(fmt::format(
        "NHS number{} fails the modulus 11 check: no check digit is valid after these nine digits",
        shown));
  }
  if (digits[9] - '0' != check) {
    return InvalidArgument(
        fmt::format("NHS number{} fails the modulus 11 check: the last digit should be {}, not {}",
                    shown, check, digits[9]));
  }
  return NhsNumber(std::move(digits));
}

std::string NhsNumber::Formatted() const {
  return fmt::format("{} {} {}", digits_.substr(0, 3), digits_.substr(3, 3), digits_.substr(6));
}

}  // namespace orp::domain
