// The policy decision: the ONE function that says whether a principal may perform an action on a
// resource. Deny by default: an action is allowed only when one of the principal's grants has a
// rule for it and the rule's scope condition holds. Every HTTP route and command that touches
// registry data asks Decide before it reads or writes; nothing else looks at roles.
//
// The resource carries the scope facts of what is about to be read or written; the caller
// fills them from the data (not from the request), and for a listing filters first and then
// asks about what it will return:
//   organisations  ODS codes of the providers that own the records returned or written (for
//                  patient.identifier.read: the providers with a procedure on that patient)
//   clinician      GMC number of the responsible clinician (clinician-level data)
//   manufacturer   manufacturer id of the devices (manufacturer-level aggregates)
//   patient        the patient's pseudonym in hex (a patient's own record)
//
// Scope conditions (docs/security.md has the full matrix, and policy_test.cc checks it):
//   own organisations  resource.organisations is non-empty and every code is among the
//                      principal's scopes for that role (provider A never sees provider B)
//   responsible org    one of resource.organisations is among the principal's scopes
//   own clinician      resource.clinician equals a clinician@ scope
//   own manufacturer   resource.manufacturer equals a manufacturer@ scope (aggregates only)
//   own record         resource.patient is non-empty and equals principal.patient
//   national           no condition (analyst, regulator, admin; reference data for anyone)
//
// Public actions (health.read, session.create, session.delete) are allowed to everyone,
// anonymous included; every other action needs a signed-in principal with a grant.
//
// Decision.identifiable is true when the access is to patient-level data (record-level, even
// pseudonymised, which is personal data): the caller must append an audit entry for it
// (security/audit.h) whether or not it is allowed.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/security/principal.h"

namespace orp::security {

enum class Action {
  kSubmissionCreate,          // submission.create
  kSubmissionRead,            // submission.read (receipt, findings)
  kProcedureRead,             // procedure.read (procedures and implants, pseudonymised)
  kPatientImplantsRead,       // patient.implants.read
  kPatientIdentifierRead,     // patient.identifier.read (the NHS number, decrypted)
  kCatalogueRead,             // catalogue.read
  kUdiParse,                  // udi.parse
  kAnalyticsAggregateRead,    // analytics.aggregate.read
  kSurveillanceSignalRead,    // surveillance.signal.read
  kSurveillanceSignalUpdate,  // surveillance.signal.update
  kRecallRead,                // recall.read
  kRecallUpdate,              // recall.update
  kRecallCreate,              // recall.create (a campaign from criteria)
  kSurveillanceRun,           // surveillance.run (a run that records signals)
  kAuditRead,                 // audit.read (anyone's entries)
  kAuditReadOwn,              // audit.read_own (who looked at my record)
  kUserAdmin,                 // user.admin
  kMetricsRead,               // metrics.read
  // Public: allowed to everyone, signed in or not (they reveal nothing about anyone).
  kHealthRead,     // health.read (/healthz, /readyz)
  kSessionCreate,  // session.create (signing in: Accounts::Login decides)
  kSessionDelete,  // session.delete (signing out)
  // Any signed-in principal with a role, in any scope: it concerns only the caller.
  kSessionPassword,  // session.password (changing one's own password: Accounts decides)
  // web (#9): a recall campaign's counts per stage for the devices' manufacturer (no patient
  // data); and national device performance at the public audience, public like health.read.
  kRecallStatusRead,  // recall.status.read
  kPublicDeviceRead,  // public.device.read
};

// Every action, in declaration order (for tables and tests).
const std::vector<Action>& AllActions();
// "submission.create", … as in the comments above.
std::string_view ActionName(Action action);
// kInvalidArgument naming the value.
Result<Action> ParseAction(std::string_view text);

struct Resource {
  std::vector<std::string> organisations;  // ODS codes, upper case
  std::string clinician;                   // GMC number, bare 7 digits (or L+6)
  std::string manufacturer;                // manufacturer id
  std::string patient;                     // pseudonym hex
  // A listing asked about before any row is known: "may this principal do the action on
  // anything at all?" The scope condition is taken as met (a patient@self still needs a
  // pseudonym); the caller must ask again with each row's facts and return only those allowed.
  bool collection = false;
};

struct Decision {
  bool allowed = false;
  // Why, for the audit log and a 403 body; never names a patient. Allowed: "provider@RRK may
  // procedure.read its own organisation's records"; denied: "no grant allows audit.read" or
  // "provider@RRK may not procedure.read records of another organisation".
  std::string reason;
  bool identifiable = false;   // patient-level data: audit this access
  std::optional<Grant> grant;  // the grant that allowed it (empty when denied)
};

// The decision for `principal` doing `action` on `resource`. Anonymous principals and
// principals without grants are denied everything.
Decision Decide(const Principal& principal, Action action, const Resource& resource);

// Whether `action` touches patient-level data, whoever asks (the value Decision.identifiable
// takes). Lets a caller audit a denial before it has a Decision.
bool IsIdentifiable(Action action);

}  // namespace orp::security
