// NhsNumber: a validated 10-digit NHS number (England, Wales and Isle of Man; also accepts
// Scottish CHI and Northern Ireland H&C numbers, which share the format).
//
// Valid means: exactly 10 ASCII digits after removing spaces and hyphens, the modulus 11 check
// digit correct (a check value of 10 is never issued), and not one digit repeated ten times
// (every repdigit passes modulus 11). See ../shared/specs/uk-standards.md §2.1.
//
// An NhsNumber is personal data: never log it or put it in an error message meant for logs.
// Storage keeps only its keyed pseudonym and ciphertext.
#pragma once

#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

class NhsNumber {
 public:
  // kInvalidArgument with a message that says which rule failed and what the check digit
  // should be; the message contains the text only when `echo_input` is true (for people fixing
  // their own data, never for logs).
  static Result<NhsNumber> Parse(std::string_view text, bool echo_input = false);

  // The check digit for nine digits, or -1 when the weighted sum gives 10 (no valid number).
  static int CheckDigit(std::string_view nine_digits);

  // Ten digits, no spaces: "9434765919".
  const std::string& digits() const { return digits_; }
  // "943 476 5919", the way people read it.
  std::string Formatted() const;
  // 999 000 0000 – 999 999 9999 is reserved for test data.
  bool IsTestRange() const { return digits_.starts_with("999"); }

  friend bool operator==(const NhsNumber&, const NhsNumber&) = default;
  friend auto operator<=>(const NhsNumber&, const NhsNumber&) = default;

 private:
  explicit NhsNumber(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

}  // namespace orp::domain
