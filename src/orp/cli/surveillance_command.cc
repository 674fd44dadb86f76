// orp surveillance run     --db URL [--data-cut DATE] [--benchmarks FILE] [--since-change N]
//                          [--resident] [method options]
//                          [--format table|json|csv]
// orp surveillance signals --db URL [--status S] [--registry R] [--format table|json|csv]
// orp surveillance review  --db URL --id N --status S [--reason TEXT]
// A run applies every surveillance method (surveillance/methods.h) to the registry in the store
// and records its signals; a signal seen before is updated, not duplicated. `signals` lists them
// with their evidence; `review` moves one along new -> under-review -> confirmed | dismissed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/surveillance_hook.h"
#include "orp/cli/table.h"
#include "orp/storage/store.h"
#include "orp/surveillance/resident.h"
#include "orp/surveillance/run.h"
#include "orp/surveillance/signal_json.h"

namespace orp::cli {
namespace {

using nlohmann::json;

struct SurveillanceOptions {
  std::string db;
  std::string db_read;  // run: read the cohort from this replica (ops, #10)
  std::string format = "table";
  std::string data_cut;
  std::string benchmarks;
  int64_t since_change = 0;
  double maxsprt_upper_limit = 20;
  double cusum_arl = 10000;
  std::string overdispersion = "none";
  std::string hospital_overdispersion = "additive";
  bool alerts = false;
  bool resident = false;
  std::string status;
  std::string registry;
  int64_t id = 0;
  std::string reason;
};

std::string Number(double x) { return std::isnan(x) ? "" : fmt::format("{:.4g}", x); }

void PrintSignals(const std::vector<storage::Signal>& signals, OutputFormat format, json header) {
  if (format == OutputFormat::kJson) {
    json list = json::array();
    for (const auto& s : signals) list.push_back(json(surveillance::SignalJson(s, true)));
    header["signals"] = std::move(list);
    fmt::print("{}\n", header.dump(2));
    return;
  }
  Table table({"id", "registry", "unit_kind", "unit", "method", "statistic", "threshold", "status",
               "what"});
  for (const auto& s : signals) {
    table.AddRow({std::to_string(s.id), s.registry,
                  std::string(storage::SignalUnitKindName(s.unit_kind)), s.unit, s.method,
                  Number(s.statistic), Number(s.threshold),
                  std::string(storage::SignalStatusName(s.status)), s.what});
  }
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

// Wall and process CPU time (every thread) since construction, in milliseconds.
class PhaseClock {
 public:
  json Json() const {
    using Ms = std::chrono::duration<double, std::milli>;
    return {{"wall_ms", Ms(std::chrono::steady_clock::now() - wall_).count()},
            {"cpu_ms", 1000.0 * static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC}};
  }

 private:
  std::chrono::steady_clock::time_point wall_ = std::chrono::steady_clock::now();
  std::clock_t cpu_ = std::clock();
};

void RunRun(const SurveillanceOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "surveillance run";
  const OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  surveillance::RunOptions run;
  run.data_cut = o.data_cut.empty() ? TodayUtc() : ValueOrFail(kCommand, ParseIsoDate(o.data_cut));
  run.methods.maxsprt_upper_limit = o.maxsprt_upper_limit;
  run.methods.cusum_target_arl = o.cusum_arl;
  run.methods.overdispersion = ValueOrFail(kCommand, stats::ParseOverdispersion(o.overdispersion));
  run.methods.hospital_overdispersion =
      ValueOrFail(kCommand, stats::ParseOverdispersion(o.hospital_overdispersion));
  run.methods.signal_alerts = o.alerts;
  run.since_change = o.since_change;
  if (!o.benchmarks.empty())
    run.benchmarks = ValueOrFail(kCommand, surveillance::LoadBenchmarkCriteria(o.benchmarks));
  std::unique_ptr<storage::Store> store = OpenAnalyticsStoreOrFail(kCommand, env, o.db, o.db_read);
  // --resident: what `orp serve --surveil` does after a submission, timed apart from the load.
  surveillance::ResidentCohort resident;
  json resident_json;
  if (o.resident) {
    if (o.since_change <= 0)
      Fail(kCommand, Error(ErrorCode::kInvalidArgument, "--resident needs --since-change N"));
    const PhaseClock load;
    // As the server holds it before the batch: loaded, without the procedures changed after
    // N (exact when the batch only added procedures), and built.
    if (Result<void> loaded = resident.Load(*store, run.data_cut); !loaded)
      Fail(kCommand, loaded.error());
    const int64_t left_out = ValueOrFail(kCommand, resident.LeaveOut(*store, o.since_change));
    const surveillance::Cohort* before = ValueOrFail(kCommand, resident.Build(*store));
    // ... with the risk models its last run fitted on that cohort, kept (methods.h KeptModels).
    resident.models().change_seq = o.since_change;
    if (Result<void> kept = surveillance::KeepModels(*before, run.methods, resident.models());
        !kept)
      Fail(kCommand, kept.error());
    resident_json = {{"load", load.Json()}, {"left_out", left_out}};
  }
  const PhaseClock incremental;
  const surveillance::RunSummary summary = ValueOrFail(
      kCommand, surveillance::RunSurveillance(*store, run, o.resident ? &resident : nullptr));
  if (o.resident) {
    resident_json["incremental_run"] = incremental.Json();
    resident_json["primaries_kept"] = resident.size();
  }
  json header = {{"data_cut", FormatIsoDate(run.data_cut)},
                 {"primaries", summary.primaries},
                 {"device_models", summary.device_models},
                 {"surgeons", summary.surgeons},
                 {"hospitals", summary.hospitals},
                 {"signals_new", summary.signals_new},
                 {"signals_updated", summary.signals_updated},
                 {"model_notes", summary.model_notes},
                 {"change_seq", summary.change_seq},
                 {"since_change", o.since_change},
                 {"affected_units", summary.affected_units}};
  if (o.resident) header["resident"] = std::move(resident_json);
  json phases = json::object();  // where the run's CPU went (RunSummary::phase_cpu_ms)
  for (const auto& [name, ms] : summary.phase_cpu_ms) phases[name] = ms;
  header["phase_cpu_ms"] = std::move(phases);
  json ratings = json::array();
  for (const auto& r : summary.ratings) {
    ratings.push_back({{"registry", r.registry},
                       {"class", r.device_class},
                       {"model", r.model},
                       {"rating", r.rating.rating}});
  }
  header["ratings"] = std::move(ratings);
  if (format == OutputFormat::kTable) {
    fmt::print(
        "data cut {}: {} primaries, {} device models, {} surgeons, {} hospitals; "
        "{} new signals, {} updated\n",
        FormatIsoDate(run.data_cut), summary.primaries, summary.device_models, summary.surgeons,
        summary.hospitals, summary.signals_new, summary.signals_updated);
    for (const std::string& note : summary.model_notes)
      fmt::print("risk model not fitted: {}\n", note);
    if (!o.benchmarks.empty()) fmt::print("{} device models rated\n", summary.ratings.size());
    fmt::print("change_seq {}{}\n", summary.change_seq,
               o.since_change > 0 ? fmt::format("; {} units touched since {}",
                                                summary.affected_units, o.since_change)
                                  : "");
  }
  PrintSignals(summary.signals, format, std::move(header));
}

void RunSignals(const SurveillanceOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "surveillance signals";
  const OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  storage::SignalFilter filter;
  filter.registry = o.registry;
  if (!o.status.empty())
    filter.status = ValueOrFail(kCommand, storage::ParseSignalStatus(o.status));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(kCommand, env, o.db);
  PrintSignals(ValueOrFail(kCommand, store->ListSignals(filter)), format, json::object());
}

void RunReview(const SurveillanceOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "surveillance review";
  const storage::SignalStatus status = ValueOrFail(kCommand, storage::ParseSignalStatus(o.status));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(kCommand, env, o.db);
  auto tx = ValueOrFail(kCommand, store->Begin());
  if (auto set = tx->SetSignalStatus(o.id, status, o.reason); !set) Fail(kCommand, set.error());
  if (auto done = tx->Commit(); !done) Fail(kCommand, done.error());
  fmt::print("signal {}: {}\n", o.id, storage::SignalStatusName(status));
}

void AddCommon(CLI::App* cmd, SurveillanceOptions& o) {
  cmd->add_option("--db", o.db, "Database URL: sqlite:PATH or sqlite::memory:")->required();
}

}  // namespace

void SurveilAfterIngest(std::string_view command, storage::Store& store, int64_t since_change) {
  surveillance::RunOptions run;
  run.data_cut = TodayUtc();
  run.since_change = since_change;  // 0 (an empty store before): a full run
  const surveillance::RunSummary summary =
      ValueOrFail(command, surveillance::RunSurveillance(store, run));
  fmt::print(stderr,
             "surveillance after ingest: {} units touched, {} new signals, {} updated, change "
             "{}\n",
             since_change == 0 ? std::string("all") : std::to_string(summary.affected_units),
             summary.signals_new, summary.signals_updated, summary.change_seq);
  for (const std::string& note : summary.model_notes)
    fmt::print(stderr, "risk model not fitted: {}\n", note);
}

void AddSurveillanceCommand(CLI::App& app, const Environment& env) {
  auto o = std::make_shared<SurveillanceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "surveillance", "Find outlying implants, surgeons and hospitals; list and review signals.");
  cmd->require_subcommand(1);

  CLI::App* run = cmd->add_subcommand("run", "Apply every surveillance method and record signals.");
  AddCommon(run, *o);
  run->add_option("--db-read", o->db_read,
                  "Read the cohort from this replica URL; signals are recorded in --db");
  run->add_option("--data-cut", o->data_cut, "Follow-up ends here (YYYY-MM-DD; default today)");
  run->add_option("--since-change", o->since_change,
                  "Incremental: write only signals of units touched by changes after this "
                  "change number (the change_seq a previous run printed)")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--resident", o->resident,
                "With --since-change N: load the cohort into memory without the procedures "
                "changed after N, then run incrementally by patching it with them, as `orp serve "
                "--surveil` does after a submission; the JSON header's \"resident\" times the "
                "two apart");
  run->add_option("--benchmarks", o->benchmarks,
                  "CSV of benchmark criteria (registries/benchmark-criteria.csv): rate device "
                  "models ODEP-style and signal those that fail");
  run->add_option("--maxsprt-upper-limit", o->maxsprt_upper_limit,
                  "maxSPRT: stop once this many revisions were expected")
      ->default_val(20);
  run->add_option("--cusum-arl", o->cusum_arl, "CUSUM: in-control average run length (patients)")
      ->default_val(10000);
  run->add_option("--overdispersion", o->overdispersion,
                  "Surgeons' funnel limits: none, multiplicative or additive")
      ->default_val("none");
  run->add_option("--hospital-overdispersion", o->hospital_overdispersion,
                  "Hospitals' funnel limits: none, multiplicative or additive (winsorised "
                  "z-scores, applied when the over-dispersion test is significant at 5%)")
      ->default_val("additive");
  run->add_flag("--alerts", o->alerts, "Also signal units beyond the 95% limit (alert level)");
  run->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  run->callback([o, &env] { RunRun(*o, env); });

  CLI::App* signals = cmd->add_subcommand("signals", "List recorded signals.");
  AddCommon(signals, *o);
  signals->add_option("--status", o->status, "new, under-review, confirmed or dismissed");
  signals->add_option("--registry", o->registry, "Only this registry (e.g. NJR)");
  signals->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  signals->callback([o, &env] { RunSignals(*o, env); });

  CLI::App* review = cmd->add_subcommand("review", "Move a signal's status.");
  AddCommon(review, *o);
  review->add_option("--id", o->id, "Signal id")->required();
  review->add_option("--status", o->status, "under-review, confirmed, dismissed or new")
      ->required();
  review->add_option("--reason", o->reason, "Why (required to dismiss)");
  review->callback([o, &env] { RunReview(*o, env); });
}

}  // namespace orp::cli
