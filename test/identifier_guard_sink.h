// IdentifierGuardSink: a spdlog sink for tests that records every log line shaped like a valid
// NHS number (security/identifier_scan.h). Install it on the logger under test (or the default
// logger) and assert `violations()` is empty at the end: a log line with a patient identifier is
// a failed test, not a warning.
//
// The recorded lines have the number masked, so a failing test does not print it either.
// Thread safety: spdlog's base_sink<std::mutex> serialises sink_it_; violations() copies under
// the same mutex.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>
#include <vector>

#include "orp/security/identifier_scan.h"

namespace orp::testing {

class IdentifierGuardSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> violations() {
    std::lock_guard<std::mutex> lock(mutex_);
    return violations_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line(formatted.data(), formatted.size());
    if (auto match = security::FindNhsNumberShape(line)) {
      size_t at = static_cast<size_t>(match->data() - line.data());
      line.replace(at, match->size(), std::string(match->size(), '#'));
      violations_.push_back(std::move(line));
    }
  }
  void flush_() override {}

 private:
  std::vector<std::string> violations_;
};

}  // namespace orp::testing
