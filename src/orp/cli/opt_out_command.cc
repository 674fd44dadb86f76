// orp opt-out load --db URL --file F [--key-file K] [--loaded-by NAME] [--format table|json|csv]
// orp opt-out status --db URL [--format table|json|csv]
//
// Loads the national data opt-out list (ingest/opt_out_file.h): the NHS numbers become keyed
// pseudonyms before they reach the store, the list replaces the previous one, stored patients
// are flagged or cleared, and ingest then applies each registry's legal basis to listed patients
// (docs/registry-definitions.md). A file with a bad line is refused whole (exit 1, the lines
// listed without their text).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/date.h"
#include "orp/ingest/opt_out_file.h"

namespace orp::cli {
namespace {

struct OptOutOptions {
  std::string db;
  std::string file;
  std::string key_file;
  std::string loaded_by = "operator";
  std::string format = "table";
};

// The key file: given, else beside a file database (PATH.key), as `orp ingest` finds it.
security::Pseudonymiser OpenOptOutKeys(std::string_view command, const OptOutOptions& o) {
  std::string path = o.key_file;
  if (path.empty() && o.db.starts_with("sqlite:") && o.db != "sqlite::memory:") {
    path = o.db.substr(7) + ".key";
  }
  if (path.empty()) {
    Fail(command, Error(ErrorCode::kInvalidArgument,
                        "--key-file is required: the list is stored as keyed pseudonyms"));
  }
  return ValueOrFail(command, security::Pseudonymiser::OpenOrCreate(path));
}

void Print(OutputFormat format, const std::vector<std::string>& headers,
           const std::vector<std::string>& values) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (size_t i = 0; i < headers.size(); ++i) j[headers[i]] = values[i];
    fmt::print("{}\n", j.dump());
    return;
  }
  Table table(headers);
  table.AddRow(values);
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

void RunLoad(const OptOutOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "opt-out load";
  const OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(kCommand, env, o.db);
  security::Pseudonymiser keys = OpenOptOutKeys(kCommand, o);
  ingest::OptOutLoadReport report =
      ValueOrFail(kCommand, ingest::LoadOptOutFile(*store, keys, o.file, o.loaded_by));
  if (!report.findings.empty()) {
    for (const domain::Finding& f : report.findings) {
      fmt::print(stderr, "{} ({}): {}\n", f.rule, f.field, f.message);
    }
    Fail(kCommand, Error(ErrorCode::kInvalidArgument,
                         fmt::format("{}: {} line(s) are not valid NHS numbers; nothing was "
                                     "loaded (a partial list would miss opted-out patients)",
                                     o.file, report.findings.size())));
  }
  Print(format, {"entries", "patients_flagged", "patients_cleared", "source_sha256"},
        {std::to_string(report.result.entries), std::to_string(report.result.patients_flagged),
         std::to_string(report.result.patients_cleared), report.source_sha256});
}

void RunStatus(const OptOutOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "opt-out status";
  const OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(kCommand, env, o.db);
  storage::OptOutListInfo info = ValueOrFail(kCommand, store->OptOutList());
  const storage::OptOutLoad last = info.last_load.value_or(storage::OptOutLoad{});
  Print(format, {"entries", "loaded_at", "loaded_by", "source_sha256"},
        {std::to_string(info.entries), info.last_load ? FormatIsoInstant(last.loaded_at) : "",
         last.loaded_by, last.source_sha256});
}

}  // namespace

void AddOptOutCommand(CLI::App& app, const Environment& env) {
  CLI::App* cmd = app.add_subcommand(
      "opt-out", "The national data opt-out list: load it, or show what is loaded.");
  cmd->require_subcommand(1);
  auto o = std::make_shared<OptOutOptions>();
  CLI::App* load = cmd->add_subcommand(
      "load", "Replace the opt-out list with a file of NHS numbers (stored as keyed hashes).");
  load->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://…")->required();
  load->add_option("--file", o->file, "One NHS number per line")->required();
  load->add_option("--key-file", o->key_file,
                   "Pseudonymisation key file (default: PATH.key beside a sqlite:PATH database)");
  load->add_option("--loaded-by", o->loaded_by, "Who loads the list (audited)");
  load->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  load->callback([o, &env] { RunLoad(*o, env); });

  auto s = std::make_shared<OptOutOptions>();
  CLI::App* status = cmd->add_subcommand("status", "Show the loaded list's size and last load.");
  status->add_option("--db", s->db, "Database URL")->required();
  status->add_option("--format", s->format, "Output: table, json or csv")->default_val("table");
  status->callback([s, &env] { RunStatus(*s, env); });
}

}  // namespace orp::cli
