#include "orp/api/metrics.h"

#include <fmt/format.h>

namespace orp::api {
namespace {

// Label values escaped as the text format asks (backslash, quote, newline).
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::Observe(std::string_view method, std::string_view route, int status,
                      double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method), std::string(route), status}];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out =
      "# HELP orp_http_requests_total HTTP requests answered, by method, route and status.\n"
      "# TYPE orp_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("orp_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       Label(method), Label(route), status, count);
  }
  out +=
      "# HELP orp_http_request_duration_seconds Time to handle a request, by route.\n"
      "# TYPE orp_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out += fmt::format("orp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         Label(route), kBuckets[i], cumulative);
    }
    out += fmt::format(
        "orp_http_request_duration_seconds_bucket{{route=\"{0}\",le=\"+Inf\"}} {1}\n"
        "orp_http_request_duration_seconds_sum{{route=\"{0}\"}} {2}\n"
        "orp_http_request_duration_seconds_count{{route=\"{0}\"}} {1}\n",
        Label(route), h.count, h.sum);
  }
  out += fmt::format(
      "# HELP orp_http_open_connections Client connections open now.\n"
      "# TYPE orp_http_open_connections gauge\n"
      "orp_http_open_connections {}\n",
      open_connections());
  return out;
}

}  // namespace orp::api
