// POST /api/v1/sessions (sign in), DELETE /api/v1/sessions (sign out) and
// POST /api/v1/sessions/password (change one's own password): the session cookie and CSRF token
// of security/'s Accounts, through the gatekeeper.
#include <fmt/format.h>

#include "orp/api/dispatch.h"
#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"

namespace orp::api {
namespace {

Result<std::string> StringMember(const Json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return InvalidArgument(fmt::format("body: '{}' is required", name));
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument(fmt::format("body: '{}' must be a string", name));
  return it->get<std::string>();
}

Result<HttpResponse> SignIn(const RequestContext& ctx) {
  Json body = Json::parse(ctx.request().body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidArgument(
        R"(body: expected a JSON object {"username": …, "password": …, "totp": …})");
  }
  SignInRequest request;
  Result<std::string> username = StringMember(body, "username", true);
  if (!username) return std::unexpected(username.error());
  Result<std::string> password = StringMember(body, "password", true);
  if (!password) return std::unexpected(password.error());
  Result<std::string> totp = StringMember(body, "totp", false);
  if (!totp) return std::unexpected(totp.error());
  Result<SignedIn> session = ctx.SignIn(
      {std::move(*username), std::move(*password), std::move(*totp), ctx.request().remote_address});
  if (!session) return std::unexpected(session.error());
  Json roles = Json::array();
  for (const security::Grant& g : session->principal.grants) {
    roles.push_back(security::FormatGrant(g));
  }
  Json answer = {{"username", session->principal.username},
                 {"roles", roles},
                 {"csrf_token", session->csrf_token},
                 {"expires_at", session->expires_at}};
  // A patient's own pseudonym, so the web application can ask for "my implants"; it is the
  // principal's own key, never another person's, and not an identifier outside the registry.
  if (!session->principal.patient.empty()) answer["patient"] = session->principal.patient;
  HttpResponse response = JsonResponse(answer.dump(), 201);
  response.headers.emplace_back("Set-Cookie", session->set_cookie);
  return response;
}

Result<HttpResponse> SignOut(const RequestContext& ctx) {
  Result<std::string> cleared = ctx.SignOut(CredentialsOf(ctx.request()).session_cookie);
  if (!cleared) return std::unexpected(cleared.error());
  HttpResponse response = JsonResponse("", 204);
  response.headers.emplace_back("Set-Cookie", *cleared);
  return response;
}

// POST /api/v1/sessions/password: the signed-in person's own password. The session making the
// change stays signed in; every other session of the user ends (a stolen cookie stops working).
Result<HttpResponse> ChangePassword(const RequestContext& ctx) {
  Json body = Json::parse(ctx.request().body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidArgument(
        R"(body: expected a JSON object {"current_password": …, "new_password": …, "totp": …})");
  }
  Result<std::string> current = StringMember(body, "current_password", true);
  if (!current) return std::unexpected(current.error());
  Result<std::string> replacement = StringMember(body, "new_password", true);
  if (!replacement) return std::unexpected(replacement.error());
  Result<std::string> totp = StringMember(body, "totp", false);
  if (!totp) return std::unexpected(totp.error());
  ORP_RETURN_IF_ERROR(ctx.ChangePassword({CredentialsOf(ctx.request()).session_cookie,
                                          std::move(*current), std::move(*replacement),
                                          std::move(*totp), ctx.request().remote_address}));
  return JsonResponse("", 204);
}

}  // namespace

Result<void> AddSessionRoutes(Router& router, const ApiServices&) {
  ORP_RETURN_IF_ERROR(router.Add({"POST", "/api/v1/sessions", "session.create", SignIn,
                                  "Sign in with a password (and TOTP code): a session cookie"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"DELETE", "/api/v1/sessions", "session.delete", SignOut, "Sign out: end the session"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"POST", "/api/v1/sessions/password", "session.password", ChangePassword,
       "Change the signed-in person's password (current password, TOTP code); ends their other "
       "sessions"}));
  return {};
}

}  // namespace orp::api
