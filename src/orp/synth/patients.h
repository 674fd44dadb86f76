// Patients of the synthetic registry: NHS numbers from the test range, postcodes that obey the
// UK letter rules, dates of birth and of death.
//
// NHS numbers are 999 followed by six digits and the modulus 11 check digit. The six digits
// run through a fixed permutation of 0..999999 so that consecutive patients do not get
// consecutive numbers; prefixes whose check value is 10 (no valid number) and the repdigit
// 9999999999 are skipped. That leaves about 909,000 distinct numbers: past that, new episodes
// reuse existing patients (see Patients::Exhausted).
//
// A patient's date of death is drawn once, when the patient is created, so every episode of the
// same person stops at the same death. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/synth/random.h"

namespace orp::synth {

struct Patient {
  int32_t date_of_birth;         // days since 1970-01-01
  int32_t date_of_death;         // days since 1970-01-01; INT32_MAX when alive at the end of time
  uint32_t nhs_body;             // the six digits after 999
  char sex;                      // '1', '2', '9'
  std::array<char, 9> postcode;  // NUL-terminated, e.g. "LS6 2AB"
};

// "999" + six digits + check digit.
std::string NhsNumberFor(uint32_t body);

// A postcode in `area` (index into PostcodeAreas()) or, rarely, a ZZ99 pseudo-postcode.
std::array<char, 9> DrawPostcode(Rng& rng, int area);

class Patients {
 public:
  // Appends a patient and returns its index.
  uint32_t Add(Date date_of_birth, Date date_of_death, char sex,
               const std::array<char, 9>& postcode);
  bool Exhausted() const;
  const Patient& operator[](uint32_t i) const { return patients_[i]; }
  uint32_t size() const { return static_cast<uint32_t>(patients_.size()); }
  const std::vector<Patient>& all() const { return patients_; }

 private:
  std::vector<Patient> patients_;
  uint32_t counter_ = 0;  // next position in the permutation of six-digit bodies
};

}  // namespace orp::synth
