#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "orp/cli/commands.h"

namespace orp::cli {

void AddVersionCommand(CLI::App& app, const Environment&) {
  CLI::App* cmd = app.add_subcommand("version", "Print the ORP version and build.");
  cmd->callback([] { fmt::print("orp 0.1.0 (built with g++ {})\n", __VERSION__); });
}

}  // namespace orp::cli
