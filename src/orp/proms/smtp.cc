#include "orp/proms/smtp.h"

#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace orp::proms {
namespace {

// One TCP connection with a deadline per read and write; closes itself.
class Connection {
 public:
  Connection(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<void> Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ORP_RETURN_IF_ERROR(Wait(POLLOUT));
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return Unavailable(fmt::format("SMTP: send failed: {}", std::strerror(errno)));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  // One reply (all its lines); returns the three-digit code.
  Result<int> ReadReply() {
    while (true) {
      size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        if (line.size() < 3) return Unavailable("SMTP: malformed reply");
        if (line.size() > 3 && line[3] == '-') continue;  // more lines follow
        return std::atoi(line.substr(0, 3).c_str());
      }
      ORP_RETURN_IF_ERROR(Wait(POLLIN));
      char chunk[1024];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return Unavailable("SMTP: the relay closed the connection");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  Result<void> Wait(short events) {
    pollfd p{fd_, events, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    if (ready <= 0) return Unavailable("SMTP: the relay did not answer in time");
    return {};
  }

  int fd_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

Result<std::unique_ptr<Connection>> Connect(const SmtpOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  if (::getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return Unavailable(fmt::format("SMTP: cannot resolve relay {}", options.host));
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return Unavailable(fmt::format("SMTP: cannot connect to relay {}:{}", options.host, port));
  }
  return std::make_unique<Connection>(fd, options.timeout);
}

// Sends `command` (unless empty) and checks the reply is `want` (its first digit for 2 and 3).
Result<void> Step(Connection& c, std::string_view step, const std::string& command, int want) {
  if (!command.empty()) ORP_RETURN_IF_ERROR(c.Write(command + "\r\n"));
  auto code = c.ReadReply();
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
  auto connection = Connect(options_);
  if (!connection) return std::unexpected(connection.error());
  Connection& c = **connection;
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
