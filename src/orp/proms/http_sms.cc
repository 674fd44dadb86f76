#include "orp/proms/http_sms.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

#include "orp/core/json_text.h"
#include "orp/proms/tcp.h"

namespace orp::proms {
namespace {

constexpr std::string_view kWho = "SMS provider";

struct Url {
  std::string host;
  int port = 80;
  std::string path;
};

Result<Url> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return InvalidArgument(
        "--sms-url must be http://host[:port]/path (TLS is the gateway's or a local proxy's)");
  }
  url.remove_prefix(kScheme.size());
  const size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  Url out;
  out.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || end != port.data() + port.size() || out.port < 1 || out.port > 65535) {
      return InvalidArgument(fmt::format("--sms-url: '{}' is not a port number", port));
    }
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return InvalidArgument("--sms-url has no host");
  out.host = std::string(authority);
  return out;
}

Result<std::string> ReadAuthHeader(const std::filesystem::path& file) {
  if (file.empty()) return std::string();
  std::ifstream in(file);
  if (!in) return NotFound(fmt::format("--sms-auth-file {}: cannot be read", file.string()));
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  const size_t colon = line.find(':');
  const bool bad_char = line.find_first_of("\r\n") != std::string::npos;
  if (colon == std::string::npos || colon == 0 || colon + 1 >= line.size() || bad_char) {
    // Never quote the line: it holds the secret.
    return InvalidArgument(
        fmt::format("--sms-auth-file {}: expected one line 'Header-Name: value'", file.string()));
  }
  return line;
}

// The status code of "HTTP/1.1 200 OK".
Result<int> StatusOf(std::string_view line) {
  int status = 0;
  if (line.starts_with("HTTP/1.") && line.size() >= 12) {
    std::string_view digits = line.substr(9, 3);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + 3, status);
    if (ec == std::errc() && end == digits.data() + 3) return status;
  }
  return Unavailable(fmt::format("{}: the answer was not HTTP", kWho));
}

}  // namespace

Result<std::unique_ptr<HttpSmsAdapter>> HttpSmsAdapter::Create(const HttpSmsOptions& options) {
  auto url = ParseHttpUrl(options.url);
  if (!url) return std::unexpected(url.error());
  auto auth = ReadAuthHeader(options.auth_file);
  if (!auth) return std::unexpected(auth.error());
  std::unique_ptr<HttpSmsAdapter> adapter(new HttpSmsAdapter());
  adapter->options_ = options;
  adapter->host_ = url->host;
  adapter->port_ = url->port;
  adapter->path_ = url->path;
  adapter->auth_header_ = *auth;
  return adapter;
}

Result<void> HttpSmsAdapter::SendText(std::string_view phone, std::string_view text) {
  const std::string body = fmt::format(R"({{"to":{},"from":{},"text":{}}})", JsonString(phone),
                                       JsonString(options_.sender), JsonString(text));
  std::string request = fmt::format(
      "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\nConnection: close\r\n",
      path_, host_, port_, body.size());
  if (!auth_header_.empty()) request += auth_header_ + "\r\n";
  request += "\r\n" + body;
  auto connection = ConnectTcp(host_, port_, options_.timeout, std::string(kWho));
  if (!connection) return std::unexpected(connection.error());
  ORP_RETURN_IF_ERROR((*connection)->Write(request));
  auto line = (*connection)->ReadLine();
  if (!line) return std::unexpected(line.error());
  auto status = StatusOf(*line);
  if (!status) return std::unexpected(status.error());
  if (*status >= 200 && *status < 300) return {};
  const std::string message = fmt::format("{} {}:{} answered {}", kWho, host_, port_, *status);
  if (*status == 408 || *status == 429 || *status >= 500) return Unavailable(message);
  return FailedPrecondition(message);
}

}  // namespace orp::proms
