// SnomedCtId: a SNOMED CT identifier (SCTID) of a concept, description or relationship
// (uk-standards.md §2.6; SNOMED release file specification, "SCTID data type").
//
// Valid means: 6 to 18 decimal digits after trimming, no leading zero; the last digit is the
// Verhoeff check digit over the rest; the two digits before it are the partition identifier:
//   00 concept, 01 description, 02 relationship (short format: SNOMED International ids)
//   10, 11, 12 the same in the long format, with a 7-digit namespace identifier before the
//              partition (so at least 11 digits; UK ids carry namespace 1000000)
// Existence and activity of the component in a release is a reference-data lookup.
// Thread safety: immutable values; the static functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

class SnomedCtId {
 public:
  // kInvalidArgument naming the value and the rule (length, leading zero, partition, check
  // digit, giving the digit it should be).
  static Result<SnomedCtId> Parse(std::string_view text);

  // The Verhoeff check digit (0-9) to append to `payload` (ASCII digits, any length). Used by
  // the synthetic data generator to make valid ids.
  static int VerhoeffCheckDigit(std::string_view payload);
  // True when `digits` (ASCII digits, check digit last) passes the Verhoeff check.
  static bool VerhoeffValid(std::string_view digits);

  uint64_t value() const { return value_; }
  std::string ToString() const { return std::to_string(value_); }

  // 0, 1, 2, 10, 11 or 12.
  int partition() const { return int(value_ / 10 % 100); }
  bool IsConcept() const { return partition() % 10 == 0; }
  bool IsDescription() const { return partition() % 10 == 1; }
  bool IsRelationship() const { return partition() % 10 == 2; }
  bool IsLongFormat() const { return partition() >= 10; }
  // The 7-digit namespace of a long-format id (1000000 for the UK); none for short format.
  std::optional<uint32_t> namespace_id() const;

  friend bool operator==(const SnomedCtId&, const SnomedCtId&) = default;
  friend auto operator<=>(const SnomedCtId&, const SnomedCtId&) = default;

 private:
  explicit SnomedCtId(uint64_t value) : value_(value) {}
  uint64_t value_;
};

}  // namespace orp::domain
