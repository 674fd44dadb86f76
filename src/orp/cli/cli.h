// The `orp` command line: one CLI11 application whose subcommands are registered by the files
// in this folder. `app/main.cc` builds the environment (stores, keys) and calls RunCli.
//
// Conventions every command follows: `--help`; exit 0 on success; on failure one clear line on
// stderr ("orp ingest: …") and the exit code from orp::ExitCodeFor; results as a table for
// people or `--format json|csv` for machines (see table.h).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "orp/core/result.h"

namespace CLI {
class App;
}

namespace orp::storage {
class Store;
class BackupFactory;
}  // namespace orp::storage

namespace orp::api {
class Gatekeeper;
}

namespace orp::cli {

// Opens a store from a database URL ("sqlite:PATH", "sqlite::memory:"), creating or upgrading
// its schema first (storage/open.h).
using StoreOpener = std::function<Result<std::unique_ptr<storage::Store>>(std::string_view url)>;

// The gatekeeper `orp serve` authenticates and authorises every request with, over the store
// it serves (app/main.cc adapts security/ to api::Gatekeeper).
using GatekeeperFactory = std::function<std::unique_ptr<api::Gatekeeper>(storage::Store&)>;

// What commands need from the composition root. Grows as subsystems land; kept free of
// concrete backends so this library never includes a database driver.
struct Environment {
  StoreOpener open_store;             // set by app/main.cc
  GatekeeperFactory make_gatekeeper;  // set by app/main.cc
  // Backup and restore by URL (storage/backup.h), for `orp backup` and `orp restore` (ops, #10).
  std::shared_ptr<const storage::BackupFactory> backups;  // set by app/main.cc
};

// The store at `url`, or the command fails with the one-line error (kFailedPrecondition when the
// environment has no opener).
std::unique_ptr<storage::Store> OpenStoreOrFail(std::string_view command, const Environment& env,
                                                std::string_view url);

// For analytics reads (`--db-read URL`, ops #10): the store at `db` when `db_read` is empty;
// otherwise one whose queries go to the replica at `db_read` and whose writes (audit entries,
// signals) go to `db` (storage/read_replica.h). Fails the command like OpenStoreOrFail.
std::unique_ptr<storage::Store> OpenAnalyticsStoreOrFail(std::string_view command,
                                                         const Environment& env,
                                                         std::string_view db,
                                                         std::string_view db_read);

// A subcommand registrar: adds one subcommand (and its callback) to the application.
using CommandRegistrar = std::function<void(CLI::App& app, const Environment& env)>;

// Parses argv, runs the chosen subcommand and returns the process exit code.
int RunCli(int argc, char** argv, const Environment& env);

}  // namespace orp::cli
