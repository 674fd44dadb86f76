// `orp survival`: Kaplan–Meier (and, with --competing-code, Aalen–Johansen cumulative
// incidence) on any CSV, so anyone can check ORP against R. See stats/kaplan_meier.h and
// stats/cumulative_incidence.h for the methods; the JSON shape is issue 6's:
//   {"groups":[{"group","n","events","curve":[{"time","n_risk","n_event","n_censor","surv",
//     "std_err","lower","upper"}],"at":[{"time","n_risk","surv","lower","upper"}]}]}
// plus "cif","cif_var","cif_competing","cif_competing_var" on every curve and at row when a
// competing code is given. Groups are sorted; NaN (R's NA) is written as null.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orp/cli/analysis_input.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/survival_registry.h"
#include "orp/cli/table.h"
#include "orp/core/text.h"
#include "orp/stats/cumulative_incidence.h"
#include "orp/stats/kaplan_meier.h"

namespace orp::cli {
namespace {

constexpr std::string_view kSurvival = "survival";

struct SurvivalArgs {
  std::string input, time, status, group, entry;
  int competing_code = 0;
  bool has_competing = false;
  std::string conf_type = "log";
  double conf_level = 0.95;
  std::string at;
  bool extend = false;
  std::string format = "table";
};

struct GroupResult {
  std::string label;
  stats::KaplanMeierCurve curve;
  std::vector<stats::SurvivalAtTime> at;
  std::optional<stats::CompetingRisks> cif;
};

Result<std::vector<double>> ParseTimes(std::string_view text) {
  std::vector<double> times;
  if (Trim(text).empty()) return times;
  for (std::string_view piece : Split(text, ',')) {
    std::string_view t = Trim(piece);
    double value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
      return InvalidArgument(fmt::format("--at: '{}' is not a number", Printable(piece)));
    }
    times.push_back(value);
  }
  return times;
}

Result<AnalysisTable> LoadInput(const SurvivalArgs& args) {
  std::vector<ColumnRequest> columns = {{args.time, ColumnKind::kNumber},
                                        {args.status, ColumnKind::kNumber}};
  if (!args.entry.empty()) columns.push_back({args.entry, ColumnKind::kNumber});
  if (!args.group.empty()) columns.push_back({args.group, ColumnKind::kText});
  return AnalysisTable::Load(args.input, std::move(columns));
}

// Estimates every group, taking the integer-day path when all times are whole numbers.
template <typename Data>
Result<std::vector<GroupResult>> Estimate(const Data& data, const SurvivalArgs& args,
                                          const stats::KaplanMeierOptions& options) {
  auto curves = stats::KaplanMeier(data, options);
  if (!curves) return std::unexpected(curves.error());
  std::vector<GroupResult> groups(curves->size());
  for (size_t g = 0; g < groups.size(); ++g) groups[g].curve = std::move((*curves)[g]);
  if (args.has_competing) {
    auto cif = stats::CumulativeIncidenceOf(data);
    if (!cif) return std::unexpected(cif.error());
    for (size_t g = 0; g < groups.size(); ++g) groups[g].cif = std::move((*cif)[g]);
  }
  return groups;
}

// The options that need checking before any data is read.
Result<void> CheckOptions(const SurvivalArgs& args) {
  if (args.has_competing && (args.competing_code == 0 || args.competing_code == 1)) {
    return InvalidArgument(
        fmt::format("--competing-code {}: 0 means censored and 1 the event; choose another code",
                    args.competing_code));
  }
  return {};
}

// Loads the CSV and estimates every group (labels and --at rows still to fill in).
Result<std::vector<GroupResult>> EstimateFromCsv(const SurvivalArgs& args,
                                                 const AnalysisTable& table,
                                                 const stats::KaplanMeierOptions& options) {
  ORP_RETURN_IF_ERROR(CheckFollowUp(table, args.time, args.entry));
  auto status = EventStatus(table, args.status,
                            args.has_competing ? std::optional(args.competing_code) : std::nullopt);
  if (!status) return std::unexpected(status.error());
  std::span<const double> time = table.Numbers(args.time);
  std::span<const double> entry =
      args.entry.empty() ? std::span<const double>() : table.Numbers(args.entry);
  const TextColumn* group = args.group.empty() ? nullptr : &table.Text(args.group);
  const std::span<const int32_t> codes =
      group ? std::span<const int32_t>(group->codes) : std::span<const int32_t>();
  const int32_t group_count = group ? static_cast<int32_t>(group->levels.size()) : 1;
  auto days = WholeNumbers(time);
  auto entry_days = WholeNumbers(entry);
  if (days && entry_days) {
    return Estimate(stats::SurvivalDays{*days, *status, *entry_days, codes, group_count}, args,
                    options);
  }
  return Estimate(stats::SurvivalTimes{time, *status, entry, codes, group_count}, args, options);
}

Result<std::vector<GroupResult>> Run(const SurvivalArgs& args) {
  auto conf_type = stats::ParseConfType(args.conf_type);
  if (!conf_type) return std::unexpected(conf_type.error().WithContext("--conf-type"));
  auto at = ParseTimes(args.at);
  if (!at) return std::unexpected(at.error());
  ORP_RETURN_IF_ERROR(CheckOptions(args));
  auto table = LoadInput(args);
  if (!table) return std::unexpected(table.error());
  auto groups = EstimateFromCsv(args, *table, {*conf_type, args.conf_level});
  if (!groups) return std::unexpected(groups.error().WithContext(args.input));
  for (size_t g = 0; g < groups->size(); ++g) {
    GroupResult& result = (*groups)[g];
    result.label = args.group.empty() ? "all" : table->Text(args.group).levels[g];
    result.at = stats::SummariseAt(result.curve, *at, args.extend);
  }
  return groups;
}

// --- output ------------------------------------------------------------------------------

void AppendField(std::string& out, std::string_view name, double value) {
  out += ",\"";
  out += name;
  out += "\":";
  AppendJsonNumber(out, value);
}

void AppendCif(std::string& out, const GroupResult& g, double t) {
  if (!g.cif) return;
  const auto event = g.cif->event.At(t);
  const auto competing = g.cif->competing.At(t);
  AppendField(out, "cif", event.estimate);
  AppendField(out, "cif_var", event.variance);
  AppendField(out, "cif_competing", competing.estimate);
  AppendField(out, "cif_competing_var", competing.variance);
}

// Writes `out` to `sink` once it holds a megabyte, so a national-size curve (hundreds of
// thousands of rows) streams instead of building one huge string.
void FlushIfLarge(std::string& out, std::FILE* sink, bool force = false) {
  if (!force && out.size() < (size_t{1} << 20)) return;
  std::fwrite(out.data(), 1, out.size(), sink);
  out.clear();
}

void AppendCount(std::string& out, std::string_view key, int64_t value) {
  char buffer[24];
  out += key;
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

void AppendCurveJson(std::string& out, const GroupResult& g, std::FILE* sink) {
  const stats::KaplanMeierCurve& c = g.curve;
  for (size_t i = 0; i < c.size(); ++i) {
    out += i == 0 ? "{\"time\":" : ",\n{\"time\":";
    AppendJsonNumber(out, c.time[i]);
    AppendCount(out, ",\"n_risk\":", c.n_risk[i]);
    AppendCount(out, ",\"n_event\":", c.n_event[i]);
    AppendCount(out, ",\"n_censor\":", c.n_censor[i]);
    AppendField(out, "surv", c.surv[i]);
    AppendField(out, "std_err", c.std_err[i]);
    AppendField(out, "lower", c.lower[i]);
    AppendField(out, "upper", c.upper[i]);
    AppendCif(out, g, c.time[i]);
    out += '}';
    FlushIfLarge(out, sink);
  }
}

void WriteJson(const std::vector<GroupResult>& groups, std::FILE* sink) {
  std::string out = "{\"groups\":[";
  for (size_t g = 0; g < groups.size(); ++g) {
    const GroupResult& r = groups[g];
    out += g == 0 ? "\n{\"group\":" : ",\n{\"group\":";
    AppendJsonString(out, r.label);
    AppendCount(out, ",\"n\":", r.curve.n);
    AppendCount(out, ",\"events\":", r.curve.events);
    out += ",\"curve\":[\n";
    AppendCurveJson(out, r, sink);
    out += "],\n\"at\":[";
    for (size_t i = 0; i < r.at.size(); ++i) {
      const stats::SurvivalAtTime& a = r.at[i];
      out += i == 0 ? "{\"time\":" : ",{\"time\":";
      AppendJsonNumber(out, a.time);
      AppendCount(out, ",\"n_risk\":", a.n_risk);
      AppendField(out, "surv", a.surv);
      AppendField(out, "lower", a.lower);
      AppendField(out, "upper", a.upper);
      AppendCif(out, r, a.time);
      out += '}';
    }
    out += "]}";
  }
  out += "]}\n";
  FlushIfLarge(out, sink, true);
}

// Cells for people (4 decimals) or machines (full precision); NaN as an empty cell.
std::string Cell(double value, bool full) {
  if (std::isnan(value)) return "";
  return full ? fmt::format("{}", value) : fmt::format("{:.4f}", value);
}

std::vector<std::string> Headers(bool cif, bool csv) {
  std::vector<std::string> h = {"time", "n_risk",  "n_event", "n_censor",
                                "surv", "std_err", "lower",   "upper"};
  if (cif) h.insert(h.end(), {"cif", "cif_var", "cif_competing", "cif_competing_var"});
  h.insert(h.begin(), "group");
  if (csv) h.insert(h.begin(), "section");
  return h;
}

void AddRow(Table& table, bool csv, std::string_view section, const GroupResult& g, double time,
            std::vector<int64_t> counts, std::vector<double> values) {
  std::vector<std::string> row;
  if (csv) row.emplace_back(section);
  row.push_back(g.label);
  row.push_back(fmt::format("{}", time));
  for (int64_t n : counts) row.push_back(fmt::format("{}", n));
  for (double v : values) row.push_back(Cell(v, csv));
  if (g.cif) {
    const auto e = g.cif->event.At(time);
    const auto c = g.cif->competing.At(time);
    for (double v : {e.estimate, e.variance, c.estimate, c.variance}) row.push_back(Cell(v, csv));
  }
  table.AddRow(std::move(row));
}

std::string RenderRows(const std::vector<GroupResult>& groups, bool csv, bool at_section) {
  const bool cif = !groups.empty() && groups.front().cif.has_value();
  Table table(Headers(cif, csv));
  for (const GroupResult& g : groups) {
    const stats::KaplanMeierCurve& c = g.curve;
    if (!at_section) {
      for (size_t i = 0; i < c.size(); ++i) {
        AddRow(table, csv, "curve", g, c.time[i], {c.n_risk[i], c.n_event[i], c.n_censor[i]},
               {c.surv[i], c.std_err[i], c.lower[i], c.upper[i]});
      }
    } else {
      for (const stats::SurvivalAtTime& a : g.at) {
        AddRow(table, csv, "at", g, a.time, {a.n_risk, a.n_event, a.n_censor},
               {a.surv, a.std_err, a.lower, a.upper});
      }
    }
  }
  return csv ? table.RenderCsv() : table.RenderText();
}

// The table (people) or CSV (machines) rendering; JSON is streamed by WriteJson.
std::string Render(const std::vector<GroupResult>& groups, OutputFormat format) {
  if (format == OutputFormat::kCsv) {
    std::string out = RenderRows(groups, true, false);
    std::string at = RenderRows(groups, true, true);
    return out + at.substr(at.find('\n') + 1);  // one header for both sections
  }
  std::string out;
  for (const GroupResult& g : groups) {
    out += fmt::format("{}: n {}, events {}\n", g.label, g.curve.n, g.curve.events);
  }
  out += "\n" + RenderRows(groups, false, false);
  const bool any_at =
      std::any_of(groups.begin(), groups.end(), [](const GroupResult& g) { return !g.at.empty(); });
  if (any_at)
    out += "\nAt requested times (n_event, n_censor since the previous time):\n" +
           RenderRows(groups, false, true);
  return out;
}

}  // namespace

// The registry's own data (--db): options of RunRegistrySurvival.
void AddRegistryOptions(CLI::App* cmd, RegistrySurvivalArgs& r) {
  cmd->add_option("--db", r.db, "registry database URL (sqlite:PATH): analyse the registry itself");
  cmd->add_option(
      "--db-read", r.db_read,
      "with --db: read the cohort from this replica URL (the audit entry goes to --db)");
  cmd->add_option("--registry", r.registry, "with --db: registry code, e.g. BCIR");
  cmd->add_option("--by", r.by,
                  "with --db: model (default), brand, manufacturer, device_type, gtin, construct, "
                  "provider, site, clinician, indication or a registry field");
  cmd->add_option("--method", r.method,
                  "with --db: km (Kaplan-Meier, default) or aj (Aalen-Johansen, death competing)");
  cmd->add_option("--times", r.times, "with --db: years for the number-at-risk table (1,3,5,10)");
  cmd->add_option("--data-cut", r.data_cut,
                  "with --db: YYYY-MM-DD follow-up ends (default: the end of data)");
  cmd->add_option("--audience", r.audience,
                  "with --db: national (default) or public (disclosure control: counts 1-7 as *, "
                  "others rounded to 5)");
  cmd->add_option("--purpose", r.purpose,
                  "with --db: research (default; the national data opt-out applies) or safety");
  cmd->add_option("--flag-below", r.flag_below, "with --db: flag estimates below N at risk (250)");
  cmd->add_option("--suppress-below", r.suppress_below,
                  "with --db: withhold estimates below N at risk (10; 0 never)");
  cmd->add_option("--plot", r.plot, "with --db: also write the curves as an SVG picture");
  cmd->add_option("--definitions", r.definitions, "with --db: registry definitions directory");
  cmd->add_option("--unit", r.unit,
                  "with --db: implant or procedure (default: the registry's analysis unit)");
}

void AddSurvivalCommand(CLI::App& app, const Environment& env) {
  auto args = std::make_shared<SurvivalArgs>();
  auto registry = std::make_shared<RegistrySurvivalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "survival",
      "Kaplan–Meier survival (Greenwood variance) by group from a CSV, equal to R "
      "survival::survfit; with --competing-code, Aalen–Johansen cumulative incidence with "
      "cmprsk::cuminc's variance. With --db, implant survival by group on a registry's own "
      "linked records, with its number-at-risk and disclosure rules.");
  cmd->add_option("--input", args->input, "CSV file with a header row");
  cmd->add_option("--time", args->time,
                  "column: exit time (>= 0; whole numbers use the fast "
                  "per-day path)");
  cmd->add_option("--status", args->status, "column: 0 censored, 1 event");
  cmd->add_option("--group", args->group, "column: group label (one curve per value)");
  cmd->add_option("--entry", args->entry, "column: late-entry time, (entry, exit] as in R");
  cmd->add_option("--competing-code", args->competing_code,
                  "status value of the competing event (e.g. 2 for death)");
  cmd->add_option("--conf-type", args->conf_type,
                  "log (default, as R; log-log with --db), log-log or plain");
  cmd->add_option("--conf-level", args->conf_level, "confidence level (default 0.95)");
  cmd->add_option("--at", args->at, "times for summary rows, e.g. 365,1826,3652");
  cmd->add_flag("--extend", args->extend,
                "keep --at times after the last follow-up (R summary(extend = TRUE))");
  cmd->add_option("--format", args->format, "table, json or csv");
  AddRegistryOptions(cmd, *registry);
  cmd->callback([args, registry, cmd, &env] {
    if (!registry->db.empty()) {
      registry->format = args->format;
      registry->conf_level = args->conf_level;
      if (cmd->count("--conf-type") > 0) registry->conf_type = args->conf_type;
      RunRegistrySurvival(*registry, env);
      return;
    }
    if (args->input.empty() || args->time.empty() || args->status.empty()) {
      Fail(kSurvival, Error(ErrorCode::kInvalidArgument,
                            "give --input, --time and --status (a CSV), or --db and --registry"));
    }
    args->has_competing = cmd->count("--competing-code") > 0;
    const OutputFormat format = ValueOrFail(kSurvival, ParseOutputFormat(args->format));
    const std::vector<GroupResult> groups = ValueOrFail(kSurvival, Run(*args));
    if (format == OutputFormat::kJson) {
      WriteJson(groups, stdout);
      return;
    }
    const std::string out = Render(groups, format);
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace orp::cli
