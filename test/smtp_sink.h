// Test-only: a tiny SMTP server on 127.0.0.1 that a test starts, for a real SMTP conversation.
// It accepts connections one at a time on its own thread (loopback_listener.h), answers
// EHLO/MAIL/RCPT/DATA/QUIT and keeps each message's DATA. `rcpt_reply` makes it refuse recipients
// (451 temporarily, 554 for good) to drive retries and the dead-letter list.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "loopback_listener.h"

namespace orp::testing {

class SmtpSink {
 public:
  explicit SmtpSink(int rcpt_reply = 250) : rcpt_reply_(rcpt_reply) {}

  int port() const { return listener_.port(); }
  void set_rcpt_reply(int code) { rcpt_reply_ = code; }
  std::vector<std::string> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<std::string> commands() {
    std::lock_guard lock(mu_);
    return commands_;
  }

 private:
  static void Reply(int client, const std::string& line) {
    LoopbackListener::Send(client, line + "\r\n");
  }

  // Reads one CRLF-terminated line, or returns false at the end of the connection.
  static bool ReadLine(int client, std::string& buffer, std::string& line) {
    while (buffer.find("\r\n") == std::string::npos) {
      if (!LoopbackListener::Read(client, buffer)) return false;
    }
    size_t end = buffer.find("\r\n");
    line = buffer.substr(0, end);
    buffer.erase(0, end + 2);
    return true;
  }

  void Converse(int client) {
    std::string buffer, line;
    Reply(client, "220 sink ESMTP");
    while (ReadLine(client, buffer, line)) {
      {
        std::lock_guard lock(mu_);
        commands_.push_back(line);
      }
      if (line.starts_with("EHLO")) {
        Reply(client, "250-sink greets you");
        Reply(client, "250 8BITMIME");
      } else if (line.starts_with("RCPT")) {
        Reply(client, std::to_string(rcpt_reply_.load()) + " recipient");
      } else if (line == "DATA") {
        Reply(client, "354 go ahead");
        std::string data;
        while (ReadLine(client, buffer, line) && line != ".") data += line + "\n";
        std::lock_guard lock(mu_);
        messages_.push_back(data);
        Reply(client, "250 queued");
      } else if (line == "QUIT") {
        Reply(client, "221 bye");
        return;
      } else {
        Reply(client, "250 ok");
      }
    }
  }

  std::atomic<int> rcpt_reply_;
  std::mutex mu_;
  std::vector<std::string> messages_;
  std::vector<std::string> commands_;
  LoopbackListener listener_{[this](int client) { Converse(client); }};  // last: stops first
};

}  // namespace orp::testing
