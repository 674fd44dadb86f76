// The `orp` command line: one CLI11 application whose subcommands are registered by the files
// in this folder. `app/main.cc` builds the environment (stores, keys) and calls RunCli.
//
// Conventions every command follows: `--help`; exit 0 on success; on failure one clear line on
// stderr ("orp ingest: …") and the exit code from orp::ExitCodeFor; results as a table for
// people or `--format json|csv` for machines (see table.h).
#pragma once

#include <functional>
#include <string_view>

namespace CLI {
class App;
}

namespace orp::cli {

// What commands need from the composition root. Grows as subsystems land; kept free of
// concrete backends so this library never includes a database driver.
struct Environment {};

// A subcommand registrar: adds one subcommand (and its callback) to the application.
using CommandRegistrar = std::function<void(CLI::App& app, const Environment& env)>;

// Parses argv, runs the chosen subcommand and returns the process exit code.
int RunCli(int argc, char** argv, const Environment& env);

}  // namespace orp::cli
