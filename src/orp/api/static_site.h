// StaticSite: serves the built web application (web/, issue #9) from one directory at `/`.
//
// What it answers (GET only; the caller sends every /api/ path and every route of the table to
// the Dispatcher instead, see Claims):
//   - a file under the root, with its content type from the extension (unknown: 404, so nothing
//     unexpected is ever served as text/html);
//   - index.html for a client route: a path whose last segment has no '.' ("/procedures",
//     "/scan") and that names no file (the single-page application routes in the browser);
//   - 404 for anything else, 400 for a path that is not a clean relative path: percent-escapes
//     that do not decode, a "." or ".." segment, a backslash, a NUL, an empty segment. The
//     file found must also lie under the root after symlinks are resolved.
// Headers: files under assets/ have content-hashed names and are cached for a year
// (immutable); everything else (index.html) is "no-cache" so a new build is seen at once. The
// Content-Security-Policy allows scripts, styles, images and fetches from the same origin only,
// no inline script or style element, no framing.
// Compression: when a file has a precompressed sibling ("app-X.js.br", "app-X.js.gz", written by
// web/build.mjs) and the request's Accept-Encoding allows it, the sibling is sent with
// Content-Encoding (brotli preferred, then gzip); every answer that could vary says
// "Vary: Accept-Encoding". Nothing is compressed at request time. The siblings themselves are
// never served by name (".br" and ".gz" have no content type here).
//
// Thread safety: immutable after construction; Serve may be called from many threads.
#pragma once

#include <filesystem>
#include <string_view>

#include "orp/api/http.h"
#include "orp/core/result.h"

namespace orp::api {

// The policy the application's pages are served with (also checked by the browser tests).
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

class StaticSite {
 public:
  // kNotFound when `root` has no index.html (the bundle was not built).
  static Result<StaticSite> Open(const std::filesystem::path& root);

  // Should this request go to the site rather than the API? GET of any path outside /api/.
  // The caller asks the route table first (/healthz and /metrics are routes).
  static bool Claims(const HttpRequest& request);

  HttpResponse Serve(const HttpRequest& request) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit StaticSite(std::filesystem::path root) : root_(std::move(root)) {}

  // `encoding` is the Content-Encoding of `file` ("br", "gzip") or empty.
  HttpResponse File(const std::filesystem::path& file, std::string_view content_type,
                    bool immutable, std::string_view encoding = {}) const;

  std::filesystem::path root_;  // canonical
};

// The content type for a file name's extension, or empty when the site does not serve it.
std::string_view ContentTypeFor(const std::filesystem::path& file);

// Does an Accept-Encoding header value accept `coding` ("br", "gzip")? RFC 9110 §12.5.3: listed
// by name, or by "*" when not listed, with a q-value above 0 ("gzip;q=0" refuses it). Names are
// case-insensitive; an empty header accepts nothing but the identity.
bool AcceptsEncoding(std::string_view accept_encoding, std::string_view coding);

}  // namespace orp::api
