#include "orp/domain/clinical_dates.h"

#include <fmt/format.h>

namespace orp::domain {

Result<void> CheckProcedureDate(Date procedure, Date today) {
  if (procedure <= today) return {};
  return InvalidArgument(
      fmt::format("procedure date {} is after today ({}); a procedure date cannot be in the future",
                  FormatIsoDate(procedure), FormatIsoDate(today)));
}

Result<void> CheckBirthBeforeProcedure(Date dob, Date procedure) {
  if (dob <= procedure) return {};
  return InvalidArgument(
      fmt::format("date of birth {} is after the procedure date {}; one of them is wrong",
                  FormatIsoDate(dob), FormatIsoDate(procedure)));
}

Result<void> CheckPlausibleAge(Date dob, Date procedure) {
  int age = WholeYearsBetween(dob, procedure);
  if (age <= kMaxPlausibleAgeYears) return {};
  return InvalidArgument(fmt::format(
      "date of birth {} makes the patient {} years old on the procedure date {}; more than {} "
      "years is implausible",
      FormatIsoDate(dob), age, FormatIsoDate(procedure), kMaxPlausibleAgeYears));
}

}  // namespace orp::domain
