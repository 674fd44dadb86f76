// Dispatcher: turns one HttpRequest into one HttpResponse through the route table, the
// gatekeeper and the handler, in this order:
//   1. match the route (404 no such path, 405 path known but not for this method);
//   2. Gatekeeper::Authenticate the credentials (bad credentials: 401);
//   3. Gatekeeper::Authorize the route's action on the collection (ResourceScope::collection)
//      — deny by default: no handler runs without kAllow (denied: 401 for an anonymous caller,
//      403 otherwise); handlers then authorise each resource they return;
//   4. the handler; an error Result becomes the JSON error body with orp::HttpStatusFor.
// Every response carries the request id (set by the server, or generated here); a handler
// that throws becomes a 500 and the exception's text goes to the log only.
// Thread safety: Handle may be called from many threads at once (the router is read-only and
// the gatekeeper is thread-safe).
#pragma once

#include "orp/api/gatekeeper.h"
#include "orp/api/http.h"
#include "orp/api/router.h"

namespace orp::api {

// The credentials a request offers (Authorization: Bearer, the orp_session cookie,
// X-CSRF-Token), for Gatekeeper::Authenticate.
RequestCredentials CredentialsOf(const HttpRequest& request);

class Dispatcher {
 public:
  Dispatcher(const Router& router, Gatekeeper& gatekeeper)
      : router_(router), gatekeeper_(gatekeeper) {}

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Run(const Route& route, const HttpRequest& request,
                   std::map<std::string, std::string> params,
                   const std::string& request_id) const;

  const Router& router_;
  Gatekeeper& gatekeeper_;
};

}  // namespace orp::api
