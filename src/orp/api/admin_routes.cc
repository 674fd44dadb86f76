// Users and API tokens over HTTP, for administrators (issue #9's admin pages; action user.admin,
// which the policy gives to `admin` only):
//   GET    /api/v1/users                    every account: grants, second factor, disabled
//   POST   /api/v1/users                    add one; a TOTP secret is in this answer only
//   POST   /api/v1/users/{username}/disable disable it (its sessions end, its tokens stop)
//   GET    /api/v1/users/{username}/tokens  its tokens (ids and dates, never the secret)
//   POST   /api/v1/users/{username}/tokens  a new token, shown in this answer only
//   DELETE /api/v1/tokens/{id}              revoke one
// The work is security::Accounts' (the same as `orp user` and `orp token`): it validates, audits
// each change with the administrator as actor, and stores only hashes of tokens. The accounts
// are the gatekeeper's, so a change is seen by the next request. Passwords arrive in the body
// and go nowhere else (never a log, never an answer).
#include <fmt/format.h>

#include <charconv>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/date.h"
#include "orp/security/accounts.h"

namespace orp::api {
namespace {

Result<security::Accounts*> AccountsOf(const RequestContext& ctx) {
  ORP_RETURN_IF_ERROR(ctx.Require(ResourceScope{}));
  security::Accounts* accounts = ctx.Accounts();
  if (!accounts) return Unavailable("user administration is not available on this server");
  return accounts;
}

Json GrantsJson(const std::vector<security::Grant>& grants) {
  Json out = Json::array();
  for (const security::Grant& g : grants) out.push_back(security::FormatGrant(g));
  return out;
}

Result<HttpResponse> ListUsers(const RequestContext& ctx) {
  Result<security::Accounts*> accounts = AccountsOf(ctx);
  if (!accounts) return std::unexpected(accounts.error());
  Result<std::vector<security::UserInfo>> users = (*accounts)->ListUsers();
  if (!users) return std::unexpected(users.error());
  Json items = Json::array();
  for (const security::UserInfo& u : *users) {
    items.push_back({{"user_id", u.user_id},
                     {"username", u.username},
                     {"grants", GrantsJson(u.grants)},
                     {"has_password", u.has_password},
                     {"has_totp", u.has_totp},
                     {"disabled", u.disabled},
                     {"created_at", FormatIsoInstant(u.created_at)}});
  }
  return JsonResponse(Json{{"items", items}}.dump());
}

// {"username", "grants": ["provider@RXF"], "password"?, "totp"?: bool, "patient"?}
Result<security::NewUser> ParseNewUser(const std::string& text) {
  Json body = Json::parse(text, nullptr, false);
  auto usage = [] {
    return InvalidArgument(
        R"(body: a JSON object {"username": "...", "grants": ["provider@RXF"], "password": "...", "totp": true})");
  };
  if (!body.is_object() || !body.contains("username") || !body["username"].is_string() ||
      !body.contains("grants") || !body["grants"].is_array()) {
    return usage();
  }
  security::NewUser user;
  user.username = body["username"].get<std::string>();
  for (const Json& g : body["grants"]) {
    if (!g.is_string()) return usage();
    Result<security::Grant> grant = security::ParseGrant(g.get<std::string>());
    if (!grant) return std::unexpected(grant.error().WithContext("grants"));
    user.grants.push_back(*grant);
  }
  if (body.contains("password") && !body["password"].is_null()) {
    if (!body["password"].is_string()) return usage();
    user.password = body["password"].get<std::string>();
  }
  if (body.contains("totp") && !body["totp"].is_boolean()) return usage();
  user.require_totp = body.value("totp", false);
  if (body.contains("patient") && body["patient"].is_string()) {
    user.patient = body["patient"].get<std::string>();
  }
  return user;
}

Result<HttpResponse> AddUser(const RequestContext& ctx) {
  Result<security::Accounts*> accounts = AccountsOf(ctx);
  if (!accounts) return std::unexpected(accounts.error());
  Result<security::NewUser> user = ParseNewUser(ctx.request().body);
  if (!user) return std::unexpected(user.error());
  Result<security::CreatedUser> created = (*accounts)->AddUser(*user, ctx.principal().username);
  if (!created) return std::unexpected(created.error());
  Json body = {{"user_id", created->user_id},
               {"username", user->username},
               {"grants", GrantsJson(user->grants)},
               {"totp_secret", created->totp_secret},
               {"otpauth_uri", created->otpauth_uri}};
  HttpResponse response = JsonResponse(body.dump(), 201);
  response.headers.emplace_back("Cache-Control", "no-store");  // holds a secret
  return response;
}

Result<HttpResponse> DisableUser(const RequestContext& ctx) {
  Result<security::Accounts*> accounts = AccountsOf(ctx);
  if (!accounts) return std::unexpected(accounts.error());
  const std::string& username = ctx.Param("username");
  ORP_RETURN_IF_ERROR((*accounts)->DisableUser(username, ctx.principal().username));
  return JsonResponse(Json{{"username", username}, {"disabled", true}}.dump());
}

Result<HttpResponse> ListTokens(const RequestContext& ctx) {
  Result<security::Accounts*> accounts = AccountsOf(ctx);
  if (!accounts) return std::unexpected(accounts.error());
  Result<std::vector<security::TokenInfo>> tokens = (*accounts)->ListTokens(ctx.Param("username"));
  if (!tokens) return std::unexpected(tokens.error());
  Json items = Json::array();
  for (const security::TokenInfo& t : *tokens) {
    items.push_back(
        {{"token_id", t.token_id},
         {"created_at", FormatIsoInstant(t.created_at)},
         {"expires_at", FormatIsoInstant(t.expires_at)},
         {"revoked_at", t.revoked_at ? Json(FormatIsoInstant(*t.revoked_at)) : Json(nullptr)}});
  }
  return JsonResponse(Json{{"items", items}}.dump());
}

// {"expires_days": 1-3650} (default 90).
Result<HttpResponse> CreateToken(const RequestContext& ctx) {
  Result<security::Accounts*> accounts = AccountsOf(ctx);
  if (!accounts) return std::unexpected(accounts.error());
  int days = 90;
  if (!ctx.request().body.empty()) {
    Json body = Json::parse(ctx.request().body, nullptr, false);
    if (!body.is_object() ||
        (body.contains("expires_days") && !body["expires_days"].is_number_integer())) {
      return InvalidArgument(R"(body: a JSON object {"expires_days": 90} (1 to 3650), or empty)");
    }
    days = body.value("expires_days", 90);
  }
  Result<security::CreatedToken> token =
      (*accounts)->CreateToken(ctx.Param("username"), days, ctx.principal().username);
  if (!token) return std::unexpected(token.error());
  Json body = {{"token_id", token->token_id},
               {"token", token->token},
               {"expires_at", FormatIsoInstant(token->expires_at)}};
  HttpResponse response = JsonResponse(body.dump(), 201);
  response.headers.emplace_back("Cache-Control", "no-store");  // holds a secret
  return response;
}

Result<HttpResponse> RevokeToken(const RequestContext& ctx) {
  Result<security::Accounts*> accounts = AccountsOf(ctx);
  if (!accounts) return std::unexpected(accounts.error());
  const std::string& text = ctx.Param("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument("id: a token id is a positive whole number");
  }
  ORP_RETURN_IF_ERROR((*accounts)->RevokeToken(id, ctx.principal().username));
  return JsonResponse("", 204);
}

}  // namespace

Result<void> AddAdminRoutes(Router& router, const ApiServices&) {
  struct Entry {
    const char* method;
    const char* pattern;
    Result<HttpResponse> (*handler)(const RequestContext&);
    const char* summary;
  };
  static constexpr Entry kEntries[] = {
      {"GET", "/api/v1/users", ListUsers, "Every account (administrators)"},
      {"POST", "/api/v1/users", AddUser, "Add an account; its TOTP secret is shown once"},
      {"POST", "/api/v1/users/{username}/disable", DisableUser, "Disable an account"},
      {"GET", "/api/v1/users/{username}/tokens", ListTokens, "An account's API tokens"},
      {"POST", "/api/v1/users/{username}/tokens", CreateToken, "A new API token, shown once"},
      {"DELETE", "/api/v1/tokens/{id}", RevokeToken, "Revoke an API token"},
  };
  for (const Entry& e : kEntries) {
    ORP_RETURN_IF_ERROR(router.Add(
        {e.method, e.pattern, "user.admin",
         [handler = e.handler](const RequestContext& ctx) { return handler(ctx); }, e.summary}));
  }
  return {};
}

}  // namespace orp::api
