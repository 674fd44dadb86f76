// Recall campaigns (recall/campaign.h):
//   orp recall create --db URL --reference R --fsn F [--title T] <criteria flags>
//   orp recall list   --db URL [--format table|json|csv]
//   orp recall show   --db URL REF [--provider ODS] [--report] [--format table|json|csv]
//   orp recall update --db URL REF --patient HEX [--contacted D --channel C [--result T]]
//                     [--reviewed D] [--outcome no-action|monitoring|explanted [--on D]]
//   orp recall update --db URL REF --close | --reopen
//   orp recall sync   --db URL      (joins submissions that match an open recall)
// show prints counts per provider and overall, then each patient (pseudonym) with stage and
// outcome; --report prints the regulator's report (counts only) as CSV or JSON. Every change is
// written to the audit log.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/recall_options.h"
#include "orp/cli/table.h"
#include "orp/recall/campaign.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

struct CampaignOptions {
  std::string db;
  std::string reference;
  std::string fsn;
  std::string title;
  CriteriaFlags criteria;
  std::string patient;
  std::string provider;
  std::string contacted, channel, result, reviewed, outcome, on;
  bool close = false, reopen = false, report = false;
  std::string format = "table";
};

domain::Instant Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::optional<Date> DateOrFail(std::string_view cmd, const std::string& text,
                               std::string_view flag) {
  if (text.empty()) return std::nullopt;
  auto date = ParseIsoDate(text);
  if (!date) Fail(cmd, date.error().WithContext(std::string(flag)));
  return *date;
}

std::vector<std::string> CountCells(std::string_view name, const recall::StageCounts& c) {
  return {std::string(name),
          std::to_string(c.patients),
          std::to_string(c.identified),
          std::to_string(c.contacted),
          std::to_string(c.reviewed),
          std::to_string(c.concluded),
          std::to_string(c.no_action),
          std::to_string(c.monitoring),
          std::to_string(c.explanted),
          std::to_string(c.contact_attempts)};
}

void RunCreate(const CampaignOptions& o, const Environment& env) {
  constexpr std::string_view cmd = "recall create";
  recall::CreateRequest request{o.reference, o.fsn, o.title, CriteriaOrFail(cmd, o.criteria)};
  auto store = OpenStoreOrFail(cmd, env, o.db);
  storage::Recall recall = ValueOrFail(
      cmd,
      recall::CreateCampaign(*store, request, AuditChainAppender(), OperatorAccess(""), Now()));
  auto view = ValueOrFail(cmd, recall::LoadCampaign(*store, recall.reference));
  fmt::print("recall {} created: {} patients identified\n", recall.reference,
             view.overall.patients);
}

void RunList(const CampaignOptions& o, const Environment& env) {
  constexpr std::string_view cmd = "recall list";
  OutputFormat format = ValueOrFail(cmd, ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail(cmd, env, o.db);
  std::vector<std::vector<std::string>> rows;
  for (const storage::Recall& r : ValueOrFail(cmd, store->ListRecalls())) {
    auto view = ValueOrFail(cmd, recall::LoadCampaign(*store, r.reference));
    rows.push_back({r.reference, r.fsn_reference, r.title, std::string(storage::Name(r.status)),
                    std::to_string(view.overall.patients), std::to_string(view.overall.concluded),
                    r.created_by});
  }
  PrintRows(
      {"reference", "fsn_reference", "title", "status", "patients", "concluded", "created_by"},
      rows, format);
}

void RunShow(const CampaignOptions& o, const Environment& env) {
  constexpr std::string_view cmd = "recall show";
  OutputFormat format = ValueOrFail(cmd, ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail(cmd, env, o.db);
  auto view = ValueOrFail(cmd, recall::LoadCampaign(*store, o.reference, o.provider));
  if (o.report) {
    fmt::print("{}", format == OutputFormat::kJson ? recall::RegulatorReportJson(view) + "\n"
                                                   : recall::RegulatorReportCsv(view));
    return;
  }
  std::vector<std::vector<std::string>> counts;
  for (const auto& [provider, c] : view.by_provider) counts.push_back(CountCells(provider, c));
  counts.push_back(CountCells("ALL", view.overall));
  PrintRows({"provider", "patients", "identified", "contacted", "reviewed", "concluded",
             "no_action", "monitoring", "explanted", "contact_attempts"},
            counts, format);
  std::vector<std::vector<std::string>> patients;
  for (size_t i = 0; i < view.patients.size(); ++i) {
    const storage::RecallPatient& p = view.patients[i];
    auto day = [](const std::optional<Date>& d) { return d ? FormatIsoDate(*d) : ""; };
    patients.push_back({view.patient_refs[i], p.provider, std::string(storage::Name(p.stage)),
                        std::string(storage::Name(p.outcome)),
                        p.explant_procedure ? std::to_string(p.explant_procedure->value) : "",
                        day(p.reviewed_on), day(p.concluded_on), p.joined_by});
  }
  if (format != OutputFormat::kJson) fmt::print("\n");
  PrintRows({"patient", "provider", "stage", "outcome", "explant_procedure", "reviewed_on",
             "concluded_on", "joined_by"},
            patients, format);
}

void RunUpdate(const CampaignOptions& o, const Environment& env) {
  constexpr std::string_view cmd = "recall update";
  auto store = OpenStoreOrFail(cmd, env, o.db);
  if (o.close || o.reopen) {
    auto status = o.close ? storage::RecallStatus::kClosed : storage::RecallStatus::kOpen;
    ValueOrFail(cmd, recall::SetRecallStatus(*store, o.reference, status, AuditChainAppender(),
                                             OperatorAccess(""), Now()));
    fmt::print("recall {} {}\n", o.reference, storage::Name(status));
    return;
  }
  if (o.patient.empty()) {
    Fail(cmd, Error(ErrorCode::kInvalidArgument, "give --patient, or --close / --reopen"));
  }
  recall::PatientUpdate u;
  u.contacted_on = DateOrFail(cmd, o.contacted, "--contacted");
  u.channel = o.channel;
  u.contact_result = o.result;
  u.reviewed_on = DateOrFail(cmd, o.reviewed, "--reviewed");
  if (!o.outcome.empty()) u.outcome = ValueOrFail(cmd, storage::ParseRecallOutcome(o.outcome));
  u.outcome_on = DateOrFail(cmd, o.on, "--on");
  auto p = ValueOrFail(cmd, recall::UpdatePatient(*store, o.reference, o.patient, u,
                                                  AuditChainAppender(), OperatorAccess(""), Now()));
  fmt::print("patient {}: {}{}{}\n", o.patient, storage::Name(p.stage),
             p.outcome == storage::RecallOutcome::kNone ? "" : ", ", storage::Name(p.outcome));
}

void RunSync(const CampaignOptions& o, const Environment& env) {
  constexpr std::string_view cmd = "recall sync";
  OutputFormat format = ValueOrFail(cmd, ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail(cmd, env, o.db);
  auto report = ValueOrFail(cmd, recall::SyncOpenRecalls(*store, AuditChainAppender(), Now()));
  std::vector<std::vector<std::string>> rows;
  for (const auto& j : report.joined) {
    rows.push_back({j.recall, j.provider, std::to_string(j.patients), std::to_string(j.implants)});
  }
  PrintRows({"recall", "provider", "new_patients", "implants"}, rows, format);
  if (format == OutputFormat::kTable) {
    fmt::print("explants linked: {}\n", report.explants_linked);
  }
}

CLI::App* Sub(CLI::App& recall, const char* name, const char* help, CampaignOptions& o) {
  CLI::App* cmd = recall.add_subcommand(name, help);
  cmd->add_option("--db", o.db, "Database URL: sqlite:PATH")->required();
  cmd->add_option("--format", o.format, "Output: table, json or csv")->default_val("table");
  return cmd;
}

}  // namespace

void AddRecallCampaignCommands(CLI::App& recall, const Environment& env) {
  auto o = std::make_shared<CampaignOptions>();
  CLI::App* create = Sub(recall, "create", "Create a recall campaign from criteria.", *o);
  create->add_option("--reference", o->reference, "The campaign's reference (unique)")->required();
  create->add_option("--fsn", o->fsn, "The field safety notice reference")->required();
  create->add_option("--title", o->title, "A short title");
  AddCriteriaFlags(create, o->criteria);
  create->callback([o, &env] { RunCreate(*o, env); });

  Sub(recall, "list", "List recall campaigns.", *o)->callback([o, &env] { RunList(*o, env); });

  CLI::App* show = Sub(recall, "show", "A campaign: counts per provider, then each patient.", *o);
  show->add_option("reference", o->reference, "The campaign's reference")->required();
  show->add_option("--provider", o->provider, "Only this provider's patients (ODS code)");
  show->add_flag("--report", o->report, "The regulator's report (counts only; csv or json)");
  show->callback([o, &env] { RunShow(*o, env); });

  CLI::App* update = Sub(recall, "update", "Record a contact, review or outcome.", *o);
  update->add_option("reference", o->reference, "The campaign's reference")->required();
  update->add_option("--patient", o->patient, "The patient's pseudonym (hex), as show lists");
  update->add_option("--contacted", o->contacted, "A contact attempt on this day (YYYY-MM-DD)");
  update->add_option("--channel", o->channel, "letter, phone, email, clinic, …");
  update->add_option("--result", o->result, "What came of the attempt (no identifiers)");
  update->add_option("--reviewed", o->reviewed, "Reviewed on this day");
  update->add_option("--outcome", o->outcome, "no-action, monitoring or explanted");
  update->add_option("--on", o->on, "Day of the outcome (default today)");
  update->add_flag("--close", o->close, "Close the campaign (no more automatic joins)");
  update->add_flag("--reopen", o->reopen, "Reopen a closed campaign");
  update->callback([o, &env] { RunUpdate(*o, env); });

  Sub(recall, "sync", "Add new submissions that match an open recall (run after ingest).", *o)
      ->callback([o, &env] { RunSync(*o, env); });
}

}  // namespace orp::cli
