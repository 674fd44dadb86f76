// SecurityGatekeeper: api::Gatekeeper over security/ — Accounts authenticates tokens and
// sessions and signs people in, security::Decide is the policy, AuditLog records accesses. The
// only place the API meets security's classes; app/main.cc builds it for `orp serve`.
//
// Mapping: the route's action is security::ParseAction's name, except three public actions —
// health.read (/healthz, /readyz: liveness probes carry no credentials and read no registry
// data), session.create and session.delete (signing in and out; Accounts rate-limits and audits
// every attempt). An action security does not know is denied. A collection check
// (ResourceScope::collection: before any row is known) asks the policy once per grant with the
// grant's own scope as the resource — "could this grant do this to anything of its own?" —
// so a provider may list (its own) procedures and an analyst may not submit. Record keeps
// "denied" events only for identifiable actions (security::IsIdentifiable) and always "ok".
//
// Thread safety: as Accounts and AuditLog (shareable); Decide is pure.
#pragma once

#include "orp/api/gatekeeper.h"
#include "orp/security/accounts.h"
#include "orp/security/audit.h"

namespace orp::api {

class SecurityGatekeeper : public Gatekeeper {
 public:
  // `store` must outlive the gatekeeper.
  explicit SecurityGatekeeper(storage::Store& store, security::AccountsOptions options = {})
      : audit_(store), accounts_(store, audit_, std::move(options)) {}

  Result<security::Principal> Authenticate(const RequestCredentials& credentials) override;
  Decision Authorize(const security::Principal& principal, std::string_view action,
                     const ResourceScope& scope) override;
  Result<SignedIn> SignIn(const SignInRequest& request) override;
  Result<std::string> SignOut(std::string_view session_cookie) override;
  Result<void> ChangePassword(const security::Principal& principal,
                              const PasswordChangeRequest& request) override;
  Result<void> Record(const security::Principal& principal, const AccessEvent& event) override;
  security::Accounts* accounts() override { return &accounts_; }

 private:
  security::AuditLog audit_;  // before accounts_, which refers to it
  security::Accounts accounts_;
};

}  // namespace orp::api
