// Sex: the NHS Data Dictionary PERSON STATED GENDER CODE, as the core dataset records a patient
// (uk-standards.md §5; FHIR CodeSystem NHSDataModelAndDictionary-PersonStatedGenderCode).
//
// Codes: 1 male, 2 female, 9 indeterminate (unable to be classified as male or female),
// X not known (not recorded). Parse accepts exactly these after trimming, x in either case.
// "0" is refused with a message pointing to X: 0 is the "not known" code of the older PERSON
// GENDER CODE CURRENT, and silently mapping it would hide which standard a feed follows.
#pragma once

#include <string_view>

#include "orp/core/result.h"

namespace orp::domain {

enum class Sex { kMale, kFemale, kIndeterminate, kNotKnown };

// kInvalidArgument naming the value and the four codes.
Result<Sex> ParseSex(std::string_view text);

// "1", "2", "9" or "X".
std::string_view SexCode(Sex sex);

// "male", "female", "indeterminate", "not known".
std::string_view SexName(Sex sex);

// FHIR Patient.gender: male, female, other (9) or unknown (X).
std::string_view FhirGender(Sex sex);

}  // namespace orp::domain
