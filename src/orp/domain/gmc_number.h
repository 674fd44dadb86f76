// GmcNumber: a doctor's General Medical Council reference number, the identifier of the
// responsible consultant and other clinicians on a procedure (uk-standards.md §2.3).
//
// Parse accepts, after trimming and upper-casing:
//   1234567    the GMC number, 7 digits
//   C1234567   the NHS Data Dictionary CONSULTANT CODE form; stored as the bare 7 digits
//   L123456    a limited-registration number ("L" + 6 digits, UK Core Practitioner); kept as is
//   C9999998   the CONSULTANT CODE default for an overseas doctor without a GMC number: it
//              parses (submissions legitimately carry it) and IsDefaultCode() is true
// Dental consultant codes ("D" + Dental Practice Board number) are not GMC numbers and are
// rejected with a message saying so. GMC numbers have no check digit: existence is a lookup in
// the GMC List of Registered Medical Practitioners.
//
// Thread safety: immutable values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

class GmcNumber {
 public:
  // kInvalidArgument naming the value and the accepted forms.
  static Result<GmcNumber> Parse(std::string_view text);

  // "1234567" or "L123456".
  const std::string& number() const { return number_; }

  bool IsLimitedRegistration() const { return number_.front() == 'L'; }

  // The overseas-doctor default, C9999998 (or its digits).
  bool IsDefaultCode() const { return number_ == "9999998"; }

  // "C1234567" for CDS/HES-style outputs; none for a limited-registration number, which has no
  // published consultant code form.
  std::optional<std::string> ConsultantCode() const;

  friend bool operator==(const GmcNumber&, const GmcNumber&) = default;
  friend auto operator<=>(const GmcNumber&, const GmcNumber&) = default;

 private:
  explicit GmcNumber(std::string number) : number_(std::move(number)) {}
  std::string number_;
};

}  // namespace orp::domain
