#include "orp/proms/smtp.h"

#include <fmt/format.h>

#include <cstdlib>

#include "orp/proms/tcp.h"

namespace orp::proms {
namespace {

// One reply (all its lines); returns the three-digit code.
Result<int> ReadReply(TcpConnection& c) {
  while (true) {
    auto line = c.ReadLine();
    if (!line) return std::unexpected(line.error());
    if (line->size() < 3) return Unavailable("SMTP: malformed reply");
    if (line->size() > 3 && (*line)[3] == '-') continue;  // more lines follow
    return std::atoi(line->substr(0, 3).c_str());
  }
}

// Sends `command` (unless empty) and checks the reply is `want` (its first digit for 2 and 3).
Result<void> Step(TcpConnection& c, std::string_view step, const std::string& command, int want) {
  if (!command.empty()) ORP_RETURN_IF_ERROR(c.Write(command + "\r\n"));
  auto code = ReadReply(c);
  if (!code) return std::unexpected(code.error().WithContext(std::string(step)));
  if (*code / 100 == want / 100) return {};
  std::string message = fmt::format("SMTP {}: relay replied {}", step, *code);
  if (*code >= 400 && *code < 500) return Unavailable(message);
  return FailedPrecondition(message);
}

// CRLF line ends and a doubled leading dot (RFC 5321 §4.5.2).
std::string DotStuffed(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char ch : text) {
    if (ch == '\r') continue;
    if (line_start && ch == '.') out += '.';
    if (ch == '\n') {
      out += "\r\n";
      line_start = true;
      continue;
    }
    out += ch;
    line_start = false;
  }
  return out;
}

}  // namespace

std::string FormatEmail(const SmtpOptions& options, const OutgoingMessage& message) {
  std::string headers = fmt::format(
      "From: {}\nTo: {}\nSubject: {}\nMessage-ID: {}\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=utf-8\n\n",
      options.from, message.contact.email, MessageSubject(message), message.message_id);
  return DotStuffed(headers + MessageBody(message));
}

Result<void> SmtpChannel::Send(const OutgoingMessage& message) {
  if (message.contact.email.empty()) {
    return InvalidArgument("no email address for this patient");
  }
  auto connection = ConnectTcp(options_.host, options_.port, options_.timeout, "SMTP relay");
  if (!connection) return std::unexpected(connection.error());
  TcpConnection& c = **connection;
  ORP_RETURN_IF_ERROR(Step(c, "greeting", "", 220));
  ORP_RETURN_IF_ERROR(Step(c, "EHLO", "EHLO " + options_.helo, 250));
  ORP_RETURN_IF_ERROR(Step(c, "MAIL FROM", "MAIL FROM:<" + options_.from + ">", 250));
  ORP_RETURN_IF_ERROR(Step(c, "RCPT TO", "RCPT TO:<" + message.contact.email + ">", 250));
  ORP_RETURN_IF_ERROR(Step(c, "DATA", "DATA", 354));
  std::string email = FormatEmail(options_, message);
  if (!email.ends_with("\r\n")) email += "\r\n";
  ORP_RETURN_IF_ERROR(c.Write(email));
  ORP_RETURN_IF_ERROR(Step(c, "end of data", ".", 250));
  (void)Step(c, "QUIT", "QUIT", 221);  // the relay has accepted the message already
  return {};
}

}  // namespace orp::proms
