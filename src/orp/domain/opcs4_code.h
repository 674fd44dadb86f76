// Opcs4Code: an OPCS-4 procedure code (OPCS Classification of Interventions and Procedures,
// release 4.x), the procedure classification of HES and the core dataset (uk-standards.md §2.5).
//
// A code is a chapter letter (A-Z without I and O), two digits and one more digit: W37.1. Parse
// accepts it with or without the dot ("W371" as HES/CDS carry it) in either case, after
// trimming, and keeps the dotted form. Syntax only: whether a code exists in the OPCS-4 release
// in force on the procedure date is a reference-data lookup.
//
// Laterality travels as a Z94 subsidiary code right after the procedure it qualifies. The
// mapping here (Z94.1 bilateral, Z94.2 right, Z94.3 left; Z94.4 unilateral, Z94.8 other
// specified, Z94.9 unspecified name no side) is marked "verify against the OPCS-4.10 tabular
// list" in the spec.
// Thread safety: immutable values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/domain/laterality.h"

namespace orp::domain {

class Opcs4Code {
 public:
  // kInvalidArgument naming the value and the rule (length, chapter letter, digit positions).
  static Result<Opcs4Code> Parse(std::string_view text);

  // "W37.1".
  const std::string& code() const { return code_; }
  // "W371", the HES/CDS form.
  std::string Compact() const { return code_.substr(0, 3) + code_.substr(4); }
  // 'W'. Y is subsidiary methods, Z subsidiary sites.
  char chapter() const { return code_[0]; }
  // "W37", the three-character category.
  std::string_view category() const { return std::string_view(code_).substr(0, 3); }

  // Z94.x: a laterality qualifier rather than a procedure.
  bool IsZ94() const { return code_.starts_with("Z94."); }
  // The side a Z94 code names: Z94.1 bilateral, Z94.2 right, Z94.3 left; none for other codes
  // (including Z94.4 unilateral, Z94.8 and Z94.9, which name no side).
  std::optional<Laterality> LateralityFromZ94() const;
  // The Z94 code for a side; none for not applicable.
  static std::optional<Opcs4Code> Z94For(Laterality laterality);

  friend bool operator==(const Opcs4Code&, const Opcs4Code&) = default;
  friend auto operator<=>(const Opcs4Code&, const Opcs4Code&) = default;

 private:
  explicit Opcs4Code(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace orp::domain
