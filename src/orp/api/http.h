// Plain HTTP request and response values: what the server hands to the router and what a
// handler returns. Free of Boost.Beast on purpose, so that handlers, tests and the command line
// include this instead of the heavy Beast headers (only server.cc and the Beast TU include Beast).
//
// Thread safety: plain values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orp::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string path;    // the target before '?', as sent (percent-encoding kept)
  std::string query;   // the target after '?', without it
  // Header names in lower case; a repeated header keeps its last value.
  std::map<std::string, std::string, std::less<>> headers;
  std::string body;
  std::string remote_address;  // peer IP, for audit and rate limiting
  bool tls = false;
  // Set by the server before dispatch: the client's X-Request-Id when sane, else a new one.
  std::string request_id;

  // The header's value, or empty when absent.
  std::string_view Header(std::string_view lower_case_name) const;
  // The first query parameter with this name, percent-decoded ('+' is a space), or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // added to the standard ones
  std::string route;  // the route pattern that answered ("-" for none), for logs and metrics
};

// Percent-decodes `text` ("%2F" -> "/"; with plus_is_space, '+' -> ' '). nullopt for a bad
// escape (not two hex digits).
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace orp::api
