#include "orp/api/response.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "orp/core/json_text.h"

namespace orp::api {
namespace {

// Long enough for a PostgreSQL restart or failover to finish, short enough not to stall clients.
constexpr std::string_view kRetryAfterSeconds = "5";

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  response.body = fmt::format(R"({{"error":{{"code":{},"message":{},"request_id":{}}}}})",
                              JsonString(code), JsonString(message), JsonString(request_id));
  // 503 is "the database (or the server) is down or busy; retry": tell clients when (ops, #10).
  if (status == 503) response.headers.emplace_back("Retry-After", std::string(kRetryAfterSeconds));
  return response;
}

HttpResponse ErrorResponse(const Error& error, std::string_view request_id) {
  return ErrorResponse(HttpStatusFor(error.code()), ErrorCodeName(error.code()), error.message(),
                       request_id);
}

HttpResponse JsonResponse(std::string body, int status) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string RequestIdFor(std::string_view client_value) {
  if (IsSaneRequestId(client_value)) return std::string(client_value);
  // Letters only: a digit run in an id could look like an NHS number to a log scanner.
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(16, 'a');
  for (char& c : id) c = static_cast<char>('a' + random() % 26);
  return id;
}

void AddStandardHeaders(HttpResponse& response, std::string_view request_id, bool tls) {
  auto& h = response.headers;
  // A handler may set its own cache policy or CSP (the web application's files do); the
  // defaults fill in only what it did not set.
  auto set_default = [&h](std::string_view name, std::string value) {
    for (const auto& [existing, unused] : h) {
      if (existing.size() == name.size() &&
          std::equal(existing.begin(), existing.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return;
      }
    }
    h.emplace_back(std::string(name), std::move(value));
  };
  h.emplace_back("X-Request-Id", std::string(request_id));
  set_default("Content-Security-Policy", "default-src 'self'");
  set_default("X-Content-Type-Options", "nosniff");
  set_default("Referrer-Policy", "no-referrer");
  set_default("X-Frame-Options", "DENY");
  set_default("Cache-Control", "no-store");
  if (tls) set_default("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

}  // namespace orp::api
