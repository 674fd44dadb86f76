// Test-only: a tiny SMTP server on 127.0.0.1 that a test starts, for a real SMTP conversation.
// It accepts connections one at a time on its own thread, answers EHLO/MAIL/RCPT/DATA/QUIT and
// keeps each message's DATA. `rcpt_reply` makes it refuse recipients (451 temporarily, 554 for
// good) to drive retries and the dead-letter list.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orp::testing {

class SmtpSink {
 public:
  explicit SmtpSink(int rcpt_reply = 250) : rcpt_reply_(rcpt_reply) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~SmtpSink() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  int port() const { return port_; }
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
  void Serve() {
    while (!stop_) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      Converse(client);
      ::close(client);
    }
  }

  static void Reply(int client, const std::string& line) {
    std::string out = line + "\r\n";
    (void)::send(client, out.data(), out.size(), MSG_NOSIGNAL);
  }

  // Reads one CRLF-terminated line, or returns false at the end of the connection.
  bool ReadLine(int client, std::string& buffer, std::string& line) {
    while (buffer.find("\r\n") == std::string::npos) {
      char chunk[512];
      ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
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

  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> rcpt_reply_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> messages_;
  std::vector<std::string> commands_;
};

}  // namespace orp::testing
