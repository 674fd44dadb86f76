// An SMS provider's HTTP API as an SmsAdapter (channel.h): one POST per text, a JSON body
// {"to": phone, "from": sender, "text": text}, an authorisation header read from a file so the
// secret is never on a command line or in the database.
//
// Plain HTTP (http://host[:port]/path) to the provider's gateway or a TLS-terminating proxy on
// the organisation's network, as for the SMTP relay (smtp.h): the registry holds no TLS client
// configuration of its own. https:// URLs are refused when the adapter is made.
//
// The answer decides what the outbox does (run.h): 2xx sent; 408, 429 and 5xx kUnavailable
// (retried with back-off); any other status kFailedPrecondition (dead letter, e.g. a number the
// provider refuses); no answer, a timeout or a refused connection kUnavailable. Messages name
// the status and the host, never the number, the text or the secret.
// Thread safety: one thread per adapter (the outbox's).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "orp/proms/channel.h"

namespace orp::proms {

struct HttpSmsOptions {
  std::string url;                      // http://host[:port]/path
  std::filesystem::path auth_file;      // one line "Header-Name: value"; empty: no header
  std::string sender = "NHS Registry";  // the "from" the provider shows
  std::chrono::milliseconds timeout{10000};
};

class HttpSmsAdapter : public SmsAdapter {
 public:
  // kInvalidArgument for a URL that is not http://host[:port]/path, or an auth file that is not
  // one "Name: value" line; kNotFound for a missing auth file.
  static Result<std::unique_ptr<HttpSmsAdapter>> Create(const HttpSmsOptions& options);
  Result<void> SendText(std::string_view phone, std::string_view text) override;

 private:
  HttpSmsAdapter() = default;
  HttpSmsOptions options_;
  std::string host_;
  int port_ = 80;
  std::string path_;
  std::string auth_header_;  // "Name: value", or empty
};

}  // namespace orp::proms
