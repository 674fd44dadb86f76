// OdsCode and OdsSiteCode: Organisation Data Service codes for the provider that submits a
// procedure (organisation) and the hospital where it happened (site).
//
// Parse checks syntax only (uk-standards.md §2.2): surrounding whitespace trimmed, letters
// upper-cased, then ASCII letters and digits only, of an allowed length. Whether a code exists,
// holds the right role and was open on the procedure date is a reference-data lookup against
// ODS extracts, not a property of the text. Never infer the sector from the first character:
// since ISN0090 (October 2020) new codes are random (ANANA, e.g. G3Q3Z).
//
// A 5-character code may be an organisation (independent provider 8HA03, ANANA G3Q3Z) or a
// site (NHS trust site RXF05): the text cannot tell, so the field being read decides the type.
//
// Thread safety: immutable values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

// An organisation code: 3 characters (NHS trust RXF, ISHP org NT4) or 5 (independent provider
// 8HA03, codes issued since 2020 such as G3Q3Z).
class OdsCode {
 public:
  // kInvalidArgument naming the field, the value and the rule (length or character).
  static Result<OdsCode> Parse(std::string_view text);

  // Upper case, 3 or 5 characters.
  const std::string& code() const { return code_; }

  friend bool operator==(const OdsCode&, const OdsCode&) = default;
  friend auto operator<=>(const OdsCode&, const OdsCode&) = default;

 private:
  explicit OdsCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

// A site code: 5 characters normally (RXF05, NT451), up to 9 as data sets allow, including the
// ODS defaults 89999 (non-NHS UK provider without a site code) and 89997 (non-UK provider).
class OdsSiteCode {
 public:
  static constexpr std::string_view kNonNhsUkDefault = "89999";
  static constexpr std::string_view kNonUkDefault = "89997";

  // kInvalidArgument naming the value and the rule; a 3-character value is reported as looking
  // like an organisation code.
  static Result<OdsSiteCode> Parse(std::string_view text);

  // Upper case, 5 to 9 characters.
  const std::string& code() const { return code_; }

  // 89999 or 89997: the provider has no site code of its own.
  bool IsDefaultCode() const { return code_ == kNonNhsUkDefault || code_ == kNonUkDefault; }

  // The first three characters of a 5-character, non-default site code: the parent trust for
  // NHS trust sites (RXF05 -> RXF) and ISHP sites (NT451 -> NT4). A HEURISTIC ONLY: it is wrong
  // for codes that do not encode their hierarchy (all codes issued since 2020), so use it to
  // suggest, never to decide; the parent comes from ODS reference data.
  std::optional<OdsCode> HeuristicParentPrefix() const;

  friend bool operator==(const OdsSiteCode&, const OdsSiteCode&) = default;
  friend auto operator<=>(const OdsSiteCode&, const OdsSiteCode&) = default;

 private:
  explicit OdsSiteCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace orp::domain
