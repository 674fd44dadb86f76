#include "orp/api/security_gatekeeper.h"

#include <fmt/format.h>

#include "orp/core/date.h"
#include "orp/security/policy.h"

namespace orp::api {
namespace {

// proms.invitation: the questionnaire link, whose single-use token is the credential (proms,
// #11); the handler refuses an unknown token.
bool IsPublic(std::string_view action) {
  return action == "health.read" || action == "session.create" || action == "session.delete" ||
         action == "proms.invitation" || action == "public.device.read";
}

// The resource a grant covers: its own organisation, clinician, manufacturer or record.
security::Resource OwnResourceOf(const security::Principal& principal,
                                 const security::Grant& grant) {
  security::Resource resource;
  switch (grant.role) {
    case security::Role::kSubmitter:
    case security::Role::kProvider: resource.organisations.push_back(grant.scope); break;
    case security::Role::kClinician: resource.clinician = grant.scope; break;
    case security::Role::kManufacturer: resource.manufacturer = grant.scope; break;
    case security::Role::kPatient: resource.patient = principal.patient; break;
    case security::Role::kAnalyst:
    case security::Role::kRegulator:
    case security::Role::kAdmin: break;
  }
  return resource;
}

}  // namespace

Result<security::Principal> SecurityGatekeeper::Authenticate(const RequestCredentials& c) {
  if (c.bearer_token.empty() && c.session_cookie.empty()) return security::Principal{};
  return accounts_.Authenticate(
      {c.bearer_token, c.session_cookie, c.csrf_token, c.method, c.remote_address});
}

Decision SecurityGatekeeper::Authorize(const security::Principal& principal,
                                       std::string_view action, const ResourceScope& scope) {
  if (IsPublic(action)) return Decision::kAllow;
  Result<security::Action> parsed = security::ParseAction(action);
  if (!parsed) return Decision::kDeny;
  if (scope.collection) {
    for (const security::Grant& grant : principal.grants) {
      if (security::Decide(principal, *parsed, OwnResourceOf(principal, grant)).allowed) {
        return Decision::kAllow;
      }
    }
    return Decision::kDeny;
  }
  security::Resource resource{scope.organisations, scope.clinician, scope.manufacturer,
                              scope.patient};
  return security::Decide(principal, *parsed, resource).allowed ? Decision::kAllow
                                                                : Decision::kDeny;
}

Result<SignedIn> SecurityGatekeeper::SignIn(const SignInRequest& r) {
  Result<security::Session> session =
      accounts_.Login(r.username, r.password, r.totp_code, r.remote_address);
  if (!session) return std::unexpected(session.error());
  return SignedIn{security::SessionCookie(*session, accounts_.Now()), session->csrf_token,
                  FormatIsoInstant(session->expires_at), session->principal};
}

Result<std::string> SecurityGatekeeper::SignOut(std::string_view session_cookie) {
  if (!session_cookie.empty()) ORP_RETURN_IF_ERROR(accounts_.Logout(session_cookie));
  return security::ExpiredSessionCookie();
}

Result<void> SecurityGatekeeper::ChangePassword(const security::Principal& principal,
                                                const PasswordChangeRequest& r) {
  // A password belongs to a person signed in with it: not to an API token's system, and not to
  // a request without the session whose other siblings the change ends.
  if (principal.anonymous() || principal.is_system || r.session_cookie.empty()) {
    return PermissionDenied("a password is changed from a signed-in session (not an API token)");
  }
  return accounts_.ChangePassword({principal.user_id, r.session_cookie, r.current_password,
                                   r.new_password, r.totp_code, r.remote_address});
}

Result<void> SecurityGatekeeper::Record(const security::Principal& principal,
                                        const AccessEvent& event) {
  Result<security::Action> parsed = security::ParseAction(event.action);
  bool identifiable = parsed && security::IsIdentifiable(*parsed);
  if (event.outcome != "ok" && !identifiable) return {};
  security::AuditEvent entry;
  entry.actor = principal.anonymous() ? "anonymous" : principal.username;
  entry.role = security::FormatGrants(principal.grants);
  entry.action = event.action;
  entry.object = event.object;
  entry.request_id = event.request_id;
  entry.outcome = event.outcome;
  entry.purpose = event.purpose;
  Result<int64_t> appended = audit_.Append(std::move(entry));
  if (!appended) return std::unexpected(appended.error());
  return {};
}

}  // namespace orp::api
