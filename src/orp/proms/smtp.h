// Email through an SMTP relay (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT over one TCP
// connection per message, each reply checked. No TLS or authentication: ORP hands mail to a
// relay on the organisation's network, which does both onward (docs/proms.md).
//
// Errors: kUnavailable for a connection that fails or times out and for 4xx replies (the relay
// says "later"); kFailedPrecondition for 5xx replies (the relay refuses: dead letter);
// kInvalidArgument for a contact without an email address. Messages name the SMTP step and the
// reply code, never the address.
#pragma once

#include <chrono>
#include <string>

#include "orp/proms/channel.h"

namespace orp::proms {

struct SmtpOptions {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string from = "proms@orp.invalid";
  std::string helo = "orp.invalid";
  std::chrono::milliseconds timeout{10000};
};

class SmtpChannel : public Channel {
 public:
  explicit SmtpChannel(SmtpOptions options) : options_(std::move(options)) {}
  std::string_view name() const override { return "email"; }
  Result<void> Send(const OutgoingMessage& message) override;

 private:
  SmtpOptions options_;
};

// The RFC 5322 message (headers, blank line, body with CRLF line ends and leading dots doubled).
std::string FormatEmail(const SmtpOptions& options, const OutgoingMessage& message);

}  // namespace orp::proms
