// `orp catalogue`: the device catalogue (docs/device-catalogue.md), from files or the store.
// File commands load the files they are given, in order (later files update earlier ones,
// keeping history), and answer from memory; import writes files into the store:
//   orp catalogue check FILE...                 what an import reads, adds and rejects
//   orp catalogue import --db URL FILE...       files into the store, one transaction per file
//   orp catalogue show DI --file FILE...        every version of one device model
//   orp catalogue show DI --db URL              ... as the store holds it
//   orp catalogue scan LABEL --file FILE... --date D [--registry R]   scan-time checks
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue_file.h"
#include "orp/catalogue/catalogue_store.h"
#include "orp/catalogue/scan_check.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/udi/parse.h"

namespace orp::cli {
namespace {

struct CatalogueOptions {
  std::vector<std::string> files;
  std::string di;
  std::string label;
  std::string date;
  std::string registry;
  std::string db;
  std::string format = "table";
};

// Rows of cells printed as a table, CSV, or JSON (an array of objects keyed by column).
struct Rows {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> cells = {};

  void Add(std::vector<std::string> row) { cells.push_back(std::move(row)); }
  nlohmann::ordered_json ToJson() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& row : cells) {
      nlohmann::ordered_json object;
      for (size_t i = 0; i < headers.size(); ++i) object[headers[i]] = row[i];
      out.push_back(std::move(object));
    }
    return out;
  }
};

// Prints named sections: one JSON object holding each section, or each section's table in turn
// (a blank line between; empty sections after the first are left out).
void Print(const std::vector<std::pair<std::string, const Rows*>>& sections, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json out;
    for (const auto& [name, rows] : sections) out[name] = rows->ToJson();
    fmt::print("{}\n", out.dump(2));
    return;
  }
  for (size_t i = 0; i < sections.size(); ++i) {
    const Rows& rows = *sections[i].second;
    if (i > 0 && rows.cells.empty()) continue;
    Table table(rows.headers);
    for (const auto& row : rows.cells) table.AddRow(row);
    if (i > 0) fmt::print("\n");
    fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
  }
}

// Loads every file; returns one report per file (fails the command if a file is unusable).
std::vector<catalogue::ImportReport> Load(std::string_view command,
                                          const std::vector<std::string>& files,
                                          catalogue::Catalogue& out) {
  std::vector<catalogue::ImportReport> reports;
  for (const std::string& file : files) {
    auto report = catalogue::ImportCatalogueFile(file, TodayUtc(), out);
    if (!report) Fail(command, report.error().WithContext(file));
    reports.push_back(std::move(*report));
  }
  return reports;
}

// One summary row per file and one row per problem.
void PrintReports(const CatalogueOptions& o, const std::vector<catalogue::ImportReport>& reports,
                  OutputFormat format) {
  Rows summary{{"file", "format", "rows", "new_models", "new_versions", "unchanged", "rejected"}};
  Rows problems{{"file", "row", "column", "rule", "message"}};
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    summary.Add({o.files[i], r.format == catalogue::CatalogueFormat::kGudid ? "gudid" : "orp",
                 std::to_string(r.rows), std::to_string(r.new_models),
                 std::to_string(r.new_versions), std::to_string(r.unchanged),
                 std::to_string(r.rejected)});
    for (const auto& p : r.problems) {
      problems.Add({o.files[i], std::to_string(p.row), p.column, std::string(p.rule), p.message});
    }
  }
  Print({{"files", &summary}, {"problems", &problems}}, format);
}

void RunCheck(const CatalogueOptions& o) {
  OutputFormat format = ValueOrFail("catalogue check", ParseOutputFormat(o.format));
  catalogue::Catalogue loaded;
  PrintReports(o, Load("catalogue check", o.files, loaded), format);
}

// Each file in its own transaction: a file that fails leaves earlier files imported.
void RunImport(const CatalogueOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("catalogue import", ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail("catalogue import", env, o.db);
  std::vector<catalogue::ImportReport> reports;
  for (const std::string& file : o.files) {
    auto report = catalogue::ImportCatalogueIntoStore(file, TodayUtc(), *store);
    if (!report) Fail("catalogue import", report.error().WithContext(file));
    reports.push_back(std::move(*report));
  }
  PrintReports(o, reports, format);
}

void RunShow(const CatalogueOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("catalogue show", ParseOutputFormat(o.format));
  if (o.files.empty() == o.db.empty()) {
    Fail("catalogue show", Error(ErrorCode::kInvalidArgument, "give either --file or --db"));
  }
  std::string di = ValueOrFail("catalogue show", catalogue::NormaliseDi(o.di));
  catalogue::Catalogue loaded;
  std::vector<catalogue::DeviceModel> stored;
  std::span<const catalogue::DeviceModel> history;
  if (o.db.empty()) {
    Load("catalogue show", o.files, loaded);
    history = loaded.History(di);
  } else {
    auto store = OpenStoreOrFail("catalogue show", env, o.db);
    stored = ValueOrFail("catalogue show", catalogue::StoredHistory(*store, di));
    history = stored;
  }
  if (history.empty()) {
    Fail("catalogue show", Error(ErrorCode::kNotFound,
                                 fmt::format("device identifier {} is not in the catalogue", di)));
  }
  Rows table{{"effective_from", "recorded_on", "manufacturer", "brand", "model", "ref", "type",
              "class", "registries", "status", "status_date", "fsn"}};
  for (const auto& m : history) {
    std::string registries;
    for (const auto& code : m.registries) registries += (registries.empty() ? "" : ";") + code;
    table.Add({FormatIsoDate(m.effective_from), FormatIsoDate(m.recorded_on), m.manufacturer,
               m.brand, m.model, m.catalogue_number, m.device_type,
               std::string(catalogue::DeviceClassName(m.device_class)), registries,
               // The store does not keep market status yet (docs/device-catalogue.md §5).
               o.db.empty() ? std::string(catalogue::MarketStatusName(m.market_status)) : "",
               m.status_date ? FormatIsoDate(*m.status_date) : "", m.fsn_reference});
  }
  Print({{"versions", &table}}, format);
}

void RunScan(const CatalogueOptions& o) {
  OutputFormat format = ValueOrFail("catalogue scan", ParseOutputFormat(o.format));
  catalogue::Catalogue loaded;
  Load("catalogue scan", o.files, loaded);
  catalogue::ScanContext context;
  context.procedure_date =
      o.date.empty() ? TodayUtc() : ValueOrFail("catalogue scan", ParseIsoDate(o.date));
  context.registry = o.registry;
  udi::ParsedUdi scan = udi::ParseUdi(o.label, udi::ParseOptions{.today = context.procedure_date});
  std::vector<udi::Finding> findings = scan.findings;
  for (auto& f : catalogue::CheckScan(loaded, scan, context)) findings.push_back(std::move(f));
  Rows device{{"di", "issuer", "lot", "serial", "expiry"}};
  device.Add({scan.di, std::string(udi::IssuerName(scan.issuer)), scan.lot, scan.serial,
              scan.expiry ? FormatIsoDate(*scan.expiry) : ""});
  Rows table{{"severity", "rule", "message"}};
  for (const auto& f : findings) {
    table.Add({std::string(udi::SeverityName(f.severity)), std::string(f.code), f.message});
  }
  Print({{"device", &device}, {"findings", &table}}, format);
  for (const auto& f : findings) {
    if (f.severity == udi::Severity::kError) {
      Fail("catalogue scan", Error(ErrorCode::kFailedPrecondition,
                                   "the device must not be used: see the errors above"));
    }
  }
}

}  // namespace

void AddCatalogueCommand(CLI::App& app, const Environment& env) {
  CLI::App* cmd = app.add_subcommand(
      "catalogue", "The device catalogue: check files, show a model's history, check a scan.");
  cmd->require_subcommand(1);
  auto o = std::make_shared<CatalogueOptions>();
  CLI::App* check = cmd->add_subcommand(
      "check", "Read catalogue files (ORP or AccessGUDID format) and report rows added/rejected.");
  check->add_option("FILE", o->files, "Catalogue files, applied in order")->required();
  check->add_option("--format", o->format, "table | json | csv")->capture_default_str();
  check->callback([o] { RunCheck(*o); });
  CLI::App* import = cmd->add_subcommand(
      "import", "Write catalogue files into the store (re-import keeps history).");
  import->add_option("FILE", o->files, "Catalogue files, applied in order")->required();
  import->add_option("--db", o->db, "Database URL: sqlite:PATH or sqlite::memory:")->required();
  import->add_option("--format", o->format, "table | json | csv")->capture_default_str();
  import->callback([o, &env] { RunImport(*o, env);
});
CLI::App* show = cmd->add_subcommand("show", "Every version of one device model.");
show->add_option("DI", o->di, "GTIN or HIBCC DI")->required();
show->add_option("--file", o->files, "Catalogue files, applied in order");
show->add_option("--db", o->db, "Read the store instead of files: sqlite:PATH");
show->add_option("--format", o->format, "table | json | csv")->capture_default_str();
show->callback([o, &env] { RunShow(*o, env); });
CLI::App* scan = cmd->add_subcommand(
    "scan", "Parse a label and check it against the catalogue (exit 78 if it must not be used).");
scan->add_option("LABEL", o->label, "The label as scanned")->required();
scan->add_option("--file", o->files, "Catalogue files, applied in order")->required();
scan->add_option("--date", o->date, "Procedure date YYYY-MM-DD (default today)");
scan->add_option("--registry", o->registry, "Registry of the procedure, e.g. BCIR");
scan->add_option("--format", o->format, "table | json | csv")->capture_default_str();
scan->callback([o] { RunScan(*o); });
}  // namespace orp::cli

}  // namespace orp::cli
