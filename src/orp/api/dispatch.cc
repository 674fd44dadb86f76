#include "orp/api/dispatch.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "orp/api/request_phases.h"
#include "orp/api/response.h"

namespace orp::api {
namespace {

// The value of cookie `name` in a Cookie header ("a=1; orp_session=xyz").
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
  }
  return {};
}

}  // namespace

RequestCredentials CredentialsOf(const HttpRequest& request) {
  RequestCredentials credentials;
  std::string_view authorization = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.starts_with(kBearer)) {
    credentials.bearer_token = std::string(authorization.substr(kBearer.size()));
  }
  credentials.session_cookie = CookieValue(request.Header("cookie"), "orp_session");
  credentials.csrf_token = std::string(request.Header("x-csrf-token"));
  credentials.method = request.method;
  credentials.remote_address = request.remote_address;
  return credentials;
}

HttpResponse Dispatcher::Handle(const HttpRequest& request) const {
  std::string request_id = request.request_id.empty() ? RequestIdFor(request.Header("x-request-id"))
                                                      : request.request_id;
  RouteMatch match = router_.Match(request.method, request.path);
  if (match.route == nullptr) {
    HttpResponse response =
        match.path_known
            ? ErrorResponse(405, "METHOD_NOT_ALLOWED",
                            fmt::format("{} is not allowed on this path", request.method),
                            request_id)
            : ErrorResponse(404, ErrorCodeName(ErrorCode::kNotFound), "no such route", request_id);
    response.route = std::string("-");  // not = "-": GCC 12 -Wrestrict false positive
    return response;
  }
  HttpResponse response = Run(*match.route, request, std::move(match.params), request_id);
  response.route = match.route->pattern;
  return response;
}

HttpResponse Dispatcher::Run(const Route& route, const HttpRequest& request,
                             std::map<std::string, std::string> params,
                             const std::string& request_id) const {
  try {
    Result<security::Principal> principal = gatekeeper_.Authenticate(CredentialsOf(request));
    phases::Mark("auth");
    ResourceScope collection;
    collection.collection = true;
    // Credentials that name nobody (an expired cookie) still reach a route anyone may use, such
    // as signing in again: they grant nothing beyond what an anonymous caller has.
    if (!principal && principal.error().code() == ErrorCode::kUnauthenticated &&
        gatekeeper_.Authorize(security::Principal{}, route.action, collection) ==
            Decision::kAllow) {
      principal = security::Principal{};
    }
    if (!principal) return ErrorResponse(principal.error(), request_id);
    if (gatekeeper_.Authorize(*principal, route.action, collection) != Decision::kAllow) {
      if (principal->anonymous()) {
        return ErrorResponse(401, ErrorCodeName(ErrorCode::kUnauthenticated),
                             "sign in or send an API token (Authorization: Bearer)", request_id);
      }
      // The refusal is recorded (the gatekeeper keeps those that concern identifiable data);
      // a failure to record it changes nothing: the request is refused either way.
      (void)gatekeeper_.Record(*principal,
                               {route.action, "route " + route.pattern, request_id, "denied", ""});
      return ErrorResponse(403, ErrorCodeName(ErrorCode::kPermissionDenied),
                           fmt::format("your roles do not allow '{}'", route.action), request_id);
    }
    phases::Mark("policy");
    RequestContext context(request, std::move(params), std::move(*principal), request_id,
                           route.action, gatekeeper_);
    Result<HttpResponse> response = route.handler(context);
    phases::Mark("handler");
    if (!response) return ErrorResponse(response.error(), request_id);
    return std::move(*response);
  } catch (const std::exception&) {
    // Not e.what(): a parser's exception text may quote the request, and logs never hold an
    // identifier.
    spdlog::error("request_id={} route={} handler threw an exception", request_id, route.pattern);
    return ErrorResponse(500, ErrorCodeName(ErrorCode::kInternal),
                         "the server failed; quote the request id when reporting it", request_id);
  }
}

}  // namespace orp::api
