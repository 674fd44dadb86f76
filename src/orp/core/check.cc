#include "orp/core/check.h"

#include <cstdio>
#include <cstdlib>

namespace orp::internal {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "ORP_CHECK failed: %s at %s:%d\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace orp::internal
