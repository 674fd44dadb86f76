// Postcode: a UK postcode, checked against the strict format rules (uk-standards.md §2.4) and
// kept in canonical form "SW1A 1AA" (upper case, one space before the inward code).
//
// Parse accepts 0 or 1 space (which must come before the last three characters), any case, and
// surrounding whitespace. Beyond the plain shape (outward A9, A99, A9A, AA9, AA99, AA9A; inward
// digit + 2 letters) it enforces the letter rules: first letter not Q, V or X; second letter
// not I, J or Z; third (A9A) one of A-H J K S T U W; fourth (AA9A) one of A B E H M N P R V W X
// Y; inward letters not C I K M O V. "GIR 0AA" is accepted. ODS pseudo-postcodes "ZZ99" + digit
// + letter + "Z" (ZZ99 3VZ no fixed abode, ZZ99 3WZ not known, ZZ99 6CZ India …) break the
// letter rules on purpose; they parse and IsPseudo() is true (HES linkage treats them as
// unknown). Syntax is not existence: a real postcode is a lookup in the postcode directory.
//
// A postcode is part of a patient's address: error messages contain the text only when
// `echo_input` is true (for the person fixing their own data, never for logs).
// Thread safety: immutable values.
#pragma once

#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

class Postcode {
 public:
  // kInvalidArgument naming the rule that failed (spaces, length, which character).
  static Result<Postcode> Parse(std::string_view text, bool echo_input = false);

  // "SW1A 1AA": 6 to 8 characters.
  const std::string& canonical() const { return canonical_; }
  // "SW1A".
  std::string_view outward() const {
    return std::string_view(canonical_).substr(0, canonical_.size() - 4);
  }
  // "1AA".
  std::string_view inward() const {
    return std::string_view(canonical_).substr(canonical_.size() - 3);
  }
  // An ODS pseudo-postcode (ZZ99 …): no fixed abode, not known, overseas.
  bool IsPseudo() const { return canonical_.starts_with("ZZ99 "); }

  friend bool operator==(const Postcode&, const Postcode&) = default;
  friend auto operator<=>(const Postcode&, const Postcode&) = default;

 private:
  explicit Postcode(std::string canonical) : canonical_(std::move(canonical)) {}
  std::string canonical_;
};

}  // namespace orp::domain
