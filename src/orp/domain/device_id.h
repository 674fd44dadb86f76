// DeviceId: a device model's UDI-DI together with the agency that issued it. ORP reads two
// agencies' DIs today (../shared/specs/uk-standards.md §3):
//   GS1    a GTIN, carried as 14 digits (Gtin normalises GTIN-8/12/13);
//   HIBCC  LIC (4 characters, the first a letter) + product/catalogue number (1-18 characters) +
//          unit of measure (1 digit), upper-case letters and digits, as HIBC labels carry it
//          without the leading '+' and without the check character.
// The two text forms cannot collide (a GTIN is all digits, a HIBCC DI starts with a letter), so
// text() alone is a unique key; the agency is still kept explicit so storage and reports never
// have to guess it.
//
// A GTIN converts implicitly to a DeviceId (the GS1 case): code that looks devices up by GTIN
// keeps working where a DeviceId is asked for.
// Thread safety: plain value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/domain/gtin.h"

namespace orp::domain {

enum class IssuingAgency { kGs1, kHibcc };

std::string_view Name(IssuingAgency agency);  // "GS1" | "HIBCC"
// Case-insensitive "GS1" or "HIBCC"; kInvalidArgument naming the value otherwise.
Result<IssuingAgency> ParseIssuingAgency(std::string_view text);

class DeviceId {
 public:
  DeviceId() = default;        // empty GS1 DI: "not given"; text() is ""
  DeviceId(const Gtin& gtin);  // NOLINT(google-explicit-constructor): a GTIN is the GS1 DI

  // A DI as written on a catalogue row or scanned: digits are a GTIN (8, 12, 13 or 14 digits,
  // check digit verified); otherwise a HIBCC DI, a leading '+' allowed and dropped.
  // kInvalidArgument naming the rule when it is neither.
  static Result<DeviceId> Parse(std::string_view text);
  // A DI of a named agency (e.g. read back from storage): kInvalidArgument when `text` is not a
  // valid DI of that agency.
  static Result<DeviceId> Of(IssuingAgency agency, std::string_view text);

  IssuingAgency agency() const { return agency_; }
  // The canonical text: 14 digits for GS1, LIC+PCN+U/M for HIBCC.
  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }
  // The GTIN when the agency is GS1.
  std::optional<Gtin> gtin() const;

  friend bool operator==(const DeviceId&, const DeviceId&) = default;
  friend auto operator<=>(const DeviceId&, const DeviceId&) = default;

 private:
  DeviceId(IssuingAgency agency, std::string text) : agency_(agency), text_(std::move(text)) {}
  IssuingAgency agency_ = IssuingAgency::kGs1;
  std::string text_;
};

}  // namespace orp::domain
