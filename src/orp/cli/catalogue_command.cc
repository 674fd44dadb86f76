// `orp catalogue`: the device catalogue (docs/device-catalogue.md), from files or the store.
// File commands load the files they are given, in order (later files update earlier ones,
// keeping history), and answer from memory; import writes files into the store:
//   orp catalogue check FILE...                 what an import reads, adds and rejects
//   orp catalogue import --db URL FILE...       files into the store, one transaction per file
//   orp catalogue show DI --file FILE...        every version of one device model
//   orp catalogue show DI --db URL              ... as the store holds it
//   orp catalogue scan LABEL... (--file FILE... | --db URL) --date D [--registry R]
//                      [--field NAME=VALUE]...   scan-time checks of one procedure's devices,
//                      each label and the registry's compatibility rules over them together
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue_file.h"
#include "orp/catalogue/catalogue_store.h"
#include "orp/catalogue/procedure_scan.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/text.h"
#include "orp/domain/registry_loader.h"
#include "orp/udi/parse.h"

namespace orp::cli {
namespace {

struct CatalogueOptions {
  std::vector<std::string> files;
  std::string di;
  std::vector<std::string> labels;
  std::vector<std::string> fields;  // NAME=VALUE
  std::string registries_dir;
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
  Rows table{{"agency", "effective_from", "recorded_on", "manufacturer", "brand", "model", "ref",
              "type", "class", "registries", "status", "status_date", "fsn"}};
  for (const auto& m : history) {
    std::string registries;
    for (const auto& code : m.registries) registries += (registries.empty() ? "" : ";") + code;
    table.Add({std::string(domain::Name(catalogue::AgencyOf(m.di))),
               FormatIsoDate(m.effective_from), FormatIsoDate(m.recorded_on), m.manufacturer,
               m.brand, m.model, m.catalogue_number, m.device_type,
               std::string(catalogue::DeviceClassName(m.device_class)), registries,
               std::string(catalogue::MarketStatusName(m.market_status)),
               m.status_date ? FormatIsoDate(*m.status_date) : "", m.fsn_reference});
  }
  Print({{"versions", &table}}, format);
}

// The catalogue a scan is checked against: the files given, in order, or the store.
catalogue::Catalogue LoadForScan(const CatalogueOptions& o, const Environment& env) {
  if (o.files.empty() == o.db.empty()) {
    Fail("catalogue scan", Error(ErrorCode::kInvalidArgument, "give either --file or --db"));
  }
  catalogue::Catalogue loaded;
  if (o.db.empty()) {
    Load("catalogue scan", o.files, loaded);
  } else {
    auto store = OpenStoreOrFail("catalogue scan", env, o.db);
    ValueOrFail("catalogue scan", catalogue::LoadFromStore(*store, loaded));
  }
  return loaded;
}

// The registry's definition (for its compatibility rules), from --registries or the default
// lookup next to the executable.
const domain::RegistryDefinition* FindRegistry(const CatalogueOptions& o,
                                               domain::RegistrySet& set) {
  if (o.registry.empty()) return nullptr;
  std::filesystem::path dir = o.registries_dir;
  if (dir.empty()) {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    dir = ValueOrFail("catalogue scan", domain::FindRegistriesDirectory(ec ? "" : exe));
  }
  set = ValueOrFail("catalogue scan", domain::LoadRegistries(dir));
  const domain::RegistryDefinition* registry = set.Find(ToUpperAscii(o.registry));
  if (registry == nullptr) {
    Fail("catalogue scan",
         Error(ErrorCode::kInvalidArgument,
               fmt::format("--registry '{}' is not a registry ORP hosts", Printable(o.registry))));
  }
  return registry;
}

std::map<std::string, std::string, std::less<>> ParseFields(const CatalogueOptions& o) {
  std::map<std::string, std::string, std::less<>> fields;
  for (const std::string& pair : o.fields) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      Fail("catalogue scan",
           Error(ErrorCode::kInvalidArgument,
                 fmt::format("--field '{}' must be NAME=VALUE", Printable(pair))));
    }
    fields[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return fields;
}

void PrintScan(const std::vector<udi::ParsedUdi>& labels,
               const catalogue::ProcedureScanResult& result, OutputFormat format) {
  Rows devices{{"label", "di", "issuer", "lot", "serial", "expiry"}};
  Rows findings{{"label", "severity", "rule", "message"}};
  for (size_t i = 0; i < labels.size(); ++i) {
    const udi::ParsedUdi& scan = labels[i];
    devices.Add({std::to_string(i + 1), scan.di, std::string(udi::IssuerName(scan.issuer)),
                 scan.lot, scan.serial, scan.expiry ? FormatIsoDate(*scan.expiry) : ""});
    for (const auto& f : result.label_findings[i]) {
      findings.Add({std::to_string(i + 1), std::string(udi::SeverityName(f.severity)),
                    std::string(f.code), f.message});
    }
  }
  for (const auto& f : result.compatibility) {
    std::vector<std::string> numbers;
    for (size_t device : f.devices) numbers.push_back(std::to_string(device + 1));
    findings.Add({fmt::format("{}", fmt::join(numbers, ",")), std::string(domain::Name(f.severity)),
                  f.rule, f.message});
  }
  Rows rules{{"rule", "verdict", "reason"}};
  for (const auto& r : result.rules) {
    rules.Add({r.rule, std::string(catalogue::RuleVerdictName(r.verdict)), r.reason});
  }
  Print({{"devices", &devices}, {"findings", &findings}, {"rules", &rules}}, format);
}

void RunScan(const CatalogueOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("catalogue scan", ParseOutputFormat(o.format));
  catalogue::Catalogue loaded = LoadForScan(o, env);
  domain::RegistrySet registries;
  catalogue::ProcedureScanContext context;
  context.procedure_date =
      o.date.empty() ? TodayUtc() : ValueOrFail("catalogue scan", ParseIsoDate(o.date));
  context.registry = FindRegistry(o, registries);
  context.fields = ParseFields(o);
  std::vector<udi::ParsedUdi> labels;
  for (const std::string& text : o.labels) {
    labels.push_back(udi::ParseUdi(text, udi::ParseOptions{.today = context.procedure_date}));
  }
  catalogue::ProcedureScanResult result = catalogue::CheckProcedureScan(loaded, labels, context);
  PrintScan(labels, result, format);
  if (result.HasError()) {
    Fail("catalogue scan", Error(ErrorCode::kFailedPrecondition,
                                 "the devices must not be used as scanned: see the errors above"));
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
    "scan",
    "Check the labels scanned for one procedure against the catalogue and the registry's "
    "compatibility rules (exit 78 if the devices must not be used).");
scan->add_option("LABEL", o->labels, "The labels as scanned, one per device")->required();
scan->add_option("--file", o->files, "Catalogue files, applied in order");
scan->add_option("--db", o->db, "Use the store's catalogue instead of files: sqlite:PATH");
scan->add_option("--date", o->date, "Procedure date YYYY-MM-DD (default today)");
scan->add_option("--registry", o->registry,
                 "Registry of the procedure, e.g. BCIR: checks registry membership and its "
                 "compatibility rules");
scan->add_option("--field", o->fields,
                 "A procedure field a rule's condition reads, NAME=VALUE (e.g. laterality=B)");
scan->add_option("--registries", o->registries_dir, "Registry definitions directory");
scan->add_option("--format", o->format, "table | json | csv")->capture_default_str();
scan->callback([o, &env] { RunScan(*o, env); });
}  // namespace orp::cli

}  // namespace orp::cli
