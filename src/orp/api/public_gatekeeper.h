// PublicOnlyGatekeeper: the gatekeeper of a server that has no accounts to check — it serves
// the public routes (/healthz, /readyz; sign-in, which always fails) and refuses everything else, so `orp
// serve` is safe to start before anyone has been given access. Any credentials are refused
// (kUnauthenticated): there is nobody they could name.
// Thread safety: stateless.
#pragma once

#include "orp/api/gatekeeper.h"

namespace orp::api {

class PublicOnlyGatekeeper : public Gatekeeper {
 public:
  Result<security::Principal> Authenticate(const RequestCredentials& credentials) override {
    if (credentials.bearer_token.empty() && credentials.session_cookie.empty()) {
      return security::Principal{};
    }
    return Unauthenticated("this server has no accounts; it serves only /healthz and /readyz");
  }
  Decision Authorize(const security::Principal&, std::string_view action,
                     const ResourceScope&) override {
    bool is_public = action == "health.read" || action == "session.create" ||
                     action == "session.delete";
    return is_public ? Decision::kAllow : Decision::kDeny;
  }
  Result<SignedIn> SignIn(const SignInRequest&) override {
    return Unauthenticated("this server has no accounts");
  }
  Result<std::string> SignOut(std::string_view) override {
    return std::string("orp_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
  }
  Result<void> Record(const security::Principal&, const AccessEvent&) override {
    return FailedPrecondition("this server records no access: it serves nothing identifiable");
  }
};

}  // namespace orp::api
