// Test-only: a tiny HTTP/1.1 server on 127.0.0.1 that a test starts, standing in for an SMS
// provider's API. It accepts connections one at a time on its own thread, reads one request
// (headers and a Content-Length body), keeps it, and answers `status` with Connection: close.
// set_status() drives retries (429, 503) and dead letters (400).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orp::testing {

class HttpSink {
 public:
  struct Request {
    std::string head;  // request line and headers
    std::string body;
  };

  explicit HttpSink(int status = 200) : status_(status) {
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
  ~HttpSink() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  int port() const { return port_; }
  void set_status(int status) { status_ = status; }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (true) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      Answer(client);
      ::close(client);
    }
  }

  void Answer(int client) {
    std::string data;
    size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!Read(client, data)) return;
    }
    Request request{data.substr(0, head_end), data.substr(head_end + 4)};
    size_t length_at = request.head.find("Content-Length: ");
    size_t length = length_at == std::string::npos
                        ? 0
                        : std::strtoul(request.head.c_str() + length_at + 16, nullptr, 10);
    while (request.body.size() < length) {
      std::string more;
      if (!Read(client, more)) return;
      request.body += more;
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    std::string reply = "HTTP/1.1 " + std::to_string(status_.load()) +
                        " Sink\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    (void)::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  static bool Read(int client, std::string& into) {
    char chunk[1024];
    ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    into.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> status_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> requests_;
};

}  // namespace orp::testing
