// orp ingest --db URL [--as ODS] [--registry CODE] [--dry-run] [--all-or-nothing]
//            [--bulk | --no-bulk] [--bulk-ratio R] [--idempotency-key K] [--catalogue FILE]
//            [--key-file F] [--definitions DIR]
//            [--format table|json|csv] FILE...
// orp ingest-deaths --db URL [--key-file F] [--idempotency-key K] [--dry-run] [--format ...] FILE
//
// Loads submission files through orp::ingest (one submission per file) and prints each receipt.
// Exit 0 when anything valid was accepted (or on a dry run), 1 when nothing was.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "orp/catalogue/catalogue_file.h"
#include "orp/catalogue/catalogue_store.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/recall_options.h"
#include "orp/cli/startup.h"
#include "orp/cli/surveillance_hook.h"
#include "orp/cli/table.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/pipeline.h"

namespace orp::cli {
namespace {

struct IngestCliOptions {
  std::string db;
  std::string as_ods;
  std::string registry;
  bool dry_run = false;
  bool all_or_nothing = false;
  std::string idempotency_key;
  std::string catalogue;
  std::string key_file;
  std::string definitions;
  std::string format = "table";
  std::vector<std::string> files;
  bool surveil = false;  // an incremental surveillance run after accepting (#7)
  bool bulk = false;     // --bulk: always a bulk load (#4, ADR 0009)
  bool no_bulk = false;  // --no-bulk: never
  double bulk_ratio = 0.5;
};

void PrintReceipts(const std::vector<std::pair<std::string, ingest::Receipt>>& receipts,
                   OutputFormat format) {
  if (format == OutputFormat::kJson) {
    if (receipts.size() == 1) {
      fmt::print("{}\n", receipts.front().second.json);
      return;
    }
    std::string out = "[";
    for (size_t i = 0; i < receipts.size(); ++i) {
      out += (i ? ",\n" : "") + receipts[i].second.json;
    }
    fmt::print("{}]\n", out);
    return;
  }
  Table summary({"file", "submission", "status", "received", "accepted", "rejected"});
  Table findings({"file", "row", "procedure_ref", "field", "rule", "severity", "message"});
  for (const auto& [file, r] : receipts) {
    summary.AddRow({file, r.submission_id ? std::to_string(r.submission_id->value) : "-", r.status,
                    std::to_string(r.received), std::to_string(r.accepted),
                    std::to_string(r.rejected)});
    for (const auto& f : r.findings) {
      findings.AddRow({file, std::to_string(f.row), f.procedure_ref, f.field, f.rule,
                       std::string(domain::Name(f.severity)), f.message});
    }
  }
  if (format == OutputFormat::kCsv) {
    fmt::print("{}", summary.RenderCsv());
    if (findings.size() > 0) fmt::print("\n{}", findings.RenderCsv());
    return;
  }
  fmt::print("{}", summary.RenderText());
  if (findings.size() > 0) fmt::print("\n{}", findings.RenderText());
}

// Exit 1 unless something valid was accepted (a duplicate counts by its first outcome).
void FailUnlessAccepted(std::string_view command, bool dry_run,
                        const std::vector<std::pair<std::string, ingest::Receipt>>& receipts) {
  if (dry_run) return;
  for (const auto& [file, r] : receipts) {
    if (r.accepted > 0) return;
  }
  std::string message = "nothing valid was accepted; see the findings";
  fmt::print(stderr, "orp {}: {}\n", command, message);
  throw CommandFailed(1, message);
}

std::function<void(int64_t)> ProgressLine(const std::string& file) {
  if (!isatty(fileno(stderr))) return nullptr;
  return [file](int64_t n) { fmt::print(stderr, "\r{}: {} procedures read", file, n); };
}

void RunIngest(const IngestCliOptions& o, const Environment& env) {
  const std::string_view cmd = "ingest";
  OutputFormat format = ValueOrFail(cmd, ParseOutputFormat(o.format));
  catalogue::Catalogue catalogue;
  if (!o.catalogue.empty()) {
    // A catalogue file states what holds for each model unless a row gives its own dates.
    ValueOrFail(cmd, catalogue::ImportCatalogueFile(
                         o.catalogue, Date{std::chrono::year{1900} / 1 / 1}, catalogue));
  }
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(cmd, env, o.db);
  // Without --catalogue, the catalogue imported into the store (orp catalogue import) is used;
  // a store without one leaves the catalogue checks off, as before.
  bool use_catalogue =
      !o.catalogue.empty() || ValueOrFail(cmd, catalogue::LoadFromStore(*store, catalogue)) > 0;
  ingest::ValidatorOptions options;
  options.catalogue = use_catalogue ? &catalogue : nullptr;
  options.registry = o.registry;
  if (!o.as_ods.empty()) options.as_ods = ValueOrFail(cmd, domain::OdsCode::Parse(o.as_ods));
  ingest::Validator validator =
      ValueOrFail(cmd, ingest::Validator::Create(LoadDefinitions(cmd, o.definitions), options));
  security::Pseudonymiser keys = OpenKeys(cmd, o.db, o.key_file);
  std::vector<std::pair<std::string, ingest::Receipt>> receipts;
  const int64_t changes_before = o.surveil ? ValueOrFail(cmd, store->LastChange()) : 0;
  for (size_t i = 0; i < o.files.size(); ++i) {
    ingest::IngestOptions run;
    run.dry_run = o.dry_run;
    run.all_or_nothing = o.all_or_nothing;
    run.bulk = o.bulk      ? ingest::BulkLoad::kAlways
               : o.no_bulk ? ingest::BulkLoad::kNever
                           : ingest::BulkLoad::kAuto;
    run.bulk_ratio = o.bulk_ratio;
    // A command owns the store while it loads: into an empty store, a rollback journal (ADR 0011;
    // SQLite falls back to the WAL when another process, a server, has the file open).
    run.exclusive = true;
    run.submitter = o.as_ods.empty() ? "operator" : o.as_ods;
    if (!o.idempotency_key.empty()) {
      run.idempotency_key =
          o.files.size() == 1 ? o.idempotency_key : fmt::format("{}#{}", o.idempotency_key, i + 1);
    }
    run.progress = ProgressLine(o.files[i]);
    ingest::Receipt r =
        ValueOrFail(cmd, ingest::IngestFile(*store, validator, keys, o.files[i], run));
    if (run.progress) fmt::print(stderr, "\n");
    receipts.emplace_back(o.files[i], std::move(r));
  }
  // New procedures that match an open recall join it (recall/campaign.h SyncOpenRecalls).
  if (!o.dry_run) SyncRecallsAfterIngest(cmd, *store);
  if (o.surveil && !o.dry_run) SurveilAfterIngest(cmd, *store, changes_before);
  PrintReceipts(receipts, format);
  FailUnlessAccepted(cmd, o.dry_run, receipts);
}

void RunIngestDeaths(const IngestCliOptions& o, const Environment& env) {
  const std::string_view cmd = "ingest-deaths";
  OutputFormat format = ValueOrFail(cmd, ParseOutputFormat(o.format));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(cmd, env, o.db);
  security::Pseudonymiser keys = OpenKeys(cmd, o.db, o.key_file);
  ingest::IngestOptions run;
  run.dry_run = o.dry_run;
  run.idempotency_key = o.idempotency_key;
  run.submitter = "deaths-feed";
  std::vector<std::pair<std::string, ingest::Receipt>> receipts;
  receipts.emplace_back(o.files.front(), ValueOrFail(cmd, ingest::IngestDeathsFile(
                                                              *store, keys, o.files.front(), run)));
  PrintReceipts(receipts, format);
  FailUnlessAccepted(cmd, o.dry_run, receipts);
}

void AddCommonOptions(CLI::App* cmd, IngestCliOptions& o) {
  cmd->add_option("--db", o.db, "Database URL: sqlite:PATH or sqlite::memory:")->required();
  cmd->add_option("--key-file", o.key_file,
                  "Pseudonymisation key file (default: PATH.key beside a sqlite:PATH database)");
  cmd->add_option("--idempotency-key", o.idempotency_key,
                  "Submission key (default: the SHA-256 of the file); a repeat writes nothing");
  cmd->add_flag("--dry-run", o.dry_run, "Validate and report without writing");
  cmd->add_option("--format", o.format, "Output: table, json or csv")->default_val("table");
}

}  // namespace

void AddIngestCommand(CLI::App& app, const Environment& env) {
  auto o = std::make_shared<IngestCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Validate submission files (CSV or NDJSON) and load them into the registry.");
  AddCommonOptions(cmd, *o);
  cmd->add_option("--as", o->as_ods, "Check as this provider's own submission (ODS code)");
  cmd->add_option("--registry", o->registry, "Accept only procedures of this registry");
  cmd->add_flag("--all-or-nothing", o->all_or_nothing,
                "Reject the whole file if any procedure has an error");
  cmd->add_option(
      "--catalogue", o->catalogue,
      "Device catalogue file for the catalogue checks (default: the store's catalogue)");
  cmd->add_option("--definitions", o->definitions, "Registry definitions directory");
  cmd->add_flag("--surveil", o->surveil,
                "After accepting, run surveillance for the units the submission touched");
  CLI::Option* bulk = cmd->add_flag(
      "--bulk", o->bulk,
      "Load in bulk: build the indexes ingest does not read once, at the end of the transaction "
      "(into a store without procedures that no other process has open, it also holds the file "
      "until it commits, writing each page once)");
  cmd->add_flag("--no-bulk", o->no_bulk, "Never load in bulk (keep every index while writing)")
      ->excludes(bulk);
  cmd->add_option("--bulk-ratio", o->bulk_ratio,
                  "Without either: load in bulk when the file holds at least this fraction of "
                  "the procedures stored (and about 20,000 or more)")
      ->default_val(0.5)
      ->check(CLI::PositiveNumber);
  cmd->add_option("files", o->files, "Submission files (.csv, .ndjson)")->required();
  cmd->callback([o, &env] { RunIngest(*o, env); });

  auto d = std::make_shared<IngestCliOptions>();
  CLI::App* deaths = app.add_subcommand(
      "ingest-deaths", "Load a deaths feed (nhs_number,date_of_death): closes follow-up.");
  AddCommonOptions(deaths, *d);
  deaths->add_option("file", d->files, "Deaths feed CSV")->required()->expected(1);
  deaths->callback([d, &env] { RunIngestDeaths(*d, env); });
}

}  // namespace orp::cli
