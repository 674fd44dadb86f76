// orp backup --db URL --to FILE [--format table|json|csv]
// orp restore --from FILE --db URL [--format table|json|csv]
// A consistent copy of a whole database while servers keep writing, and its restore into a new,
// empty database (upgraded at once if the backup came from an older orp). How each backend does
// it, and what restore refuses, is in storage/backup.h.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/storage/backup.h"

namespace orp::cli {
namespace {

struct BackupOptions {
  std::string db;
  std::string file;
  std::string format = "table";
};

void Print(const storage::BackupReport& report, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::json out = {{"backend", report.backend},
                          {"location", report.location},
                          {"file", report.file},
                          {"bytes", report.bytes},
                          {"schema_version", report.schema_version}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  Table table({"item", "value"});
  table.AddRow({"backend", report.backend});
  table.AddRow({"location", report.location});
  table.AddRow({"file", report.file});
  table.AddRow({"bytes", std::to_string(report.bytes)});
  table.AddRow({"schema_version", std::to_string(report.schema_version)});
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

void Run(std::string_view command, const BackupOptions& options, const Environment& env,
         bool restore) {
  OutputFormat format = ValueOrFail(command, ParseOutputFormat(options.format));
  if (!env.backups) Fail(command, FailedPrecondition("this orp has no backup tools").error());
  auto report = restore ? env.backups->Restore(options.file, options.db)
                        : env.backups->Backup(options.db, options.file);
  Print(ValueOrFail(command, std::move(report)), format);
}

}  // namespace

void AddBackupCommands(CLI::App& app, const Environment& env) {
  auto backup = std::make_shared<BackupOptions>();
  CLI::App* cmd = app.add_subcommand(
      "backup", "Write a consistent copy of the database to a file while servers keep writing.");
  cmd->add_option("--db", backup->db, "Database URL: sqlite:PATH or postgresql://…")->required();
  cmd->add_option("--to", backup->file,
                  "Backup file (SQLite: a database file; PostgreSQL: pg_dump custom format)")
      ->required();
  cmd->add_option("--format", backup->format, "Output: table, json or csv")->default_val("table");
  cmd->callback([backup, &env] { Run("backup", *backup, env, false); });

  auto restore = std::make_shared<BackupOptions>();
  CLI::App* rcmd = app.add_subcommand(
      "restore", "Restore a backup into a new, empty database (upgrading it if it is older).");
  rcmd->add_option("--from", restore->file, "Backup file written by orp backup")->required();
  rcmd->add_option("--db", restore->db,
                   "Target database URL: a SQLite path that does not exist yet, or an empty "
                   "PostgreSQL database")
      ->required();
  rcmd->add_option("--format", restore->format, "Output: table, json or csv")->default_val("table");
  rcmd->callback([restore, &env] { Run("restore", *restore, env, true); });
}

}  // namespace orp::cli
