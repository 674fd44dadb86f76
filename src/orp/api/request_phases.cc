#include "orp/api/request_phases.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cstring>
#include <iterator>

namespace orp::api::phases {
namespace {

using Clock = std::chrono::steady_clock;

// This thread's CPU time (ms), major page faults and block reads so far: a slow request that
// used little CPU waited, and its faults and block reads say whether it waited for the disk.
struct Usage {
  double cpu_ms = 0;
  long major_faults = 0;
  long block_reads = 0;
};

Usage ThreadUsage() {
  rusage u{};
  if (getrusage(RUSAGE_THREAD, &u) != 0) return {};
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return {ms(u.ru_utime) + ms(u.ru_stime), u.ru_majflt, u.ru_inblock};
}

struct Record {
  Clock::time_point last;
  Usage start;
  std::array<const char*, 16> names{};
  std::array<Clock::duration, 16> spent{};
  size_t count = 0;
};

thread_local Record record;

}  // namespace

void Begin() {
  record.count = 0;
  record.start = ThreadUsage();
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
  const Usage now = ThreadUsage();
  fmt::format_to(std::back_inserter(out), "{}cpu={:.2f} major_faults={} block_reads={}",
                 out.empty() ? "" : " ", now.cpu_ms - record.start.cpu_ms,
                 now.major_faults - record.start.major_faults,
                 now.block_reads - record.start.block_reads);
  return out;
}

}  // namespace orp::api::phases
