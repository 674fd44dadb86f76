// Principal: who is making a request — a person (interactive, signed in with a password and a
// second factor) or a system (an API token) — and the roles they hold, each with its scope.
//
// A role without its scope grants nothing: `provider` alone is not a role a user can hold; it is
// always `provider@RRK` (an ODS organisation code). The scopes are:
//   submitter@ODS, provider@ODS   an ODS organisation code (submits for / sees that provider)
//   clinician@GMC                 a GMC number (sees their own procedures and outcomes)
//   manufacturer@ID               a manufacturer id from the device catalogue (own devices,
//                                 aggregates only, never a patient)
//   patient@self                  the patient's own record; `patient` holds the pseudonym (hex)
//   analyst, regulator, admin     national roles, no scope
// The policy (security/policy.h) decides every request from a Principal alone; the API layer
// never looks at roles itself.
//
// Plain data, header only, so that api/ and cli/ can pass it around without linking the
// password or token code. Thread safety: value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orp::security {

enum class Role {
  kSubmitter,
  kProvider,
  kClinician,
  kManufacturer,
  kPatient,
  kAnalyst,
  kRegulator,
  kAdmin,
};

struct Grant {
  Role role = Role::kAnalyst;
  std::string scope;  // ODS code, GMC number, manufacturer id, "self", or empty (national roles)
  friend bool operator==(const Grant&, const Grant&) = default;
};

struct Principal {
  int64_t user_id = 0;   // 0: nobody (anonymous)
  std::string username;  // never a patient identifier; safe to log
  bool is_system = false;  // authenticated by API token rather than a session
  std::string patient;     // for patient@self: the patient's pseudonym in hex; else empty
  std::vector<Grant> grants;

  bool anonymous() const { return user_id == 0; }
  friend bool operator==(const Principal&, const Principal&) = default;
};

}  // namespace orp::security
