#include "orp/api/request_phases.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstring>
#include <iterator>

namespace orp::api::phases {
namespace {

using Clock = std::chrono::steady_clock;

struct Record {
  Clock::time_point last;
  std::array<const char*, 16> names{};
  std::array<Clock::duration, 16> spent{};
  size_t count = 0;
};

thread_local Record record;

}  // namespace

void Begin() {
  record.count = 0;
  record.last = Clock::now();
}

void Mark(const char* name) {
  const Clock::time_point now = Clock::now();
  const Clock::duration elapsed = now - record.last;
  record.last = now;
  for (size_t i = 0; i < record.count; ++i) {
    if (record.names[i] == name || std::strcmp(record.names[i], name) == 0) {
      record.spent[i] += elapsed;
      return;
    }
  }
  if (record.count == record.names.size()) return;
  record.names[record.count] = name;
  record.spent[record.count] = elapsed;
  ++record.count;
}

std::string Summary() {
  std::string out;
  for (size_t i = 0; i < record.count; ++i) {
    fmt::format_to(std::back_inserter(out), "{}{}={:.2f}", i ? " " : "", record.names[i],
                   std::chrono::duration<double, std::milli>(record.spent[i]).count());
  }
  return out;
}

}  // namespace orp::api::phases
