#include "orp/domain/sex.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {

Result<Sex> ParseSex(std::string_view text) {
  std::string_view code = Trim(text);
  if (code == "1") return Sex::kMale;
  if (code == "2") return Sex::kFemale;
  if (code == "9") return Sex::kIndeterminate;
  if (code == "X" || code == "x") return Sex::kNotKnown;
  if (code == "0") {
    return InvalidArgument(
        "sex '0' is the not-known code of the older PERSON GENDER CODE CURRENT; PERSON STATED "
        "GENDER CODE uses X for not known");
  }
  return InvalidArgument(
      fmt::format("sex '{}' is not a PERSON STATED GENDER CODE; use 1 (male), 2 (female), 9 "
                  "(indeterminate) or X (not known)",
                  Printable(code)));
}

std::string_view SexCode(Sex sex) {
  switch (sex) {
    case Sex::kMale: return "1";
    case Sex::kFemale: return "2";
    case Sex::kIndeterminate: return "9";
    case Sex::kNotKnown: return "X";
  }
  return "X";
}

std::string_view SexName(Sex sex) {
  switch (sex) {
    case Sex::kMale: return "male";
    case Sex::kFemale: return "female";
    case Sex::kIndeterminate: return "indeterminate";
    case Sex::kNotKnown: return "not known";
  }
  return "not known";
}

std::string_view FhirGender(Sex sex) {
  switch (sex) {
    case Sex::kMale: return "male";
    case Sex::kFemale: return "female";
    case Sex::kIndeterminate: return "other";
    case Sex::kNotKnown: return "unknown";
  }
  return "unknown";
}

}  // namespace orp::domain
