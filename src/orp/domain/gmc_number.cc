#include "orp/domain/gmc_number.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

constexpr std::string_view kForms =
    "a GMC number is 7 digits (e.g. 1234567), optionally written as the consultant code "
    "C1234567, or L and 6 digits for a limited registration";

bool IsDigits(std::string_view text, size_t count) {
  return text.size() == count && IsAsciiDigits(text);
}

}  // namespace

Result<GmcNumber> GmcNumber::Parse(std::string_view text) {
  std::string value = ToUpperAscii(Trim(text));
  if (value.empty()) return InvalidArgument(fmt::format("GMC number is empty; {}", kForms));
  std::string_view v = value;
  if (IsDigits(v, 7)) return GmcNumber(value);
  if (v.front() == 'C' && IsDigits(v.substr(1), 7)) return GmcNumber(value.substr(1));
  if (v.front() == 'L' && IsDigits(v.substr(1), 6)) return GmcNumber(value);
  if (v.front() == 'D' && v.size() > 1 && IsAsciiDigits(v.substr(1))) {
    return InvalidArgument(fmt::format(
        "'{}' is a dental consultant code (Dental Practice Board number), not a GMC number; "
        "give the GMC number of a medical clinician",
        value));
  }
  if (IsAsciiDigits(v)) {
    return InvalidArgument(
        fmt::format("GMC number '{}' has {} digits; {}", value, v.size(), kForms));
  }
  return InvalidArgument(
      fmt::format("GMC number '{}' is not in a known form; {}", Printable(value), kForms));
}

std::optional<std::string> GmcNumber::ConsultantCode() const {
  if (IsLimitedRegistration()) return std::nullopt;
  return "C" + number_;
}

}  // namespace orp::domain
