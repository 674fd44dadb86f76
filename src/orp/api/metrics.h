// Metrics: what /metrics reports in the Prometheus text format (version 0.0.4):
//   orp_http_requests_total{method,route,status}   counter
//   orp_http_request_duration_seconds{route}       histogram (handling time, not the network)
//   orp_http_open_connections                      gauge
// Routes are patterns ("/api/v1/submissions/{id}"), never raw paths, so a label cannot carry
// an identifier and the number of series stays bounded.
// Thread safety: every member may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace orp::api {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  void Observe(std::string_view method, std::string_view route, int status, double seconds);
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> counts{};  // not cumulative; summed when rendered
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
  std::atomic<int64_t> open_connections_{0};
};

}  // namespace orp::api
