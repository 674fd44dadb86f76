#include "orp/surveillance/benchmarks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>

#include "orp/core/date.h"
#include "orp/stats/kaplan_meier.h"

namespace orp::surveillance {
namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

Result<double> NumberField(const std::string& text, int line, std::string_view field) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value)) {
    return InvalidArgument(
        fmt::format("benchmark criteria line {}: {} '{}' is not a number", line, field, text));
  }
  return value;
}

constexpr std::string_view kHeader =
    "registry,device_type,year,letter,min_cohort,min_at_risk,margin,max_upper_revision";

}  // namespace

Result<std::vector<ClassCriterion>> ParseBenchmarkCriteria(std::string_view csv) {
  std::vector<ClassCriterion> out;
  std::stringstream in{std::string(csv)};
  std::string line;
  bool header = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    if (!header) {
      if (line != kHeader) {
        return InvalidArgument(
            fmt::format("benchmark criteria line {}: the header must be '{}'", number, kHeader));
      }
      header = true;
      continue;
    }
    const std::vector<std::string> cells = SplitCsv(line);
    if (cells.size() != 8) {
      return InvalidArgument(
          fmt::format("benchmark criteria line {}: {} fields, expected 8", number, cells.size()));
    }
    ClassCriterion c{cells[0], cells[1], {}};
    auto year = NumberField(cells[2], number, "year");
    auto cohort = NumberField(cells[4], number, "min_cohort");
    auto at_risk = NumberField(cells[5], number, "min_at_risk");
    auto margin = NumberField(cells[6], number, "margin");
    for (const auto* field : {&year, &cohort, &at_risk, &margin})
      if (!*field) return std::unexpected(field->error());
    c.criterion.year = *year;
    c.criterion.letter = cells[3];
    c.criterion.min_cohort = static_cast<int64_t>(*cohort);
    c.criterion.min_at_risk = static_cast<int64_t>(*at_risk);
    c.criterion.margin = *margin;
    if (!cells[7].empty()) {
      auto ceiling = NumberField(cells[7], number, "max_upper_revision");
      if (!ceiling) return std::unexpected(ceiling.error());
      c.criterion.max_upper_revision = *ceiling;
    }
    if (c.registry.empty() || c.device_type.empty() || c.criterion.letter.empty()) {
      return InvalidArgument(fmt::format(
          "benchmark criteria line {}: registry, device_type and letter must not be empty",
          number));
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<ClassCriterion>> LoadBenchmarkCriteria(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(fmt::format("benchmark criteria file '{}' cannot be read", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseBenchmarkCriteria(text.str());
}

namespace {

// The signal for a model that has the numbers for a year and meets none of its criteria.
// `criteria[i]` is the criterion of r.rating.evaluations[i].
std::optional<storage::Signal> FailedBenchmark(
    const Cohort& c, const ModelRating& r, std::span<const stats::BenchmarkCriterion> criteria) {
  std::map<double, std::vector<size_t>> by_year;
  for (size_t i = 0; i < r.rating.evaluations.size(); ++i)
    by_year[r.rating.evaluations[i].year].push_back(i);
  for (auto it = by_year.rbegin(); it != by_year.rend(); ++it) {
    const stats::BenchmarkEvaluation* judged = nullptr;  // the last (weakest) with the numbers
    bool met = false;
    for (size_t i : it->second) {
      const stats::BenchmarkEvaluation& e = r.rating.evaluations[i];
      met |= e.met;
      if (e.cohort >= criteria[i].min_cohort && e.at_risk >= criteria[i].min_at_risk) judged = &e;
    }
    if (met || judged == nullptr) continue;
    storage::Signal s;
    s.registry = r.registry;
    s.unit_kind = storage::SignalUnitKind::kDeviceModel;
    s.unit = r.model;
    s.method = "benchmark";
    s.data_cut = c.data_cut;
    s.statistic = judged->upper_revision;
    s.threshold = judged->threshold;
    s.what = fmt::format(
        "fails the {:g}-year benchmark: revision {:.1f}% (upper limit {:.1f}%) against {:.1f}% "
        "({} past year {:g})",
        judged->year, 100 * judged->revision, 100 * judged->upper_revision, 100 * judged->threshold,
        judged->at_risk, judged->year);
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& e : r.rating.evaluations) {
      evidence.push_back(
          {{"year", e.year},
           {"letter", e.letter},
           {"cohort", e.cohort},
           {"at_risk", e.at_risk},
           {"revision", e.revision},
           {"upper_revision", std::isfinite(e.upper_revision) ? nlohmann::json(e.upper_revision)
                                                              : nlohmann::json(nullptr)},
           {"threshold", e.threshold},
           {"met", e.met},
           {"reason", e.reason}});
    }
    s.evidence_json = nlohmann::json{{"class", r.device_class},
                                     {"rating", r.rating.rating},
                                     {"evaluations", std::move(evidence)}}
                          .dump();
    return s;
  }
  return std::nullopt;
}

}  // namespace

Result<BenchmarkResult> RateDeviceModels(const Cohort& c,
                                         const std::vector<ClassCriterion>& criteria) {
  BenchmarkResult out;
  const ImplantCohort& x = c.implants;
  for (size_t k = 0; k < x.classes.size(); ++k) {
    const std::string& registry = c.registries[static_cast<size_t>(x.class_registry[k])];
    const std::string type = x.classes[k].substr(registry.size() + 1);
    std::vector<stats::BenchmarkCriterion> mine;
    for (const ClassCriterion& cc : criteria)
      if (cc.registry == registry && (cc.device_type == "*" || cc.device_type == type))
        mine.push_back(cc.criterion);
    if (mine.empty()) continue;
    // The class's rows as groups by model (codes local to the class), plus the class as a whole.
    std::vector<int32_t> exit, group;
    std::vector<int8_t> status;
    std::map<int32_t, int32_t> local;  // model -> group
    for (size_t i = 0; i < x.size(); ++i) {
      if (x.device_class[i] != static_cast<int32_t>(k)) continue;
      exit.push_back(x.exit_day[i] - x.entry_day[i]);
      status.push_back(x.status[i]);
      group.push_back(
          local.try_emplace(x.model[i], static_cast<int32_t>(local.size())).first->second);
    }
    if (local.empty()) continue;  // a registry left out of an incremental run (RegistriesOf)
    stats::KaplanMeierOptions km;
    km.conf_type = stats::ConfType::kLogLog;
    auto whole = stats::KaplanMeier(stats::SurvivalDays{exit, status}, km);
    if (!whole) return std::unexpected(whole.error());
    auto curves = stats::KaplanMeier(
        stats::SurvivalDays{exit, status, {}, group, static_cast<int32_t>(local.size())}, km);
    if (!curves) return std::unexpected(curves.error());
    std::vector<double> years;  // distinct, increasing, as SummariseAt returns them
    for (const auto& m : mine) years.push_back(m.year);
    std::sort(years.begin(), years.end());
    years.erase(std::unique(years.begin(), years.end()), years.end());
    std::vector<double> days;
    for (double y : years) days.push_back(y * kDaysPerYear);
    const auto at = stats::SummariseAt(whole->front(), days, true);
    std::vector<stats::ClassRevision> class_revision;
    for (size_t y = 0; y < years.size() && y < at.size(); ++y)
      class_revision.push_back({years[y], 1 - at[y].surv});
    for (const auto& [model, g] : local) {
      auto rating = stats::RateAgainstBenchmarks((*curves)[static_cast<size_t>(g)], class_revision,
                                                 mine, kDaysPerYear);
      if (!rating) return std::unexpected(rating.error());
      ModelRating r{registry, x.classes[k], c.models[static_cast<size_t>(model)],
                    std::move(*rating)};
      if (auto s = FailedBenchmark(c, r, mine)) out.signals.push_back(std::move(*s));
      out.ratings.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace orp::surveillance
