// Gatekeeper: the seam between the HTTP API and security. Every request is authenticated and
// every route authorised through it before its handler runs; handlers ask it again for each
// resource they are about to return (a procedure, a patient) and drop what it denies.
//
// Deny by default: the dispatcher (dispatch.h) runs no handler without an Authorize call that
// returned kAllow. An anonymous principal (no credentials) is still passed to Authorize, so
// public routes (/healthz, sign-in) are a policy decision too; a denial for an anonymous caller is
// 401, for a known one 403.
//
// The real implementation adapts security/ (users, sessions, tokens, the role policy and the
// audit chain); tests use a small double. Thread safety: implementations must be safe to call
// from every server thread at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/security/principal.h"

namespace orp::security {
class Accounts;
}

namespace orp::api {

// What a request offers to prove who sent it.
struct RequestCredentials {
  std::string bearer_token;    // from "Authorization: Bearer <token>", else empty
  std::string session_cookie;  // the value of the orp_session cookie, else empty
  std::string csrf_token;      // the X-CSRF-Token header (required with a cookie on writes)
  std::string method;          // "GET", "POST", … (CSRF applies to unsafe methods only)
  std::string remote_address;  // peer IP (login rate limits, audit)
};

// What a resource belongs to, for the policy to compare with the principal's grants (the same
// facts as security::Resource). Filled from the data, never from the request.
//
// `collection` marks the check the dispatcher makes before a handler runs, when no row is known
// yet: "may this principal perform the action on anything at all?" (a provider may list
// procedures — its own; an analyst may not create submissions). The handler then asks again
// with each row's scope and returns only what is allowed.
struct ResourceScope {
  std::vector<std::string> organisations;  // ODS codes of the organisations it belongs to
  std::string clinician;                   // GMC number of the responsible clinician
  std::string manufacturer;                // a device model's manufacturer
  std::string patient;                     // the patient's pseudonym (hex) for one patient's record
  bool collection = false;
};

enum class Decision { kAllow, kDeny };

// A person signing in (POST /api/v1/sessions).
struct SignInRequest {
  std::string username;
  std::string password;
  std::string totp_code;  // empty when the account has no second factor
  std::string remote_address;
};

// A session made by SignIn: `set_cookie` is the whole Set-Cookie value (Secure, HttpOnly,
// SameSite=Strict); `csrf_token` must come back in X-CSRF-Token on unsafe requests.
struct SignedIn {
  std::string set_cookie;
  std::string csrf_token;
  std::string expires_at;  // ISO 8601 UTC
  security::Principal principal;
};

// A signed-in person changing their password (POST /api/v1/sessions/password).
struct PasswordChangeRequest {
  std::string session_cookie;  // the session asking: it stays signed in, the others end
  std::string current_password;
  std::string new_password;
  std::string totp_code;  // needed when the account has a second factor
  std::string remote_address;
};

// One access to record in the audit log: reads of identifiable data, every change, and
// requests refused at the route (the dispatcher reports each; the gatekeeper may keep only
// those about identifiable data).
struct AccessEvent {
  std::string action;        // the route's action, e.g. "patient.implants.read"
  std::string object;        // "patient/<pseudonym hex>", "submission/42", "route /api/v1/..."
  std::string request_id;    // the X-Request-Id of the request
  std::string outcome;       // "ok" or "denied"
  std::string purpose = "";  // why the caller read it (recall lists, analyses), else empty
};

class Gatekeeper {
 public:
  virtual ~Gatekeeper() = default;

  // The principal the credentials name; an anonymous Principal (user_id 0) when there are
  // none. kUnauthenticated when credentials were given but are not valid (unknown, expired or
  // revoked token or session, a cookie on an unsafe method without its CSRF token);
  // kUnavailable when the store cannot be asked.
  virtual Result<security::Principal> Authenticate(const RequestCredentials& credentials) = 0;

  // May `principal` perform `action` on a resource with this scope?
  virtual Decision Authorize(const security::Principal& principal, std::string_view action,
                             const ResourceScope& scope) = 0;

  // Checks a person's password (and TOTP code) and makes a session. kUnauthenticated with one
  // message for every failure (unknown user, wrong password or code, locked), so a caller cannot
  // tell which; sign-in attempts are rate limited and audited by the implementation.
  virtual Result<SignedIn> SignIn(const SignInRequest& request) = 0;
  // Ends the session the cookie names (an unknown one is not an error); returns the Set-Cookie
  // value that clears it in the browser.
  virtual Result<std::string> SignOut(std::string_view session_cookie) = 0;

  // Changes the principal's own password (see security::Accounts::ChangePassword for the rules
  // and error codes). The default refuses: a gatekeeper without accounts has no passwords.
  virtual Result<void> ChangePassword(const security::Principal& principal,
                                      const PasswordChangeRequest& request) {
    (void)principal;
    (void)request;
    return FailedPrecondition("this server does not manage passwords");
  }

  // Appends the access to the audit log. An error means the access must not be served
  // (kUnavailable: the log could not be written).
  virtual Result<void> Record(const security::Principal& principal, const AccessEvent& event) = 0;
  // The accounts behind this gatekeeper, for the admin routes (users and tokens, admin_routes.cc)
  // so they change the same users and audit chain it checks; nullptr when it has none (test
  // doubles), and those routes then answer 503.
  virtual security::Accounts* accounts() { return nullptr; }
};

}  // namespace orp::api
