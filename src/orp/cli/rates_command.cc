// `orp rates`: patient-time incidence rates (PTIR) by group from a CSV, with exact Poisson
// intervals and, when there are several groups, each group's exact rate ratio against the rest
// of the cohort (R poisson.test(c(x_group, x_rest), c(T_group, T_rest))). See
// stats/poisson_rate.h. JSON:
//   {"per","time_unit","conf_level","overall":{"n","events","person_years","rate","lower",
//    "upper"},"groups":[{"group", ...the same..., "vs_rest":{"rate_ratio","lower","upper",
//    "p_value"}}]}
// Person-time is exit - entry (entry 0 without --entry), in years (--time-unit days divides
// by 365.25, statistics.md §1).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orp/cli/analysis_input.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/date.h"
#include "orp/stats/poisson_rate.h"

namespace orp::cli {
namespace {

constexpr std::string_view kRates = "rates";

struct RatesArgs {
  std::string input, time, status, group, entry;
  int competing_code = 0;
  bool has_competing = false;
  double per = 100;
  std::string time_unit = "years";
  double conf_level = 0.95;
  std::string format = "table";
};

struct GroupRate {
  std::string label;
  int64_t n = 0;
  stats::PoissonRate rate;
  std::optional<stats::RateRatioTest> vs_rest;
};

struct Totals {
  std::vector<int64_t> n, events;
  std::vector<double> person_time;
};

Result<Totals> Tally(const RatesArgs& args, const AnalysisTable& table, size_t groups) {
  auto status = EventStatus(table, args.status,
                            args.has_competing ? std::optional(args.competing_code) : std::nullopt);
  if (!status) return std::unexpected(status.error());
  std::span<const double> exit = table.Numbers(args.time);
  std::span<const double> entry =
      args.entry.empty() ? std::span<const double>() : table.Numbers(args.entry);
  const TextColumn* group = args.group.empty() ? nullptr : &table.Text(args.group);
  const double scale = args.time_unit == "days" ? 1 / kDaysPerYear : 1;
  Totals t{std::vector<int64_t>(groups), std::vector<int64_t>(groups), std::vector<double>(groups)};
  for (size_t i = 0; i < exit.size(); ++i) {
    const double start = entry.empty() ? 0 : entry[i];
    if (!(exit[i] >= start && start >= 0)) {
      return InvalidArgument(fmt::format(
          "{} line {}: follow-up from {} to {} must be >= 0 and not end before it starts",
          table.path(), table.LineOf(i), start, exit[i]));
    }
    const size_t g = group ? static_cast<size_t>(group->codes[i]) : 0;
    ++t.n[g];
    t.events[g] += (*status)[i] == 1;
    t.person_time[g] += (exit[i] - start) * scale;
  }
  return t;
}

Result<std::vector<GroupRate>> Run(const RatesArgs& args, GroupRate& overall) {
  if (args.time_unit != "years" && args.time_unit != "days") {
    return InvalidArgument(fmt::format("--time-unit {}: choose years or days", args.time_unit));
  }
  std::vector<ColumnRequest> columns = {{args.time, ColumnKind::kNumber},
                                        {args.status, ColumnKind::kNumber}};
  if (!args.entry.empty()) columns.push_back({args.entry, ColumnKind::kNumber});
  if (!args.group.empty()) columns.push_back({args.group, ColumnKind::kText});
  auto table = AnalysisTable::Load(args.input, std::move(columns));
  if (!table) return std::unexpected(table.error());
  const std::vector<std::string> labels =
      args.group.empty() ? std::vector<std::string>{"all"} : table->Text(args.group).levels;
  auto totals = Tally(args, *table, labels.size());
  if (!totals) return std::unexpected(totals.error());
  int64_t all_events = 0;
  double all_time = 0;
  std::vector<GroupRate> rates(labels.size());
  for (size_t g = 0; g < labels.size(); ++g) {
    all_events += totals->events[g];
    all_time += totals->person_time[g];
    overall.n += totals->n[g];
    auto rate = stats::ExactPoissonRate(totals->events[g], totals->person_time[g], args.per,
                                        args.conf_level);
    if (!rate) return std::unexpected(rate.error().WithContext("group " + labels[g]));
    rates[g] = {labels[g], totals->n[g], *rate, std::nullopt};
  }
  auto all = stats::ExactPoissonRate(all_events, all_time, args.per, args.conf_level);
  if (!all) return std::unexpected(all.error());
  overall.label = "all";
  overall.rate = *all;
  for (size_t g = 0; rates.size() > 1 && g < rates.size(); ++g) {
    auto test = stats::ExactRateRatioTest(rates[g].rate.events, rates[g].rate.person_time,
                                          all_events - rates[g].rate.events,
                                          all_time - rates[g].rate.person_time, args.conf_level);
    if (test) rates[g].vs_rest = *test;  // no person-time outside the group: no comparison
  }
  return rates;
}

void AppendRateJson(std::string& out, const GroupRate& r) {
  out += fmt::format("\"n\":{},\"events\":{},\"person_years\":", r.n, r.rate.events);
  AppendJsonNumber(out, r.rate.person_time);
  for (auto [name, value] : {std::pair{"rate", r.rate.rate}, std::pair{"lower", r.rate.lower},
                             std::pair{"upper", r.rate.upper}}) {
    out += fmt::format(",\"{}\":", name);
    AppendJsonNumber(out, value);
  }
  if (!r.vs_rest) return;
  out += ",\"vs_rest\":{\"rate_ratio\":";
  AppendJsonNumber(out, r.vs_rest->estimate);
  for (auto [name, value] :
       {std::pair{"lower", r.vs_rest->lower}, std::pair{"upper", r.vs_rest->upper},
        std::pair{"p_value", r.vs_rest->p_value}}) {
    out += fmt::format(",\"{}\":", name);
    AppendJsonNumber(out, value);
  }
  out += '}';
}

std::string RenderJson(const RatesArgs& args, const GroupRate& overall,
                       const std::vector<GroupRate>& rates) {
  std::string out = "{\"per\":";
  AppendJsonNumber(out, args.per);
  out += ",\"time_unit\":";
  AppendJsonString(out, args.time_unit);
  out += ",\"conf_level\":";
  AppendJsonNumber(out, args.conf_level);
  out += ",\"overall\":{";
  AppendRateJson(out, overall);
  out += "},\"groups\":[";
  for (size_t g = 0; g < rates.size(); ++g) {
    out += g == 0 ? "\n{\"group\":" : ",\n{\"group\":";
    AppendJsonString(out, rates[g].label);
    out += ',';
    AppendRateJson(out, rates[g]);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::string Render(const RatesArgs& args, OutputFormat format, const GroupRate& overall,
                   const std::vector<GroupRate>& rates) {
  if (format == OutputFormat::kJson) return RenderJson(args, overall, rates);
  const bool csv = format == OutputFormat::kCsv;
  auto cell = [csv](double v) {
    if (!std::isfinite(v)) return std::string(std::isnan(v) ? "" : "Inf");
    return csv ? fmt::format("{}", v) : fmt::format("{:.4f}", v);
  };
  const std::string per = fmt::format("{}", args.per);
  Table table({"group", "n", "events", "person_years", "rate_per_" + per, "lower", "upper",
               "rate_ratio_vs_rest", "rr_lower", "rr_upper", "p_value"});
  std::vector<const GroupRate*> rows;
  rows.reserve(rates.size() + 1);
  for (const GroupRate& g : rates) rows.push_back(&g);
  rows.push_back(&overall);
  for (const GroupRate* r : rows) {
    std::vector<std::string> row = {r->label,
                                    fmt::format("{}", r->n),
                                    fmt::format("{}", r->rate.events),
                                    cell(r->rate.person_time),
                                    cell(r->rate.rate),
                                    cell(r->rate.lower),
                                    cell(r->rate.upper)};
    for (double v : r->vs_rest ? std::vector<double>{r->vs_rest->estimate, r->vs_rest->lower,
                                                     r->vs_rest->upper, r->vs_rest->p_value}
                               : std::vector<double>(4, std::nan(""))) {
      row.push_back(cell(v));
    }
    table.AddRow(std::move(row));
  }
  return csv ? table.RenderCsv() : table.RenderText();
}

}  // namespace

void AddRatesCommand(CLI::App& app, const Environment&) {
  auto args = std::make_shared<RatesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rates",
      "Patient-time incidence rates by group from a CSV, with exact Poisson intervals and exact "
      "rate-ratio tests against the rest of the cohort (equal to R poisson.test).");
  cmd->add_option("--input", args->input, "CSV file with a header row")->required();
  cmd->add_option("--time", args->time, "column: exit time")->required();
  cmd->add_option("--status", args->status, "column: 0 censored, 1 event")->required();
  cmd->add_option("--group", args->group, "column: group label");
  cmd->add_option("--entry", args->entry, "column: start of follow-up (default 0)");
  cmd->add_option("--competing-code", args->competing_code,
                  "status value that ends follow-up without being an event (e.g. 2, death)");
  cmd->add_option("--per", args->per, "rate per this many person-years: 100 (default) or 1000");
  cmd->add_option("--time-unit", args->time_unit, "years (default) or days (/ 365.25)");
  cmd->add_option("--conf-level", args->conf_level, "confidence level (default 0.95)");
  cmd->add_option("--format", args->format, "table, json or csv");
  cmd->callback([args, cmd] {
    args->has_competing = cmd->count("--competing-code") > 0;
    if (args->per != 100 && args->per != 1000) {
      Fail(kRates, Error(ErrorCode::kInvalidArgument,
                         fmt::format("--per {}: choose 100 or 1000", args->per)));
    }
    const OutputFormat format = ValueOrFail(kRates, ParseOutputFormat(args->format));
    GroupRate overall;
    const std::vector<GroupRate> rates = ValueOrFail(kRates, Run(*args, overall));
    const std::string out = Render(*args, format, overall, rates);
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace orp::cli
