// Test-only: a TCP listener on 127.0.0.1 (an ephemeral port) that a test starts, serving one
// connection at a time on its own thread: `handle(client)` talks to the client, then the
// listener closes the connection. The SMTP and HTTP sinks (smtp_sink.h, http_sink.h) are
// protocols over it. Destruction stops accepting and joins the thread; a sink declares its
// listener LAST so the thread ends before the state its handler uses is destroyed.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>
#include <utility>

namespace orp::testing {

class LoopbackListener {
 public:
  explicit LoopbackListener(std::function<void(int client)> handle) : handle_(std::move(handle)) {
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
  ~LoopbackListener() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int port() const { return port_; }

  // Sends `text` to `client`, ignoring a peer that has gone.
  static void Send(int client, const std::string& text) {
    (void)::send(client, text.data(), text.size(), MSG_NOSIGNAL);
  }

  // Appends what `client` sends next to `into`; false at the end of the connection.
  static bool Read(int client, std::string& into) {
    char chunk[1024];
    ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    into.append(chunk, static_cast<size_t>(n));
    return true;
  }

 private:
  void Serve() {
    while (true) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      handle_(client);
      ::close(client);
    }
  }

  std::function<void(int)> handle_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace orp::testing
