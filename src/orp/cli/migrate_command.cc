// orp migrate --db URL [--key-file F] [--format table|json|csv]
// Creates or upgrades the schema (opening a store does that) and reports the version reached and
// the migrations applied now; with --key-file, also creates the pseudonymisation key file when it
// is missing and checks it otherwise.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

struct MigrateOptions {
  std::string db;
  std::string key_file;
  std::string format = "table";
};

void RunMigrate(const MigrateOptions& options, const Environment& env) {
  OutputFormat format = ValueOrFail("migrate", ParseOutputFormat(options.format));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail("migrate", env, options.db);
  storage::StoreInfo info = store->Info();
  std::string key_state;
  if (!options.key_file.empty()) {
    bool created = false;
    ValueOrFail("migrate", security::Pseudonymiser::OpenOrCreate(options.key_file, &created));
    key_state = created ? "created" : "present";
  }
  std::string applied;
  for (const auto& name : info.migrations_applied) applied += (applied.empty() ? "" : " ") + name;
  if (format == OutputFormat::kJson) {
    nlohmann::json out = {{"backend", info.backend},
                          {"location", info.location},
                          {"schema_version", info.schema_version},
                          {"migrations_applied", info.migrations_applied}};
    if (!key_state.empty()) out["key_file"] = {{"path", options.key_file}, {"state", key_state}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  Table table({"item", "value"});
  table.AddRow({"backend", info.backend});
  table.AddRow({"location", info.location});
  table.AddRow({"schema_version", std::to_string(info.schema_version)});
  table.AddRow({"migrations_applied", applied.empty() ? "none" : applied});
  if (!key_state.empty()) table.AddRow({"key_file", options.key_file + " (" + key_state + ")"});
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

}  // namespace

void AddMigrateCommand(CLI::App& app, const Environment& env) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Create or upgrade the database schema and report its version.");
  cmd->add_option("--db", options->db, "Database URL: sqlite:PATH or sqlite::memory:")->required();
  cmd->add_option("--key-file", options->key_file,
                  "Pseudonymisation key file: created (mode 0600) if missing, checked if present");
  cmd->add_option("--format", options->format, "Output: table, json or csv")->default_val("table");
  cmd->callback([options, &env] { RunMigrate(*options, env); });
}

}  // namespace orp::cli
