// Test-only: a tiny HTTP/1.1 server on 127.0.0.1 that a test starts, standing in for an SMS
// provider's API. It accepts connections one at a time on its own thread (loopback_listener.h),
// reads one request (headers and a Content-Length body), keeps it, and answers `status` with
// Connection: close. set_status() drives retries (429, 503) and dead letters (400).
#pragma once

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "loopback_listener.h"

namespace orp::testing {

class HttpSink {
 public:
  struct Request {
    std::string head;  // request line and headers
    std::string body;
  };

  explicit HttpSink(int status = 200) : status_(status) {}

  int port() const { return listener_.port(); }
  void set_status(int status) { status_ = status; }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Answer(int client) {
    std::string data;
    size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!LoopbackListener::Read(client, data)) return;
    }
    Request request{data.substr(0, head_end), data.substr(head_end + 4)};
    size_t length_at = request.head.find("Content-Length: ");
    size_t length = length_at == std::string::npos
                        ? 0
                        : std::strtoul(request.head.c_str() + length_at + 16, nullptr, 10);
    while (request.body.size() < length) {
      if (!LoopbackListener::Read(client, request.body)) return;
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    LoopbackListener::Send(client, "HTTP/1.1 " + std::to_string(status_.load()) +
                                       " Sink\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  }

  std::atomic<int> status_;
  std::mutex mu_;
  std::vector<Request> requests_;
  LoopbackListener listener_{[this](int client) { Answer(client); }};  // last: stops first
};

}  // namespace orp::testing
