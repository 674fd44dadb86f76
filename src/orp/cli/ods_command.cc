// orp ods load --db URL --file F --kind organisations|sites [--loaded-by NAME]
//              [--format table|json|csv]
//
// Loads an ODS reference data file (ingest/ods_file.h: the ODS standard CSV layout, e.g.
// etr.csv for NHS trusts, ets.csv for their sites; organisations before their sites). Ingest
// then warns about unknown site codes and sites closed (or not yet open) on the procedure date,
// and `--as` checks site ownership against it. A file with a bad line is refused whole.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/ingest/ods_file.h"

namespace orp::cli {
namespace {

struct OdsOptions {
  std::string db;
  std::string file;
  std::string kind;
  std::string loaded_by = "operator";
  std::string format = "table";
};

void RunLoad(const OdsOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "ods load";
  const OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  const storage::OdsKind kind =
      o.kind == "sites" ? storage::OdsKind::kSite : storage::OdsKind::kOrganisation;
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(kCommand, env, o.db);
  ingest::OdsLoadReport report =
      ValueOrFail(kCommand, ingest::LoadOdsFile(*store, o.file, kind, o.loaded_by));
  if (!report.findings.empty()) {
    for (const domain::Finding& f : report.findings) {
      fmt::print(stderr, "line {}: {} ({}): {}\n", f.row, f.rule, f.field, f.message);
    }
    Fail(kCommand,
         Error(ErrorCode::kInvalidArgument, fmt::format("{}: {} bad line(s); nothing was loaded",
                                                        o.file, report.findings.size())));
  }
  if (format == OutputFormat::kJson) {
    fmt::print("{}\n", nlohmann::ordered_json{{"kind", o.kind},
                                              {"records", report.records},
                                              {"source_sha256", report.source_sha256}}
                           .dump());
    return;
  }
  Table table({"kind", "records", "source_sha256"});
  table.AddRow({o.kind, std::to_string(report.records), report.source_sha256});
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

}  // namespace

void AddOdsCommand(CLI::App& app, const Environment& env) {
  CLI::App* cmd = app.add_subcommand("ods", "ODS reference data: organisations and sites.");
  cmd->require_subcommand(1);
  auto o = std::make_shared<OdsOptions>();
  CLI::App* load = cmd->add_subcommand(
      "load", "Load an ODS standard CSV file (organisations before their sites).");
  load->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://…")->required();
  load->add_option("--file", o->file, "ODS CSV file (e.g. etr.csv, ets.csv)")->required();
  load->add_option("--kind", o->kind, "What the file holds: organisations or sites")
      ->required()
      ->check(CLI::IsMember({"organisations", "sites"}));
  load->add_option("--loaded-by", o->loaded_by, "Who loads the file (audited)");
  load->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  load->callback([o, &env] { RunLoad(*o, env); });
}

}  // namespace orp::cli
