#include "orp/proms/tcp.h"

#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace orp::proms {

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> TcpConnection::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) {
      return Unavailable(fmt::format("{}: the server did not take the request in time", who_));
    }
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return Unavailable(fmt::format("{}: send failed: {}", who_, std::strerror(errno)));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void> TcpConnection::Fill() {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) {
    return Unavailable(fmt::format("{}: the server did not answer in time", who_));
  }
  char chunk[4096];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return Unavailable(fmt::format("{}: the server closed the connection", who_));
  buffer_.append(chunk, static_cast<size_t>(n));
  return {};
}

Result<std::string> TcpConnection::ReadLine() {
  while (true) {
    size_t end = buffer_.find('\n');
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    ORP_RETURN_IF_ERROR(Fill());
  }
}

Result<std::unique_ptr<TcpConnection>> ConnectTcp(const std::string& host, int port,
                                                  std::chrono::milliseconds timeout,
                                                  std::string who) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
    return Unavailable(fmt::format("{}: cannot resolve {}", who, host));
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
  if (fd < 0) return Unavailable(fmt::format("{}: cannot connect to {}:{}", who, host, port));
  return std::make_unique<TcpConnection>(fd, timeout, std::move(who));
}

}  // namespace orp::proms
