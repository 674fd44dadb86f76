#include "orp/security/principal.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "orp/core/text.h"
#include "orp/domain/gmc_number.h"
#include "orp/domain/ods_code.h"

namespace orp::security {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 8> kRoleNames = {{
    {Role::kSubmitter, "submitter"},
    {Role::kProvider, "provider"},
    {Role::kClinician, "clinician"},
    {Role::kManufacturer, "manufacturer"},
    {Role::kPatient, "patient"},
    {Role::kAnalyst, "analyst"},
    {Role::kRegulator, "regulator"},
    {Role::kAdmin, "admin"},
}};

// What the scope of a role must look like, for messages.
std::string_view ScopeForm(Role role) {
  switch (role) {
    case Role::kSubmitter:
    case Role::kProvider:
      return "<ODS code>";
    case Role::kClinician:
      return "<GMC number>";
    case Role::kManufacturer:
      return "<manufacturer id>";
    case Role::kPatient:
      return "self";
    default:
      return "";
  }
}

bool IsManufacturerId(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The normalised scope, or the rule it breaks.
Result<std::string> ParseScope(Role role, std::string_view scope) {
  switch (role) {
    case Role::kSubmitter:
    case Role::kProvider: {
      auto ods = domain::OdsCode::Parse(scope);
      if (!ods) return std::unexpected(ods.error());
      return ods->code();
    }
    case Role::kClinician: {
      auto gmc = domain::GmcNumber::Parse(scope);
      if (!gmc) return std::unexpected(gmc.error());
      return gmc->number();
    }
    case Role::kManufacturer:
      if (!IsManufacturerId(scope)) {
        return InvalidArgument("a manufacturer id is 1-64 letters, digits, '.', '_' or '-'");
      }
      return std::string(scope);
    case Role::kPatient:
      if (scope != "self") return InvalidArgument("the only patient scope is 'self'");
      return std::string(scope);
    default:
      return InvalidArgument("a national role takes no scope");
  }
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view text) {
  for (const auto& [role, name] : kRoleNames) {
    if (name == text) return role;
  }
  return InvalidArgument(fmt::format(
      "role '{}' is not one of submitter, provider, clinician, manufacturer, patient, analyst, "
      "regulator, admin",
      Printable(text)));
}

bool RoleNeedsScope(Role role) {
  return role != Role::kAnalyst && role != Role::kRegulator && role != Role::kAdmin;
}

Result<Grant> ParseGrant(std::string_view text) {
  std::string_view trimmed = Trim(text);
  size_t at = trimmed.find('@');
  std::string_view role_text = trimmed.substr(0, at);
  auto role = ParseRole(role_text);
  if (!role) return std::unexpected(role.error().WithContext(fmt::format("grant '{}'",
                                                                        Printable(trimmed))));
  if (at == std::string_view::npos) {
    if (RoleNeedsScope(*role)) {
      return InvalidArgument(fmt::format("grant '{}': role {} needs a scope: {}@{}",
                                         Printable(trimmed), role_text, role_text,
                                         ScopeForm(*role)));
    }
    return Grant{*role, ""};
  }
  if (!RoleNeedsScope(*role)) {
    return InvalidArgument(fmt::format("grant '{}': role {} is national and takes no scope",
                                       Printable(trimmed), role_text));
  }
  auto scope = ParseScope(*role, trimmed.substr(at + 1));
  if (!scope) {
    return InvalidArgument(fmt::format("grant '{}': the scope of {} must be {}: {}",
                                       Printable(trimmed), role_text, ScopeForm(*role),
                                       scope.error().message()));
  }
  return Grant{*role, std::move(*scope)};
}

std::string FormatGrant(const Grant& grant) {
  if (grant.scope.empty()) return std::string(RoleName(grant.role));
  return fmt::format("{}@{}", RoleName(grant.role), grant.scope);
}

std::string FormatGrants(const std::vector<Grant>& grants) {
  std::string out;
  for (const Grant& g : grants) {
    if (!out.empty()) out += ", ";
    out += FormatGrant(g);
  }
  return out;
}

}  // namespace orp::security
