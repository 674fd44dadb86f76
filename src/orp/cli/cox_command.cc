// `orp cox`: Cox proportional-hazards regression on any CSV, so anyone can check ORP against
// R's coxph (Surv(time, status) ~ covariates + factors + strata(s)). Columns are loaded by
// AnalysisTable, which refuses an empty cell in a column the model uses (R would drop the row
// with na.omit: drop such rows first to compare).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orp/cli/analysis_input.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/stats/cox.h"
#include "orp/stats/cox_design.h"

namespace orp::cli {
namespace {

constexpr std::string_view kCox = "cox";

struct CoxArgs {
  std::string input, time, status, ties = "efron", strata, format = "table";
  std::vector<std::string> covariates, factors;
  double conf_level = 0.95;
};

struct Model {
  stats::CoxFit fit;
  std::vector<std::string> references;  // "brand=Alpha"
};

Result<AnalysisTable> LoadModelColumns(const CoxArgs& args) {
  std::vector<ColumnRequest> requests = {{args.time, ColumnKind::kNumber},
                                         {args.status, ColumnKind::kNumber}};
  for (const std::string& name : args.covariates) requests.push_back({name, ColumnKind::kNumber});
  for (const std::string& name : args.factors) requests.push_back({name, ColumnKind::kText});
  if (!args.strata.empty()) requests.push_back({args.strata, ColumnKind::kText});
  for (size_t i = 0; i < requests.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (requests[i].name == requests[j].name) {
        return InvalidArgument(fmt::format(
            "column '{}' is named twice; each column has one role in the model", requests[i].name));
      }
    }
  }
  return AnalysisTable::Load(args.input, std::move(requests));
}

Result<Model> FitFromCsv(const CoxArgs& args, const stats::CoxOptions& options) {
  auto table = LoadModelColumns(args);
  if (!table) return std::unexpected(table.error());
  auto events = EventStatus(*table, args.status, std::nullopt);
  if (!events) return std::unexpected(events.error());
  const std::vector<int32_t> status(events->begin(), events->end());
  std::vector<stats::NumericCovariate> numeric;
  for (const std::string& name : args.covariates) numeric.push_back({name, table->Numbers(name)});
  std::vector<stats::FactorCovariate> factors;
  for (const std::string& name : args.factors) {
    const TextColumn& column = table->Text(name);
    factors.push_back({name, column.codes, column.levels});
  }
  auto design = stats::BuildCoxDesign(table->rows(), numeric, factors);
  if (!design) return std::unexpected(design.error());
  std::span<const int32_t> strata;
  if (!args.strata.empty()) strata = table->Text(args.strata).codes;
  auto fit = stats::FitCox(
      {table->Numbers(args.time), status, design->matrix, design->names, strata}, options);
  if (!fit) return std::unexpected(fit.error().WithContext(args.input));
  Model model{std::move(*fit), {}};
  for (size_t i = 0; i < args.factors.size(); ++i) {
    model.references.push_back(args.factors[i] + "=" + design->reference_levels[i]);
  }
  return model;
}

std::string Json(const stats::CoxFit& fit) {
  nlohmann::ordered_json out;
  out["n"] = fit.n;
  out["events"] = fit.events;
  out["ties"] = stats::CoxTiesName(fit.ties);
  out["loglik_null"] = fit.loglik_null;
  out["loglik"] = fit.loglik;
  out["iterations"] = fit.iterations;
  out["coefficients"] = nlohmann::ordered_json::array();
  for (const stats::CoxCoefficient& c : fit.coefficients) {
    out["coefficients"].push_back({{"name", c.name},
                                   {"coef", c.coef},
                                   {"se", c.se},
                                   {"z", c.z},
                                   {"p", c.p},
                                   {"hr", c.hr},
                                   {"hr_lower", c.hr_lower},
                                   {"hr_upper", c.hr_upper}});
  }
  return out.dump(2) + "\n";
}

// For people six significant digits; for machines (CSV) every digit, as JSON has.
Table CoefficientTable(const stats::CoxFit& fit, double conf_level, bool all_digits) {
  const std::string level = fmt::format("{:g}%", conf_level * 100);
  Table table(
      {"covariate", "coef", "hr", "se", "z", "p", "hr_lower " + level, "hr_upper " + level});
  const auto number = [all_digits](double value, int digits) {
    return all_digits ? fmt::format("{}", value) : fmt::format("{:.{}g}", value, digits);
  };
  for (const stats::CoxCoefficient& c : fit.coefficients) {
    table.AddRow({c.name, number(c.coef, 6), number(c.hr, 6), number(c.se, 6), number(c.z, 4),
                  number(c.p, 4), number(c.hr_lower, 6), number(c.hr_upper, 6)});
  }
  return table;
}

std::string Text(const Model& model, double conf_level) {
  const stats::CoxFit& fit = model.fit;
  std::string out =
      fmt::format("Cox proportional hazards: n = {}, events = {}, ties = {}, strata = {}\n", fit.n,
                  fit.events, stats::CoxTiesName(fit.ties), fit.strata);
  for (const std::string& reference : model.references) {
    out += fmt::format("reference level: {}\n", reference);
  }
  out += "\n" + CoefficientTable(fit, conf_level, false).RenderText() + "\n";
  out += fmt::format("log-likelihood: null {:.6f}, model {:.6f} ({} iterations)\n", fit.loglik_null,
                     fit.loglik, fit.iterations);
  const auto test = [&](std::string_view name, double statistic) {
    return fmt::format("{:<22} {:>10.4f} on {} df, p = {:.4g}\n", name, statistic, fit.df,
                       stats::ChiSquarePValue(statistic, fit.df));
  };
  out += test("likelihood ratio test", fit.likelihood_ratio_test);
  out += test("Wald test", fit.wald_test);
  out += test("score (log-rank) test", fit.score_test);
  return out;
}

void Run(const CoxArgs& args) {
  const OutputFormat format = ValueOrFail(kCox, ParseOutputFormat(args.format));
  stats::CoxOptions options;
  options.ties = ValueOrFail(kCox, stats::ParseCoxTies(args.ties));
  options.conf_level = args.conf_level;
  if (args.covariates.empty() && args.factors.empty()) {
    Fail(kCox, Error(ErrorCode::kInvalidArgument,
                     "name at least one column in --covariates or --factors"));
  }
  const Model model = ValueOrFail(kCox, FitFromCsv(args, options));
  switch (format) {
    case OutputFormat::kJson: fmt::print("{}", Json(model.fit)); break;
    case OutputFormat::kCsv:
      fmt::print("{}", CoefficientTable(model.fit, args.conf_level, true).RenderCsv());
      break;
    case OutputFormat::kTable: fmt::print("{}", Text(model, args.conf_level)); break;
  }
}

}  // namespace

void AddCoxCommand(CLI::App& app, const Environment&) {
  auto args = std::make_shared<CoxArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cox",
      "Cox proportional-hazards regression on a CSV: hazard ratios with Wald intervals, as R's "
      "coxph(Surv(time, status) ~ covariates + factors + strata(s)).");
  cmd->add_option("--input", args->input, "CSV file with a header row")->required();
  cmd->add_option("--time", args->time, "column: follow-up time")->required();
  cmd->add_option("--status", args->status, "column: 1 event, 0 censored")->required();
  cmd->add_option("--covariates", args->covariates, "numeric columns, comma-separated")
      ->delimiter(',');
  cmd->add_option("--factors", args->factors,
                  "categorical columns, comma-separated; the first level in sort order is the "
                  "reference, a level is reported as column=level")
      ->delimiter(',');
  cmd->add_option("--ties", args->ties, "efron (as R) or breslow (as SAS, Stata)")
      ->capture_default_str();
  cmd->add_option("--strata", args->strata, "column: a separate baseline hazard per value");
  cmd->add_option("--conf-level", args->conf_level, "for the hazard-ratio intervals")
      ->capture_default_str();
  cmd->add_option("--format", args->format, "table, json or csv")->capture_default_str();
  cmd->callback([args] { Run(*args); });
}

}  // namespace orp::cli
