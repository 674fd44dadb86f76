#include "orp/security/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "orp/core/text.h"
#include "orp/security/manufacturer_id.h"

namespace orp::security {
namespace {

// The condition a rule puts on the resource (see policy.h).
enum class Scope {
  kNational,                 // no condition
  kOwnOrganisations,         // every resource organisation is one of the role's scopes
  kResponsibleOrganisation,  // at least one resource organisation is one of the role's scopes
  kOwnClinician,             // resource.clinician is one of the role's scopes
  kOwnManufacturer,          // resource.manufacturer is one of the role's scopes
  kOwnRecord,                // resource.patient is the principal's own pseudonym
};

struct Rule {
  Action action;
  Role role;
  Scope scope;
};

using enum Action;
using enum Role;

// The whole policy. Anything not listed is denied. docs/security.md shows it as a matrix.
constexpr Rule kRules[] = {
    {kSubmissionCreate, kSubmitter, Scope::kOwnOrganisations},
    {kSubmissionCreate, kProvider, Scope::kOwnOrganisations},
    {kSubmissionRead, kSubmitter, Scope::kOwnOrganisations},
    {kSubmissionRead, kProvider, Scope::kOwnOrganisations},

    {kProcedureRead, kProvider, Scope::kOwnOrganisations},
    {kProcedureRead, kClinician, Scope::kOwnClinician},
    {kProcedureRead, kPatient, Scope::kOwnRecord},
    {kProcedureRead, kAnalyst, Scope::kNational},
    {kProcedureRead, kRegulator, Scope::kNational},
    {kPatientImplantsRead, kProvider, Scope::kOwnOrganisations},
    {kPatientImplantsRead, kClinician, Scope::kOwnClinician},
    {kPatientImplantsRead, kPatient, Scope::kOwnRecord},
    {kPatientImplantsRead, kAnalyst, Scope::kNational},
    {kPatientImplantsRead, kRegulator, Scope::kNational},
    // The NHS number: the responsible provider (to contact its patient) and the regulator only.
    {kPatientIdentifierRead, kProvider, Scope::kResponsibleOrganisation},
    {kPatientIdentifierRead, kRegulator, Scope::kNational},

    {kAnalyticsAggregateRead, kProvider, Scope::kOwnOrganisations},
    {kAnalyticsAggregateRead, kClinician, Scope::kOwnClinician},
    {kAnalyticsAggregateRead, kManufacturer, Scope::kOwnManufacturer},
    {kAnalyticsAggregateRead, kAnalyst, Scope::kNational},
    {kAnalyticsAggregateRead, kRegulator, Scope::kNational},
    {kSurveillanceSignalRead, kProvider, Scope::kOwnOrganisations},
    {kSurveillanceSignalRead, kClinician, Scope::kOwnClinician},
    {kSurveillanceSignalRead, kManufacturer, Scope::kOwnManufacturer},
    {kSurveillanceSignalRead, kAnalyst, Scope::kNational},
    {kSurveillanceSignalRead, kRegulator, Scope::kNational},
    {kSurveillanceSignalUpdate, kRegulator, Scope::kNational},
    {kRecallRead, kProvider, Scope::kOwnOrganisations},
    {kRecallRead, kPatient, Scope::kOwnRecord},
    {kRecallRead, kRegulator, Scope::kNational},
    {kRecallUpdate, kProvider, Scope::kOwnOrganisations},
    {kRecallUpdate, kRegulator, Scope::kNational},
    // A field safety notice comes from the manufacturer (its own devices) or the regulator.
    {kRecallCreate, kManufacturer, Scope::kOwnManufacturer},
    {kRecallCreate, kRegulator, Scope::kNational},
    {kSurveillanceRun, kAnalyst, Scope::kNational},
    {kSurveillanceRun, kRegulator, Scope::kNational},

    {kAuditRead, kAdmin, Scope::kNational},
    {kAuditReadOwn, kPatient, Scope::kOwnRecord},
    {kUserAdmin, kAdmin, Scope::kNational},
    {kMetricsRead, kAdmin, Scope::kNational},
    // web (#9): a campaign's counts per stage, no patient data.
    {kRecallStatusRead, kManufacturer, Scope::kOwnManufacturer},
    {kRecallStatusRead, kRegulator, Scope::kNational},
};

// Reference data: every signed-in role may read it.
// Also one's own password: every role may change it, nobody else's.
bool IsReferenceData(Action action) {
  return action == kCatalogueRead || action == kUdiParse || action == kSessionPassword;
}

// Public: anyone, signed in or not.
bool IsPublic(Action action) {
  return action == kHealthRead || action == kSessionCreate || action == kSessionDelete ||
         action == kPublicDeviceRead;
}

constexpr std::array<std::pair<Action, std::string_view>, 24> kActionNames = {{
    {kSubmissionCreate, "submission.create"},
    {kSubmissionRead, "submission.read"},
    {kProcedureRead, "procedure.read"},
    {kPatientImplantsRead, "patient.implants.read"},
    {kPatientIdentifierRead, "patient.identifier.read"},
    {kCatalogueRead, "catalogue.read"},
    {kUdiParse, "udi.parse"},
    {kAnalyticsAggregateRead, "analytics.aggregate.read"},
    {kSurveillanceSignalRead, "surveillance.signal.read"},
    {kSurveillanceSignalUpdate, "surveillance.signal.update"},
    {kRecallRead, "recall.read"},
    {kRecallUpdate, "recall.update"},
    {kRecallCreate, "recall.create"},
    {kSurveillanceRun, "surveillance.run"},
    {kAuditRead, "audit.read"},
    {kAuditReadOwn, "audit.read_own"},
    {kUserAdmin, "user.admin"},
    {kMetricsRead, "metrics.read"},
    {kHealthRead, "health.read"},
    {kSessionCreate, "session.create"},
    {kSessionDelete, "session.delete"},
    {kSessionPassword, "session.password"},
    {kRecallStatusRead, "recall.status.read"},
    {kPublicDeviceRead, "public.device.read"},
}};

bool Contains(const std::vector<const Grant*>& grants, std::string_view scope) {
  return std::any_of(grants.begin(), grants.end(),
                     [&](const Grant* g) { return !scope.empty() && g->scope == scope; });
}

// Whether the rule's condition holds for the principal's grants of the rule's role.
bool ScopeHolds(Scope scope, const std::vector<const Grant*>& grants, const Principal& principal,
                const Resource& resource) {
  if (resource.collection) return scope != Scope::kOwnRecord || !principal.patient.empty();
  switch (scope) {
    case Scope::kNational: return true;
    case Scope::kOwnOrganisations:
      return !resource.organisations.empty() &&
             std::all_of(resource.organisations.begin(), resource.organisations.end(),
                         [&](const std::string& ods) { return Contains(grants, ods); });
    case Scope::kResponsibleOrganisation:
      return std::any_of(resource.organisations.begin(), resource.organisations.end(),
                         [&](const std::string& ods) { return Contains(grants, ods); });
    case Scope::kOwnClinician: return Contains(grants, resource.clinician);
    case Scope::kOwnManufacturer:  // the catalogue's name, or its id (manufacturer_id.h)
      return Contains(grants, resource.manufacturer) ||
             Contains(grants, ManufacturerId(resource.manufacturer));
    case Scope::kOwnRecord:
      return !resource.patient.empty() && resource.patient == principal.patient;
  }
  return false;
}

std::string_view ScopeWords(Scope scope) {
  switch (scope) {
    case Scope::kNational: return "nationally";
    case Scope::kOwnOrganisations: return "for its own organisation's records only";
    case Scope::kResponsibleOrganisation: return "only for patients its organisation treated";
    case Scope::kOwnClinician: return "for the clinician's own cases only";
    case Scope::kOwnManufacturer: return "for its own devices only";
    case Scope::kOwnRecord: return "for the patient's own record only";
  }
  return "";
}

std::string Label(const std::vector<const Grant*>& grants) {
  std::string out;
  for (const Grant* g : grants) out += (out.empty() ? "" : ", ") + FormatGrant(*g);
  return out;
}

}  // namespace

const std::vector<Action>& AllActions() {
  static const std::vector<Action> kAll = [] {
    std::vector<Action> all;
    all.reserve(kActionNames.size());
    for (const auto& [action, name] : kActionNames) all.push_back(action);
    return all;
  }();
  return kAll;
}

std::string_view ActionName(Action action) {
  for (const auto& [a, name] : kActionNames) {
    if (a == action) return name;
  }
  return "unknown";
}

Result<Action> ParseAction(std::string_view text) {
  for (const auto& [action, name] : kActionNames) {
    if (name == text) return action;
  }
  return InvalidArgument(fmt::format("action '{}' is not a known action", Printable(text)));
}

bool IsIdentifiable(Action action) {
  switch (action) {
    case kSubmissionCreate:
    case kSubmissionRead:
    case kProcedureRead:
    case kPatientImplantsRead:
    case kPatientIdentifierRead:
    case kRecallRead:
    case kRecallUpdate:
    case kRecallCreate:
    case kAuditRead:
    case kAuditReadOwn: return true;
    default: return false;
  }
}

Decision Decide(const Principal& principal, Action action, const Resource& resource) {
  Decision d;
  d.identifiable = IsIdentifiable(action);
  const std::string_view name = ActionName(action);
  if (IsPublic(action)) {
    d.allowed = true;
    d.reason = fmt::format("{} is public", name);
    return d;
  }
  if (principal.anonymous() || principal.grants.empty()) {
    d.reason = fmt::format("{} needs a signed-in user with a role", name);
    return d;
  }
  if (IsReferenceData(action)) {
    d.allowed = true;
    d.grant = principal.grants.front();
    d.reason = fmt::format("{} is reference data for every role", name);
    return d;
  }
  std::string refused;  // the first rule whose role the principal has but whose scope failed
  for (const Rule& rule : kRules) {
    if (rule.action != action) continue;
    std::vector<const Grant*> grants;
    for (const Grant& g : principal.grants) {
      if (g.role == rule.role) grants.push_back(&g);
    }
    if (grants.empty()) continue;
    if (ScopeHolds(rule.scope, grants, principal, resource)) {
      d.allowed = true;
      d.grant = *grants.front();
      d.reason = fmt::format("{} may {} {}", Label(grants), name, ScopeWords(rule.scope));
      return d;
    }
    if (refused.empty()) {
      refused = fmt::format("{} may {} {}", Label(grants), name, ScopeWords(rule.scope));
    }
  }
  d.reason =
      refused.empty() ? fmt::format("no role of {} allows {}", principal.username, name) : refused;
  return d;
}

}  // namespace orp::security
