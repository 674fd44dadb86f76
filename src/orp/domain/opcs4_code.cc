#include "orp/domain/opcs4_code.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

constexpr std::string_view kShape =
    "a code is a chapter letter, two digits, a dot and one digit, e.g. W37.1 (or W371)";

}  // namespace

Result<Opcs4Code> Opcs4Code::Parse(std::string_view text) {
  std::string upper = ToUpperAscii(Trim(text));
  std::string_view t = upper;
  bool shaped = (t.size() == 4) || (t.size() == 5 && t[3] == '.');
  if (!shaped || !IsAsciiDigit(t[1]) || !IsAsciiDigit(t[2]) || !IsAsciiDigit(t.back())) {
    return InvalidArgument(fmt::format("OPCS-4 code '{}' is not a code: {}", Printable(t), kShape));
  }
  char chapter = t[0];
  if (chapter < 'A' || chapter > 'Z' || chapter == 'I' || chapter == 'O') {
    return InvalidArgument(fmt::format(
        "OPCS-4 code '{}' has no chapter '{}': chapters are the letters A-Z except I and O",
        Printable(t), Printable(t.substr(0, 1))));
  }
  return Opcs4Code(fmt::format("{}.{}", t.substr(0, 3), t.back()));
}

std::optional<Laterality> Opcs4Code::LateralityFromZ94() const {
  if (!IsZ94()) return std::nullopt;
  switch (code_[4]) {
    case '1': return Laterality::kBilateral;
    case '2': return Laterality::kRight;
    case '3': return Laterality::kLeft;
    default: return std::nullopt;
  }
}

std::optional<Opcs4Code> Opcs4Code::Z94For(Laterality laterality) {
  switch (laterality) {
    case Laterality::kBilateral: return Opcs4Code("Z94.1");
    case Laterality::kRight: return Opcs4Code("Z94.2");
    case Laterality::kLeft: return Opcs4Code("Z94.3");
    case Laterality::kNotApplicable: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace orp::domain
