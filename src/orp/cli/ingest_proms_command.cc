// orp ingest-proms --db URL FILE... [--source NAME] [--today DATE] [--dry-run]
//                  [--registries DIR] [--instruments DIR] [--format table|json|csv]
//
// Bulk PROM responses from other registries or paper scanning (proms/bulk.h): each file is
// validated (row, field and rule findings; a bad row is rejected whole) and its valid rows are
// stored in one transaction, source "bulk:NAME" (default the file name). A response already
// stored for the same procedure, instrument and time point is counted as a duplicate, so a
// resubmitted file changes nothing. Output: counts per file, then the findings.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/proms_paths.h"
#include "orp/cli/table.h"
#include "orp/proms/bulk.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

constexpr std::string_view kIngestProms = "ingest-proms";

struct Flags {
  std::string db, source, today, registries, instruments, format = "table";
  std::vector<std::string> files;
  bool dry_run = false;
};

proms::BulkReport IngestOne(const Flags& f, const std::string& file,
                            const proms::InstrumentSet& instruments, Date today,
                            storage::Store* store) {
  std::ifstream in(file, std::ios::binary);
  if (!in) Fail(kIngestProms, Error(ErrorCode::kNotFound, fmt::format("{}: cannot open", file)));
  auto parsed = proms::ParseBulkResponses(in, instruments, today);
  if (!parsed) Fail(kIngestProms, parsed.error().WithContext(file));
  if (store == nullptr) {  // --dry-run
    return {0, 0, parsed->rows - static_cast<int64_t>(parsed->responses.size()), parsed->findings};
  }
  const std::string source =
      f.source.empty() ? std::filesystem::path(file).filename().string() : f.source;
  return ValueOrFail(kIngestProms, proms::StoreBulkResponses(*store, instruments, *parsed, source));
}

void Print(const std::vector<std::pair<std::string, proms::BulkReport>>& reports,
           OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& [file, r] : reports) {
      nlohmann::ordered_json findings = nlohmann::ordered_json::array();
      for (const auto& x : r.findings) {
        findings.push_back({{"row", x.row},
                            {"procedure_ref", x.procedure_ref},
                            {"field", x.field},
                            {"rule", x.rule},
                            {"message", x.message}});
      }
      j.push_back({{"file", file},
                   {"stored", r.stored},
                   {"duplicates", r.duplicates},
                   {"rejected", r.rejected},
                   {"findings", findings}});
    }
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  Table table({"file", "row", "procedure_ref", "field", "rule", "message"});
  for (const auto& [file, r] : reports) {
    table.AddRow(
        {file, "", "", "", "summary",
         fmt::format("{} stored, {} duplicates, {} rejected", r.stored, r.duplicates, r.rejected)});
    for (const auto& x : r.findings) {
      table.AddRow({file, std::to_string(x.row), x.procedure_ref, x.field, x.rule, x.message});
    }
  }
  std::fputs((format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText()).c_str(),
             stdout);
}

void Run(const Flags& f, const Environment& env) {
  const OutputFormat format = ValueOrFail(kIngestProms, ParseOutputFormat(f.format));
  const auto instruments = LoadPromsInstruments(kIngestProms, f.instruments, f.registries);
  const Date today = f.today.empty()
                         ? std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
                         : ValueOrFail(kIngestProms, ParseIsoDate(f.today));
  std::unique_ptr<storage::Store> store;
  if (!f.dry_run) store = OpenStoreOrFail(kIngestProms, env, f.db);
  std::vector<std::pair<std::string, proms::BulkReport>> reports;
  for (const std::string& file : f.files) {
    reports.emplace_back(file, IngestOne(f, file, instruments, today, store.get()));
  }
  Print(reports, format);
}

}  // namespace

void AddIngestPromsCommand(CLI::App& app, const Environment& env) {
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("ingest-proms", "Load bulk PROM responses (CSV)");
  cmd->add_option("files", f->files, "CSV files of responses")->required();
  cmd->add_option("--db", f->db, "Database URL");
  cmd->add_option("--source", f->source, "Who sent them (default the file name)");
  cmd->add_option("--today", f->today, "Reject completion dates after this day");
  cmd->add_flag("--dry-run", f->dry_run, "Validate only; open no database");
  cmd->add_option("--registries", f->registries, "Registry definitions directory");
  cmd->add_option("--instruments", f->instruments, "Instrument definitions directory");
  cmd->add_option("--format", f->format, "table, json or csv");
  cmd->callback([f, &env] {
    if (f->db.empty() && !f->dry_run) {
      Fail(kIngestProms, Error(ErrorCode::kInvalidArgument, "--db is required unless --dry-run"));
    }
    Run(*f, env);
  });
}

}  // namespace orp::cli
