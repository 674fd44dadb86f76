// The route table: every HTTP route of the API as (method, path pattern, action, handler). The
// action names what the route does for the policy ("procedure.read"); the dispatcher
// (dispatch.h) authorises it before the handler runs. The table can be listed (`Routes()`), and
// docs/openapi.yaml must describe exactly these routes (router_test.cc checks).
//
// Patterns are literal segments and `{name}` parameters, each a whole segment:
// "/api/v1/submissions/{id}". A parameter matches one non-empty segment, percent-decoded.
// Literal segments win over parameters when both would match.
//
// Thread safety: build the router, then share it read-only between threads.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orp/api/gatekeeper.h"
#include "orp/api/http.h"
#include "orp/core/result.h"
#include "orp/security/principal.h"

namespace orp::api {

// What a handler sees: the request, its path parameters, who is asking, and the gatekeeper for
// resource-level checks and audit.
class RequestContext {
 public:
  RequestContext(const HttpRequest& request, std::map<std::string, std::string> params,
                 security::Principal principal, std::string request_id, std::string action,
                 Gatekeeper& gatekeeper)
      : request_(request),
        params_(std::move(params)),
        principal_(std::move(principal)),
        request_id_(std::move(request_id)),
        action_(std::move(action)),
        gatekeeper_(gatekeeper) {}

  const HttpRequest& request() const { return request_; }
  const security::Principal& principal() const { return principal_; }
  const std::string& request_id() const { return request_id_; }
  const std::string& action() const { return action_; }
  // The path parameter `name` (the pattern guarantees it is present).
  const std::string& Param(std::string_view name) const;

  // May the principal perform this route's action on a resource with this scope?
  bool Allowed(const ResourceScope& scope) const;
  // May the principal perform another action on this resource (a route that does more than
  // one thing: an analysis that may also serve a safety purpose, a list with NHS numbers)?
  bool AllowedTo(std::string_view action, const ResourceScope& scope) const;
  // As Allowed, but kPermissionDenied (naming the action) when not.
  Result<void> Require(const ResourceScope& scope) const;
  // The gatekeeper's sign-in and sign-out (the session routes).
  Result<SignedIn> SignIn(const SignInRequest& request) const {
    return gatekeeper_.SignIn(request);
  }
  Result<std::string> SignOut(std::string_view cookie) const { return gatekeeper_.SignOut(cookie); }
  // The principal's own password change (POST /api/v1/sessions/password).
  Result<void> ChangePassword(const PasswordChangeRequest& request) const {
    return gatekeeper_.ChangePassword(principal_, request);
  }
  // The gatekeeper's accounts (the admin routes), or nullptr.
  security::Accounts* Accounts() const { return gatekeeper_.accounts(); }
  // Appends an audit entry for this request's action on `object` (see Gatekeeper::Record);
  // outcome "ok", or "denied" for a refused read of identifiable data; `purpose` as the caller
  // stated it (never a patient identifier).
  Result<void> Audit(std::string object, std::string outcome = "ok",
                     std::string purpose = {}) const;
  // As Audit, for another action of the same request (a recall list that shows NHS numbers).
  Result<void> AuditAction(std::string action, std::string object, std::string outcome,
                           std::string purpose) const;

 private:
  const HttpRequest& request_;
  std::map<std::string, std::string> params_;
  security::Principal principal_;
  std::string request_id_;
  std::string action_;
  Gatekeeper& gatekeeper_;
};

using Handler = std::function<Result<HttpResponse>(const RequestContext&)>;

struct Route {
  std::string method;   // "GET", "POST"
  std::string pattern;  // "/api/v1/submissions/{id}"
  std::string action;   // "submission.read"
  Handler handler;
  std::string summary;  // one line, for listings
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  bool path_known = false;       // some route has this path (with another method): 405
  std::map<std::string, std::string> params;
};

class Router {
 public:
  // Adds a route. kAlreadyExists for a repeated (method, pattern); kInvalidArgument for a
  // pattern that does not start with '/' or has an empty or malformed segment.
  Result<void> Add(Route route);

  RouteMatch Match(std::string_view method, std::string_view path) const;

  // Every route, in the order added.
  const std::vector<Route>& Routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace orp::api
