// ORP_CHECK: aborts the process when an invariant whose breach would corrupt data is false
// (an audit chain out of order, a probability outside [0, 1]). Never use it on user input:
// bad input is a Result error or a validation finding.
#pragma once

namespace orp::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace orp::internal

#define ORP_CHECK(condition)                                        \
  do {                                                              \
    if (!(condition)) [[unlikely]]                                  \
      ::orp::internal::CheckFailed(#condition, __FILE__, __LINE__); \
  } while (false)
