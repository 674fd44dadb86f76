// One client TCP connection with a deadline on every read and write, for the channels that
// speak a line protocol to a server of the organisation's (SMTP to the relay, HTTP to an SMS
// provider's gateway). `who` ("SMTP", "SMS provider") starts every error message; messages name
// the host and port, never a patient's contact detail.
//
// Errors: kUnavailable for everything (cannot resolve, cannot connect, a timeout, the peer
// closing early): the outbox tries again later. Thread safety: one thread per connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::proms {

class TcpConnection {
 public:
  TcpConnection(int fd, std::chrono::milliseconds timeout, std::string who)
      : fd_(fd), timeout_(timeout), who_(std::move(who)) {}
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  Result<void> Write(std::string_view bytes);
  // The next line without its CRLF (a bare LF also ends a line).
  Result<std::string> ReadLine();

 private:
  Result<void> Fill();  // reads one chunk into buffer_; kUnavailable at the end or a timeout

  int fd_;
  std::chrono::milliseconds timeout_;
  std::string who_;
  std::string buffer_;
};

Result<std::unique_ptr<TcpConnection>> ConnectTcp(const std::string& host, int port,
                                                  std::chrono::milliseconds timeout,
                                                  std::string who);

}  // namespace orp::proms
