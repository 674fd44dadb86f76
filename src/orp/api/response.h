// What every response shares: the one JSON error body, the security headers and the request id.
//
//   {"error":{"code":"INVALID_ARGUMENT","message":"…","request_id":"…"}}
//
// `code` is orp::ErrorCodeName for errors from handlers (HTTP status from orp::HttpStatusFor),
// or a protocol name for what the server itself refuses (HEADERS_TOO_LARGE, PAYLOAD_TOO_LARGE,
// REQUEST_TIMEOUT, METHOD_NOT_ALLOWED, OVERLOADED). Messages never hold a patient identifier.
// Thread safety: pure functions (RequestIdFor uses a thread-local generator).
#pragma once

#include <string>
#include <string_view>

#include "orp/api/http.h"
#include "orp/core/result.h"

namespace orp::api {

// An error response with the JSON body above.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view request_id);
HttpResponse ErrorResponse(const Error& error, std::string_view request_id);

// A 200 (or `status`) response with a JSON body already serialised.
HttpResponse JsonResponse(std::string body, int status = 200);

// The client's X-Request-Id when it is sane (1–64 characters of A–Z a–z 0–9 . _ -), else a
// new random one (16 lowercase letters: no digits, so no id can look like an NHS number).
std::string RequestIdFor(std::string_view client_value);

// Adds X-Request-Id and the security headers every response carries: Content-Security-Policy
// default-src 'self', X-Content-Type-Options nosniff, Referrer-Policy no-referrer,
// X-Frame-Options DENY, Cache-Control no-store, and Strict-Transport-Security over TLS.
void AddStandardHeaders(HttpResponse& response, std::string_view request_id, bool tls);

}  // namespace orp::api
