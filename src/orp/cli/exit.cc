#include "orp/cli/exit.h"

#include <fmt/format.h>

namespace orp::cli {

void Fail(std::string_view command, const Error& error) {
  fmt::print(stderr, "orp {}: {}\n", command, error.message());
  throw CommandFailed(ExitCodeFor(error.code()), error.message());
}

}  // namespace orp::cli
