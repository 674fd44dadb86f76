// orp recall preview --db URL (--gtin G | --catalogue-number R)... [--lot L]...
//                    [--serial-from A --serial-to B [--serial-order natural|text]]
//                    [--expiry-from D --expiry-to D] [--produced-from D --produced-to D]
//                    [--implanted-from D --implanted-to D] [--criteria JSON|@FILE]
//                    [--in-situ-only] [--identifiable --purpose TEXT [--key-file F]]
//                    [--limit N] [--format table|json|csv] [--threads N]
//
// The affected cohort of a recall's criteria. Table: counts per most recent provider and
// overall, then the first --limit implants. CSV: every implant, streamed (one row per implant,
// written as it is read). JSON: the implants streamed, then the counts. Implants are listed by
// patient (internal patient id, then implant id), a patient's implants together: the order the
// store reads fastest (recall::ForEachAffectedByPatient). --threads N reads it in N parts on N
// connections at once (default 1: on two cores the parts cost about 45% more CPU than one
// connection, docs/performance.md "## Recall", Session 6). Patients appear as pseudonyms;
// --identifiable shows NHS numbers instead, after writing the access and its purpose to the audit
// log. Campaigns: recall_campaign_command.cc.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/recall_options.h"
#include "orp/cli/table.h"
#include "orp/core/csv.h"
#include "orp/recall/cohort.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

constexpr std::string_view kRecallPreview = "recall preview";

struct PreviewOptions {
  std::string db;
  CriteriaFlags criteria;
  bool in_situ_only = false;
  bool identifiable = false;
  std::string purpose;
  std::string key_file;
  int limit = 50;
  std::string format = "table";
  int threads = 1;  // connections read at once (0: one per core, up to 4)
};

const std::vector<std::string> kColumns = {"implant",
                                           "device_id",
                                           "lot",
                                           "serial",
                                           "expiry",
                                           "in_situ",
                                           "removed_on",
                                           "registry",
                                           "procedure_ref",
                                           "implanted_on",
                                           "implanting_site",
                                           "patient",
                                           "date_of_death",
                                           "provider",
                                           "latest_site",
                                           "latest_procedure_on"};

std::string OptionalDay(const std::optional<Date>& d) { return d ? FormatIsoDate(*d) : ""; }

std::vector<std::string> Cells(const recall::AffectedImplant& a, const std::string& patient) {
  const storage::RecallImplantRow& r = a.row;
  return {std::to_string(r.implant.value),
          r.device_id,
          r.lot,
          r.serial,
          OptionalDay(r.expiry),
          r.in_situ ? "yes" : "no",
          OptionalDay(r.removed_on),
          r.registry,
          r.procedure_ref,
          FormatIsoDate(r.implanted_on),
          r.implanting_site,
          patient,
          OptionalDay(r.date_of_death),
          a.provider,
          r.latest_site,
          FormatIsoDate(r.latest_procedure_on)};
}

void AppendDay(std::string& out, const std::optional<Date>& day) {
  if (!day) return;
  const std::chrono::year_month_day d = *day;
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                 static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

// The CSV line of one implant, the same cells as Cells() in the same order, written straight
// into the output from the row: a whole model is 100k lines, and building sixteen strings and a
// vector per line was a third of the command's user time (docs/performance.md "## Recall").
void AppendCsvLine(std::string& out, const recall::AffectedImplant& a, std::string_view patient) {
  const storage::RecallImplantRow& r = a.row;
  auto cell = [&out](std::string_view text) {
    AppendCsvField(out, text);
    out += ',';
  };
  auto day = [&out](const std::optional<Date>& d) {
    AppendDay(out, d);
    out += ',';
  };
  fmt::format_to(std::back_inserter(out), "{},", r.implant.value);
  cell(r.device_id);
  cell(r.lot);
  cell(r.serial);
  day(r.expiry);
  cell(r.in_situ ? "yes" : "no");
  day(r.removed_on);
  cell(r.registry);
  cell(r.procedure_ref);
  day(r.implanted_on);
  cell(r.implanting_site);
  cell(patient);
  day(r.date_of_death);
  cell(a.provider);
  cell(r.latest_site);
  AppendDay(out, r.latest_procedure_on);
  out += '\n';
}

// Output buffered in 64 KiB pieces, so a 100k-implant CSV streams without holding it.
class Out {
 public:
  ~Out() { Flush(); }
  std::string& buffer() { return buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= (1 << 16)) Flush();
  }
  void Flush() {
    std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

nlohmann::ordered_json CountsJson(const recall::CohortCounts& c) {
  return {{"implants", c.implants},
          {"in_situ", c.in_situ},
          {"patients", c.patients},
          {"patients_in_situ", c.patients_in_situ},
          {"deceased", c.deceased}};
}

void PrintSummaryTable(const recall::CohortSummary& summary) {
  Table table({"provider", "implants", "in_situ", "patients", "patients_in_situ", "deceased"});
  auto add = [&](const std::string& name, const recall::CohortCounts& c) {
    table.AddRow({name, std::to_string(c.implants), std::to_string(c.in_situ),
                  std::to_string(c.patients), std::to_string(c.patients_in_situ),
                  std::to_string(c.deceased)});
  };
  for (const auto& [provider, counts] : summary.by_provider()) add(provider, counts);
  add("ALL", summary.overall());
  fmt::print("{}", table.RenderText());
}

// The NHS numbers path: counts the patients first (for the audit entry), then audits.
std::optional<recall::Identifier> OpenIdentifier(storage::Store& store,
                                                 const security::Pseudonymiser& keys,
                                                 const PreviewOptions& o, const recall::Criteria& c,
                                                 const std::vector<std::string>& devices) {
  recall::CohortSummary summary;
  auto counted = recall::ForEachAffected(store, c, devices, 0, [&](const auto& a) {
    summary.Add(a);
    return true;
  });
  if (!counted) Fail(kRecallPreview, counted.error());
  std::string object = "recall-preview/";
  for (const auto& di : devices) object += (object.back() == '/' ? "" : ";") + di;
  return ValueOrFail(
      kRecallPreview,
      recall::Identifier::Open(
          store, keys, AuditChainAppender(), OperatorAccess(o.purpose), object,
          summary.overall().patients,
          std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
}

void RunPreview(const PreviewOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail(kRecallPreview, ParseOutputFormat(o.format));
  recall::Criteria criteria = CriteriaOrFail(kRecallPreview, o.criteria);
  if (o.identifiable && o.purpose.empty()) {
    Fail(kRecallPreview, Error(ErrorCode::kInvalidArgument,
                               "--identifiable needs --purpose (written to the audit log)"));
  }
  auto store = OpenStoreOrFail(kRecallPreview, env, o.db);
  std::vector<std::string> devices =
      ValueOrFail(kRecallPreview, recall::ResolveDevices(*store, criteria));
  std::optional<security::Pseudonymiser> keys;
  std::optional<recall::Identifier> identifier;
  if (o.identifiable) {
    std::string path = o.key_file;
    if (path.empty() && o.db.starts_with("sqlite:")) path = o.db.substr(7) + ".key";
    keys.emplace(ValueOrFail(kRecallPreview, security::Pseudonymiser::Open(path)));
    identifier = OpenIdentifier(*store, *keys, o, criteria, devices);
  }
  recall::CohortSummary summary;
  Out out;
  Table rows(kColumns);
  if (format == OutputFormat::kCsv) AppendCsvRow(out.buffer(), kColumns);
  if (format == OutputFormat::kJson) out.buffer() += "{\"implants\": [";
  int64_t written = 0;
  auto streamed = recall::ForEachAffectedByPatient(
      *store, criteria, devices,
      [&](const auto& a) {
        if (o.in_situ_only && !a.row.in_situ) return true;
        if (format != OutputFormat::kCsv) summary.Add(a);  // CSV has no counts
        std::string nhs_number;
        if (identifier)
          nhs_number = ValueOrFail(kRecallPreview, identifier->NhsNumberOf(a.row)).digits();
        const std::string& patient = identifier ? nhs_number : a.patient_ref;
        if (format == OutputFormat::kCsv) {
          AppendCsvLine(out.buffer(), a, patient);
        } else if (format == OutputFormat::kJson) {
          nlohmann::ordered_json object;
          auto cells = Cells(a, patient);
          for (size_t i = 0; i < kColumns.size(); ++i) object[kColumns[i]] = cells[i];
          out.buffer() += (written ? ",\n" : "\n") + object.dump();
        } else if (written < o.limit) {
          rows.AddRow(Cells(a, patient));
        }
        ++written;
        out.MaybeFlush();
        return true;
      },
      o.threads);
  if (!streamed) Fail(kRecallPreview, streamed.error());
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json providers = nlohmann::ordered_json::object();
    for (const auto& [name, counts] : summary.by_provider()) providers[name] = CountsJson(counts);
    out.buffer() += fmt::format("],\n\"overall\": {},\n\"by_provider\": {}}}\n",
                                CountsJson(summary.overall()).dump(), providers.dump());
  }
  out.Flush();
  if (format != OutputFormat::kTable) return;
  PrintSummaryTable(summary);
  if (rows.size() > 0) {
    fmt::print("\n{}", rows.RenderText());
    if (written > o.limit) fmt::print("… {} more (use --format csv for all)\n", written - o.limit);
  }
}

}  // namespace

void AddRecallCommand(CLI::App& app, const Environment& env) {
  CLI::App* recall = app.add_subcommand(
      "recall",
      "Recalls: the affected cohort of a field safety notice, and campaigns that track "
      "each patient.");
  recall->require_subcommand(1);
  auto o = std::make_shared<PreviewOptions>();
  CLI::App* preview = recall->add_subcommand(
      "preview", "Every implant a recall's criteria cover, counted per most recent provider.");
  preview->add_option("--db", o->db, "Database URL: sqlite:PATH")->required();
  AddCriteriaFlags(preview, o->criteria);
  preview->add_flag("--in-situ-only", o->in_situ_only, "Leave out implants already removed");
  preview->add_flag("--identifiable", o->identifiable,
                    "Show NHS numbers instead of pseudonyms (audited; needs --purpose)");
  preview->add_option("--purpose", o->purpose, "Why the NHS numbers are needed (audit log)");
  preview->add_option("--key-file", o->key_file, "Key file (default: PATH.key beside the db)");
  preview->add_option("--limit", o->limit, "Implants listed in the table output")->default_val(50);
  preview->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  preview
      ->add_option("--threads", o->threads,
                   "Connections that read the cohort at once (0: one per core, up to 4)")
      ->default_val(1)
      ->check(CLI::Range(0, 64));
  preview->callback([o, &env] { RunPreview(*o, env); });
  AddRecallCampaignCommands(*recall, env);
}

}  // namespace orp::cli
