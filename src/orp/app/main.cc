// The composition root: builds the concrete environment (stores, keys, configuration) and hands
// it to the command line. The one place that knows every subsystem.
#include <exception>
#include <cstdio>

#include "orp/cli/cli.h"

int main(int argc, char** argv) {
  try {
    orp::cli::Environment env;
    return orp::cli::RunCli(argc, argv, env);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orp: internal error: %s\n", e.what());
    return 70;
  }
}
