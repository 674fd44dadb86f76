#include "orp/cli/survival_registry.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "orp/analytics/report_json.h"
#include "orp/analytics/survival.h"
#include "orp/analytics/svg_plot.h"
#include "orp/cli/exit.h"
#include "orp/cli/startup.h"
#include "orp/cli/table.h"
#include "orp/core/text.h"
#include "orp/domain/registry_loader.h"
#include "orp/security/accounts.h"
#include "orp/security/audit.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

constexpr std::string_view kSurvivalRegistry = "survival";

Result<std::vector<double>> ParseYears(std::string_view text) {
  std::vector<double> years;
  for (std::string_view piece : Split(text, ',')) {
    std::string_view t = Trim(piece);
    double value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
      return InvalidArgument(
          fmt::format("--times: '{}' is not a number of years", Printable(piece)));
    }
    years.push_back(value);
  }
  return years;
}

analytics::SurvivalQuery QueryFor(const RegistrySurvivalArgs& a,
                                  const domain::RegistryDefinition& definition) {
  analytics::SurvivalQuery q;
  q.registry = a.registry;
  q.by = a.by;
  q.method = ValueOrFail(kSurvivalRegistry, analytics::ParseSurvivalMethod(a.method));
  q.times_years = ValueOrFail(kSurvivalRegistry, ParseYears(a.times));
  if (!a.data_cut.empty()) {
    Result<Date> cut = ParseIsoDate(a.data_cut);
    if (!cut) Fail(kSurvivalRegistry, cut.error().WithContext("--data-cut"));
    q.data_cut = *cut;
  }
  q.purpose = ValueOrFail(kSurvivalRegistry, analytics::ParsePurpose(a.purpose));
  q.audience = ValueOrFail(kSurvivalRegistry, stats::ParseAudience(a.audience));
  q.conf_type = ValueOrFail(kSurvivalRegistry, stats::ParseConfType(a.conf_type));
  q.conf_level = a.conf_level;
  q.flag_below_at_risk = a.flag_below;
  q.suppress_below_at_risk = a.suppress_below;
  q.definition = &definition;
  if (!a.unit.empty()) {
    auto unit = domain::ParseEnumName<domain::AnalysisUnit>(a.unit);
    if (!unit) {
      Fail(kSurvivalRegistry, Error(ErrorCode::kInvalidArgument,
                                    fmt::format("--unit {}: choose implant or procedure", a.unit)));
    }
    q.unit = *unit;
  }
  return q;
}

std::string CountText(const analytics::Count& count) {
  return count ? fmt::format("{}", *count) : "*";
}

std::string Value(const std::optional<double>& v, bool full, double scale = 1) {
  if (!v || std::isnan(*v)) return "";
  return full ? fmt::format("{}", *v * scale) : fmt::format("{:.2f}", *v * scale);
}

std::string Note(const analytics::SurvivalAtTime& a) {
  if (a.withheld) return "withheld";
  return a.few_at_risk ? "few at risk" : "";
}

// One row per group and requested time: the number-at-risk table. People read percentages of
// revision (1 - S, the registries' "cumulative percent revision") or, for "aj", of cumulative
// incidence; machines get S (or F) at full precision.
std::string RenderRows(const analytics::SurvivalReport& r, bool csv) {
  const bool aj = r.method == analytics::SurvivalMethod::kAalenJohansen;
  std::vector<std::string> headers = {"group", "n",      "revisions", "deaths",
                                      "years", "n_risk", "n_event",   "n_censor"};
  if (csv) {
    headers.insert(headers.end(), {"surv", "std_err", "lower", "upper"});
    if (aj) headers.insert(headers.end(), {"cif", "cif_lower", "cif_upper", "cif_death"});
  } else {
    headers.insert(headers.end(), {aj ? "revised_%" : "revised_%_km", "lower_%", "upper_%"});
  }
  headers.push_back("note");
  Table table(headers);
  for (const analytics::SurvivalGroup& g : r.groups) {
    for (const analytics::SurvivalAtTime& a : g.at) {
      std::vector<std::string> row = {g.label,
                                      CountText(g.n),
                                      CountText(g.revisions),
                                      CountText(g.deaths),
                                      fmt::format("{}", a.years),
                                      CountText(a.n_risk),
                                      CountText(a.n_event),
                                      CountText(a.n_censor)};
      if (csv) {
        for (const auto& v : {a.surv, a.std_err, a.lower, a.upper}) row.push_back(Value(v, true));
        if (aj) {
          for (const auto& v : {a.cif, a.cif_lower, a.cif_upper, a.cif_death})
            row.push_back(Value(v, true));
        }
      } else if (aj) {
        for (const auto& v : {a.cif, a.cif_lower, a.cif_upper}) row.push_back(Value(v, false, 100));
      } else {
        auto revised = [](const std::optional<double>& s) {
          return s ? std::optional<double>(1 - *s) : std::nullopt;
        };
        for (const auto& v : {revised(a.surv), revised(a.upper), revised(a.lower)})
          row.push_back(Value(v, false, 100));
      }
      row.push_back(Note(a));
      table.AddRow(std::move(row));
    }
  }
  return csv ? table.RenderCsv() : table.RenderText();
}

std::string RenderTable(const analytics::SurvivalReport& r) {
  std::string out = fmt::format(
      "{}: implant survival by {} ({} units, {}), data cut {}, audience {}\n"
      "units {}; excluded: opted out {}{}, primary after the cut {}, inconsistent dates {}\n"
      "{} {} intervals at level {}; estimates flagged below {} at risk, withheld below {}\n\n",
      r.registry, r.by, r.unit,
      r.method == analytics::SurvivalMethod::kKaplanMeier ? "Kaplan-Meier"
                                                          : "Aalen-Johansen, death competing",
      FormatIsoDate(r.data_cut), stats::AudienceName(r.audience), CountText(r.units),
      CountText(r.excluded_opted_out), r.opt_out_applied ? "" : " (opt-out not applied)",
      CountText(r.excluded_after_cut), CountText(r.excluded_inconsistent),
      stats::ConfTypeName(r.conf_type), "pointwise", r.conf_level, r.flag_below_at_risk,
      r.suppress_below_at_risk);
  return out + RenderRows(r, false);
}

// The analysis read every patient of the registry (deaths, opt-outs) to publish aggregates: the
// log records who ran it, on which registry, for which purpose and audience.
void Audit(storage::Store& store, const analytics::SurvivalQuery& q,
           const analytics::SurvivalReport& report) {
  security::AuditLog log(store);
  security::AuditEvent event;
  event.actor = std::string(security::kCommandLineActor);
  event.action = "analytics.survival";
  event.object = "registry/" + q.registry;
  event.purpose = fmt::format("{} by {}, audience {}",
                              q.purpose == analytics::Purpose::kResearch ? "research" : "safety",
                              q.by, stats::AudienceName(q.audience));
  event.outcome = fmt::format("ok: {} units", CountText(report.units));
  ValueOrFail(kSurvivalRegistry, log.Append(event));
}

void WritePlot(const analytics::SurvivalReport& report, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string svg = analytics::SurvivalSvg(report, {});
  out << svg;
  out.close();
  if (!out) {
    Fail(kSurvivalRegistry, Error(ErrorCode::kFailedPrecondition,
                                  fmt::format("--plot {}: cannot write the file", path)));
  }
}

}  // namespace

void RunRegistrySurvival(const RegistrySurvivalArgs& args, const Environment& env) {
  const OutputFormat format = ValueOrFail(kSurvivalRegistry, ParseOutputFormat(args.format));
  if (args.registry.empty()) {
    Fail(kSurvivalRegistry, Error(ErrorCode::kInvalidArgument, "--db needs --registry CODE"));
  }
  const domain::RegistrySet registries = LoadDefinitions(kSurvivalRegistry, args.definitions);
  const domain::RegistryDefinition* definition = registries.Find(args.registry);
  if (definition == nullptr) {
    Fail(kSurvivalRegistry,
         Error(ErrorCode::kNotFound,
               fmt::format("--registry {}: no such registry definition", args.registry)));
  }
  const analytics::SurvivalQuery query = QueryFor(args, *definition);
  std::unique_ptr<storage::Store> store =
      OpenAnalyticsStoreOrFail(kSurvivalRegistry, env, args.db, args.db_read);
  const analytics::SurvivalReport report =
      ValueOrFail(kSurvivalRegistry, analytics::SurvivalByGroup(*store, query));
  Audit(*store, query, report);
  if (!args.plot.empty()) WritePlot(report, args.plot);
  std::string out;
  if (format == OutputFormat::kJson) {
    out = analytics::SurvivalReportJson(report);
  } else if (format == OutputFormat::kCsv) {
    out = RenderRows(report, true);
  } else {
    out = RenderTable(report);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace orp::cli
