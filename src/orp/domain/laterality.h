// Laterality: which side of the body a procedure or implant is on, as a registry records it.
//
// Codes: L left, R right, B bilateral (both sides in one procedure), N not applicable (a
// midline or unpaired site such as the spine). Parse accepts the code letter in either case
// after trimming. OPCS-4 carries the same facts as Z94 subsidiary codes (opcs4_code.h).
#pragma once

#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

enum class Laterality { kLeft, kRight, kBilateral, kNotApplicable };

// kInvalidArgument naming the value and the four codes.
Result<Laterality> ParseLaterality(std::string_view text);

// "L", "R", "B" or "N".
std::string_view LateralityCode(Laterality laterality);

// "left", "right", "bilateral", "not applicable".
std::string_view LateralityName(Laterality laterality);

}  // namespace orp::domain
