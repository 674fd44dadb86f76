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
// Plain data. The functions at the end (principal.cc) turn grants to and from their text form.
// Thread safety: value type; the functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

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

// "submitter", "provider", "clinician", "manufacturer", "patient", "analyst", "regulator",
// "admin".
std::string_view RoleName(Role role);
// kInvalidArgument naming the value and the roles.
Result<Role> ParseRole(std::string_view text);

// True for the roles whose grant needs a scope (all but analyst, regulator, admin).
bool RoleNeedsScope(Role role);

// "provider@RRK" -> {kProvider, "RRK"}; "analyst" -> {kAnalyst, ""}. Surrounding whitespace is
// trimmed; the scope is validated and normalised by its kind:
//   submitter, provider   domain::OdsCode (3 or 5 letters/digits, upper-cased)
//   clinician             domain::GmcNumber (7 digits, C+7 digits, or L+6; stored bare)
//   manufacturer          1-64 of [A-Za-z0-9._-] (the catalogue's manufacturer id), kept as is
//   patient               exactly "self"
//   analyst, regulator, admin   no scope ("analyst@X" is an error)
// kInvalidArgument naming the grant and the rule broken, e.g. "grant 'provider': role provider
// needs a scope: provider@<ODS code>".
Result<Grant> ParseGrant(std::string_view text);

// The inverse of ParseGrant: "provider@RRK", "analyst".
std::string FormatGrant(const Grant& grant);

// "provider@RRK, analyst" (for audit records and listings).
std::string FormatGrants(const std::vector<Grant>& grants);

}  // namespace orp::security
