#include "orp/domain/laterality.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {

Result<Laterality> ParseLaterality(std::string_view text) {
  std::string_view code = Trim(text);
  if (code.size() == 1) {
    switch (code[0]) {
      case 'L':
      case 'l': return Laterality::kLeft;
      case 'R':
      case 'r': return Laterality::kRight;
      case 'B':
      case 'b': return Laterality::kBilateral;
      case 'N':
      case 'n': return Laterality::kNotApplicable;
      default: break;
    }
  }
  return InvalidArgument(
      fmt::format("laterality '{}' is not a code; use L (left), R (right), B (bilateral) or N (not "
                  "applicable)",
                  Printable(code)));
}

std::string_view LateralityCode(Laterality laterality) {
  switch (laterality) {
    case Laterality::kLeft: return "L";
    case Laterality::kRight: return "R";
    case Laterality::kBilateral: return "B";
    case Laterality::kNotApplicable: return "N";
  }
  return "N";
}

std::string_view LateralityName(Laterality laterality) {
  switch (laterality) {
    case Laterality::kLeft: return "left";
    case Laterality::kRight: return "right";
    case Laterality::kBilateral: return "bilateral";
    case Laterality::kNotApplicable: return "not applicable";
  }
  return "not applicable";
}

}  // namespace orp::domain
