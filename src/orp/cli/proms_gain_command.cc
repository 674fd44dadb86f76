// orp proms gain --db URL --instrument CODE [--score CODE] [--months N] [--registry R]
//                --by provider|clinician|model [--format table|json|csv]
//                [--registries DIR] [--instruments DIR]
//
// Health gain from before (months 0) to after (months N, default the first follow-up time
// point, 6) for one instrument's score: the case-mix model (post on pre, age, sex, ASA;
// proms/gain.h), the national mean gain, and per group the observed and adjusted mean gain.
// Groups with fewer than 30 modelled records are marked not reportable (statistics.md §12). The
// dates of birth it reads (for age) are recorded in the audit chain first (gain_records.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/proms_paths.h"
#include "orp/cli/table.h"
#include "orp/proms/gain_records.h"
#include "orp/security/accounts.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

constexpr std::string_view kPromsGain = "proms gain";
constexpr int kMinimumReportable = 30;

struct GainFlags {
  std::string db, instrument, score, registry, by, format = "table", registries, instruments;
  int months = 6;
};

nlohmann::ordered_json ReportJson(const proms::GainReport& r, const proms::GainRecords& input,
                                  const GainFlags& f) {
  nlohmann::ordered_json j;
  j["instrument"] = f.instrument;
  j["score"] = f.score;
  j["months"] = f.months;
  j["by"] = f.by;
  j["modelled"] = r.model.n;
  j["excluded"] = input.excluded;
  j["national_gain"] = r.national_gain;
  j["model"] = {{"terms", r.model.terms},
                {"coefficients", r.model.coefficients},
                {"std_errors", r.model.std_errors},
                {"sigma", r.model.sigma}};
  j["groups"] = nlohmann::ordered_json::array();
  for (const proms::GroupGain& g : r.groups) {
    j["groups"].push_back({{"group", g.group},
                           {"n", g.n},
                           {"reportable", g.n >= kMinimumReportable},
                           {"mean_pre", g.mean_pre},
                           {"mean_post", g.mean_post},
                           {"observed_gain", g.observed_gain},
                           {"expected_post", g.expected_post},
                           {"adjusted_gain", g.adjusted_gain}});
  }
  return j;
}

void Gain(const GainFlags& f, const Environment& env) {
  const OutputFormat format = ValueOrFail(kPromsGain, ParseOutputFormat(f.format));
  const proms::GainGroupBy by = ValueOrFail(kPromsGain, proms::ParseGainGroupBy(f.by));
  const auto instruments = LoadPromsInstruments(kPromsGain, f.instruments, f.registries);
  const proms::Instrument* instrument = instruments.Find(f.instrument);
  if (instrument == nullptr) {
    Fail(kPromsGain, Error(ErrorCode::kNotFound, fmt::format("no instrument '{}'", f.instrument)));
  }
  const proms::ScoreDefinition* score =
      f.score.empty() ? &instrument->scores.front() : instrument->FindScore(f.score);
  if (score == nullptr) {
    Fail(kPromsGain, Error(ErrorCode::kNotFound,
                           fmt::format("{} has no score '{}'", instrument->code, f.score)));
  }
  GainFlags named = f;
  named.score = score->code;
  auto store = OpenStoreOrFail(kPromsGain, env, f.db);
  auto input = ValueOrFail(
      kPromsGain, proms::CollectGainRecords(*store, *instrument, *score, f.registry, f.months, by,
                                            {std::string(security::kCommandLineActor), "", "",
                                             "case-mix adjusted health gain (age at operation)"}));
  auto report =
      ValueOrFail(kPromsGain, proms::CaseMixAdjustedGain(input.records, score->higher_is_better));
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", ReportJson(report, input, named).dump(2).c_str());
    return;
  }
  Table table(
      {"group", "n", "reportable", "mean_pre", "mean_post", "observed_gain", "adjusted_gain"});
  for (const proms::GroupGain& g : report.groups) {
    table.AddRow({g.group, std::to_string(g.n), g.n >= kMinimumReportable ? "yes" : "no",
                  fmt::format("{:.2f}", g.mean_pre), fmt::format("{:.2f}", g.mean_post),
                  fmt::format("{:.2f}", g.observed_gain), fmt::format("{:.2f}", g.adjusted_gain)});
  }
  table.AddRow({"(national)", std::to_string(report.model.n), "", "", "",
                fmt::format("{:.2f}", report.national_gain), ""});
  std::fputs((format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText()).c_str(),
             stdout);
}

}  // namespace

void AddPromsGainCommand(CLI::App& proms, const Environment& env) {
  auto f = std::make_shared<GainFlags>();
  CLI::App* gain = proms.add_subcommand("gain", "Case-mix adjusted health gain by group");
  gain->add_option("--db", f->db, "Database URL")->required();
  gain->add_option("--instrument", f->instrument, "Instrument code, e.g. PAIN-NRS")->required();
  gain->add_option("--score", f->score, "Score code (default the instrument's first)");
  gain->add_option("--months", f->months, "The after time point (default 6)");
  gain->add_option("--registry", f->registry, "Only this registry");
  gain->add_option("--by", f->by, "provider, clinician or model")->required();
  gain->add_option("--format", f->format, "table, json or csv");
  gain->add_option("--registries", f->registries, "Registry definitions directory");
  gain->add_option("--instruments", f->instruments, "Instrument definitions directory");
  gain->callback([f, &env] { Gain(*f, env); });
}

}  // namespace orp::cli
