#include "orp/api/static_site.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>
#include <system_error>

#include "orp/api/response.h"
#include "orp/core/text.h"

namespace orp::api {
namespace {

namespace fs = std::filesystem;

// A clean relative path: segments of allowed characters, none "." or "..", none empty (the
// leading '/' is removed first; a trailing '/' means the directory's index, which this site
// does not list). nullopt otherwise.
std::optional<fs::path> CleanRelativePath(std::string_view decoded) {
  fs::path relative;
  while (!decoded.empty()) {
    size_t slash = decoded.find('/');
    std::string_view segment = decoded.substr(0, slash);
    decoded = slash == std::string_view::npos ? std::string_view() : decoded.substr(slash + 1);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    for (char c : segment) {
      if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return std::nullopt;
      }
    }
    relative /= std::string(segment);
  }
  return relative;
}

// Is `file` inside `root` (both canonical)?
bool Inside(const fs::path& root, const fs::path& file) {
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return root_end == root.end();
}

// "/procedures/12" is a client route; "/assets/app.js" or "/favicon.ico" is a file.
bool LooksLikeClientRoute(std::string_view path) {
  std::string_view last = path.substr(path.rfind('/') + 1);
  return last.find('.') == std::string_view::npos;
}

// The q-value of one Accept-Encoding element's parameters (";q=0.5"); 1 when absent, 0 when
// malformed (an element the client garbled is not taken as consent).
double QualityOf(std::string_view parameters) {
  size_t q = parameters.find("q=");
  if (q == std::string_view::npos) q = parameters.find("Q=");
  if (q == std::string_view::npos) return 1.0;
  std::string_view value = Trim(parameters.substr(q + 2));
  double quality = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), quality);
  if (ec != std::errc() || end != value.data() + value.size() || quality < 0 || quality > 1) {
    return 0.0;
  }
  return quality;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool AcceptsEncoding(std::string_view header, std::string_view coding) {
  std::optional<double> named, star;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semicolon = element.find(';');
    std::string_view name = Trim(element.substr(0, semicolon));
    double quality =
        semicolon == std::string_view::npos ? 1.0 : QualityOf(element.substr(semicolon + 1));
    if (EqualsIgnoringCase(name, coding)) named = quality;
    if (name == "*") star = quality;
  }
  if (named) return *named > 0;
  return star && *star > 0;
}

std::string_view ContentTypeFor(const fs::path& file) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  std::string extension = file.extension().string();
  for (const auto& [ext, type] : kTypes) {
    if (extension == ext) return type;
  }
  return {};
}

Result<StaticSite> StaticSite::Open(const fs::path& root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_regular_file(canonical / "index.html", ec)) {
    return std::unexpected(
        Error(ErrorCode::kNotFound,
              fmt::format("--web-root '{}': no index.html there (build the web application with "
                          "`make build`)",
                          root.string())));
  }
  return StaticSite(std::move(canonical));
}

bool StaticSite::Claims(const HttpRequest& request) {
  return request.method == "GET" && !request.path.starts_with("/api/") && request.path != "/api";
}

HttpResponse StaticSite::Serve(const HttpRequest& request) const {
  std::optional<std::string> decoded = PercentDecode(request.path, false);
  std::optional<fs::path> relative;
  if (decoded && decoded->starts_with('/')) {
    relative = decoded->size() == 1 ? fs::path("index.html")
                                    : CleanRelativePath(std::string_view(*decoded).substr(1));
  }
  if (!relative) {
    HttpResponse bad = ErrorResponse(400, "INVALID_ARGUMENT",
                                     "the path is not a clean relative path", request.request_id);
    bad.route = std::string("static");
    return bad;
  }
  std::error_code ec;
  fs::path file = fs::canonical(root_ / *relative, ec);
  bool found = !ec && Inside(root_, file) && fs::is_regular_file(file, ec);
  if (!found && LooksLikeClientRoute(*decoded)) {
    return File(root_ / "index.html", ContentTypeFor("index.html"), false);
  }
  std::string_view type = found ? ContentTypeFor(file) : std::string_view();
  if (type.empty()) {
    HttpResponse missing =
        ErrorResponse(404, "NOT_FOUND", "no such file in the web application", request.request_id);
    missing.route = std::string("static");
    return missing;
  }
  bool immutable = relative->begin() != relative->end() && *relative->begin() == "assets";
  std::string_view accept = request.Header("accept-encoding");
  for (std::string_view coding : {"br", "gzip"}) {
    fs::path sibling = file;
    sibling += coding == "br" ? ".br" : ".gz";
    if (AcceptsEncoding(accept, coding) && fs::is_regular_file(sibling, ec)) {
      return File(sibling, type, immutable, coding);
    }
  }
  return File(file, type, immutable);
}

HttpResponse StaticSite::File(const fs::path& file, std::string_view content_type, bool immutable,
                              std::string_view encoding) const {
  HttpResponse response;
  response.route = std::string("static");
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    response = ErrorResponse(404, "NOT_FOUND", "no such file in the web application", "");
    response.route = std::string("static");
    return response;
  }
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.content_type = std::string(content_type);
  response.headers.emplace_back("Cache-Control",
                                immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("Content-Security-Policy", std::string(kWebContentSecurityPolicy));
  // Caches must key on Accept-Encoding whether or not this answer is compressed: another
  // client's request for the same path may get the other form.
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (!encoding.empty()) response.headers.emplace_back("Content-Encoding", std::string(encoding));
  return response;
}

}  // namespace orp::api
