// Gtin: a GS1 Global Trade Item Number, the device identifier (UDI-DI) on GS1 labels.
//
// Parse accepts GTIN-8, -12, -13 and -14 (digits only) with a correct mod-10 check digit and
// normalises to 14 digits by left-padding with zeros, which is how AI (01) and the catalogue
// key carry it. See ../shared/specs/uk-standards.md §3.
#pragma once

#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

class Gtin {
 public:
  // kInvalidArgument naming the rule: length, non-digit, or "check digit should be N, not M".
  static Result<Gtin> Parse(std::string_view text);

  // The GS1 mod-10 check digit over the digits before it (any length).
  static int CheckDigit(std::string_view payload);

  // Always 14 digits.
  const std::string& digits() const { return digits_; }

  friend bool operator==(const Gtin&, const Gtin&) = default;
  friend auto operator<=>(const Gtin&, const Gtin&) = default;

 private:
  explicit Gtin(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

}  // namespace orp::domain
