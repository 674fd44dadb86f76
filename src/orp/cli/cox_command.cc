// `orp cox`: Cox proportional-hazards regression on any CSV, so anyone can check ORP against
// R's coxph (Surv(time, status) ~ covariates + factors + strata(s)). Rows with an empty or "NA"
// value in a column the model uses are left out, as coxph's default na.omit does; the table
// says how many.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/csv_reader.h"
#include "orp/core/text.h"
#include "orp/stats/cox.h"
#include "orp/stats/cox_design.h"

namespace orp::cli {
namespace {

constexpr std::string_view kCommand = "cox";

struct CoxArgs {
  std::string input, time, status, ties = "efron", strata, format = "table";
  std::vector<std::string> covariates, factors;
  double conf_level = 0.95;
};

// The model's columns, as text, after dropping rows with a missing value in any of them.
struct LoadedColumns {
  std::vector<std::vector<std::string>> cells;  // one per requested column
  size_t omitted = 0;
};

bool IsMissing(std::string_view cell) { return cell.empty() || cell == "NA"; }

// TODO(#6): load through cli/analysis_input (shared by the analysis commands) once it is in
// main; until then the columns are read here with the core CSV reader.
Result<LoadedColumns> LoadColumns(const std::string& path, const std::vector<std::string>& names) {
  auto reader = CsvReader::Open(path);
  if (!reader) return std::unexpected(reader.error());
  std::vector<size_t> index;
  for (const std::string& name : names) {
    auto column = reader->Column(name);
    if (!column) return std::unexpected(column.error());
    index.push_back(*column);
  }
  LoadedColumns out;
  out.cells.resize(names.size());
  CsvRecord record;
  while (true) {
    auto more = reader->Next(&record);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    bool missing = false;
    for (size_t i : index) missing = missing || i >= record.size() || IsMissing(Trim(record[i]));
    if (missing) {
      ++out.omitted;
      continue;
    }
    for (size_t c = 0; c < index.size(); ++c) out.cells[c].emplace_back(Trim(record[index[c]]));
  }
  return out;
}

Result<std::vector<double>> ParseNumbers(const std::string& column,
                                         const std::vector<std::string>& cells) {
  std::vector<double> values(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    const char* end = cells[i].data() + cells[i].size();
    auto [ptr, ec] = std::from_chars(cells[i].data(), end, values[i]);
    if (ec != std::errc() || ptr != end || !std::isfinite(values[i])) {
      return InvalidArgument(fmt::format("column '{}' row {}: '{}' is not a number", column, i + 1,
                                         Printable(cells[i])));
    }
  }
  return values;
}

Result<std::vector<int32_t>> ParseStatus(const std::string& column,
                                         const std::vector<std::string>& cells) {
  std::vector<int32_t> status(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] != "0" && cells[i] != "1") {
      return InvalidArgument(
          fmt::format("column '{}' row {}: '{}' is not a status; use 0 (censored) or 1 (event)",
                      column, i + 1, Printable(cells[i])));
    }
    status[i] = cells[i] == "1" ? 1 : 0;
  }
  return status;
}

struct Model {
  stats::CoxFit fit;
  size_t omitted = 0;
  std::vector<std::string> references;  // "brand=Alpha"
};

Result<Model> FitFromCsv(const CoxArgs& args, const stats::CoxOptions& options) {
  std::vector<std::string> names = {args.time, args.status};
  names.insert(names.end(), args.covariates.begin(), args.covariates.end());
  names.insert(names.end(), args.factors.begin(), args.factors.end());
  if (!args.strata.empty()) names.push_back(args.strata);
  auto loaded = LoadColumns(args.input, names);
  if (!loaded) return std::unexpected(loaded.error());
  auto time = ParseNumbers(args.time, loaded->cells[0]);
  if (!time) return std::unexpected(time.error());
  auto status = ParseStatus(args.status, loaded->cells[1]);
  if (!status) return std::unexpected(status.error());
  std::vector<std::vector<double>> numeric_values;
  std::vector<stats::NumericCovariate> numeric;
  for (size_t i = 0; i < args.covariates.size(); ++i) {
    auto values = ParseNumbers(args.covariates[i], loaded->cells[2 + i]);
    if (!values) return std::unexpected(values.error());
    numeric_values.push_back(std::move(*values));
  }
  for (size_t i = 0; i < args.covariates.size(); ++i) {
    numeric.push_back({args.covariates[i], numeric_values[i]});
  }
  std::vector<stats::FactorLevels> coded;
  for (size_t i = 0; i < args.factors.size(); ++i) {
    coded.push_back(stats::EncodeLevels(loaded->cells[2 + args.covariates.size() + i]));
  }
  std::vector<stats::FactorCovariate> factors;
  for (size_t i = 0; i < args.factors.size(); ++i) {
    factors.push_back({args.factors[i], coded[i].codes, coded[i].levels});
  }
  auto design = stats::BuildCoxDesign(time->size(), numeric, factors);
  if (!design) return std::unexpected(design.error());
  stats::FactorLevels strata;
  if (!args.strata.empty()) strata = stats::EncodeLevels(loaded->cells.back());
  auto fit = stats::FitCox({*time, *status, design->matrix, design->names, strata.codes}, options);
  if (!fit) return std::unexpected(fit.error());
  Model model{std::move(*fit), loaded->omitted, {}};
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
  if (model.omitted > 0) {
    out += fmt::format("({} rows with a missing value left out)\n", model.omitted);
  }
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
  const OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(args.format));
  stats::CoxOptions options;
  options.ties = ValueOrFail(kCommand, stats::ParseCoxTies(args.ties));
  options.conf_level = args.conf_level;
  if (args.covariates.empty() && args.factors.empty()) {
    Fail(kCommand, Error(ErrorCode::kInvalidArgument,
                         "name at least one column in --covariates or --factors"));
  }
  const Model model = ValueOrFail(kCommand, FitFromCsv(args, options));
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
