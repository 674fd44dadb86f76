// Surgeon and hospital methods: funnel plots of revision and 90-day mortality O/E, and the
// risk-adjusted CUSUM of revision within a year (methods.h).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <span>
#include <string_view>

#include "orp/stats/cusum.h"
#include "orp/surveillance/methods.h"
#include "orp/surveillance/risk_model.h"

namespace orp::surveillance {
namespace {

using nlohmann::json;
using storage::SignalUnitKind;

struct UnitColumn {
  SignalUnitKind kind;
  const std::vector<int32_t>* codes;
  const std::vector<std::string>* names;
};

std::array<UnitColumn, 2> Units(const Cohort& c) {
  return {{{SignalUnitKind::kSurgeon, &c.surgeon, &c.surgeons},
           {SignalUnitKind::kHospital, &c.hospital, &c.hospitals}}};
}

int32_t CutDay(const Cohort& c) {
  return static_cast<int32_t>(c.data_cut.time_since_epoch().count());
}

// Observed and expected of one unit.
struct UnitOE {
  int32_t code;
  double observed;
  double expected;
};

// Observed and expected per unit code over `rows`, given each row's outcome and its expected
// value from a risk model (risk_model.h): units with rows, in code order, each summed in row
// order.
std::vector<UnitOE> ObservedExpected(const std::vector<int32_t>& codes, size_t units,
                                     std::span<const size_t> rows, std::span<const double> observed,
                                     std::span<const double> expected) {
  std::vector<double> o(units, 0.0), e(units, 0.0);
  std::vector<uint8_t> seen(units, 0);
  for (size_t k = 0; k < rows.size(); ++k) {
    const int32_t code = codes[rows[k]];
    if (code == kNoUnit) continue;
    const auto u = static_cast<size_t>(code);
    seen[u] = 1;
    o[u] += observed[k];
    e[u] += expected[k];
  }
  std::vector<UnitOE> oe;
  for (size_t u = 0; u < units; ++u) {
    if (seen[u] != 0) oe.push_back({static_cast<int32_t>(u), o[u], e[u]});
  }
  return oe;
}

void Note(std::vector<std::string>* notes, std::string text) {
  if (notes != nullptr) notes->push_back(std::move(text));
}

// One funnel over the units of one registry; signals for the units beyond the limits.
Result<void> FunnelFor(const Cohort& c, const UnitColumn& unit, int32_t registry,
                       const std::vector<UnitOE>& oe, const std::string& method,
                       const std::string& outcome, const json& model, const MethodOptions& options,
                       std::vector<storage::Signal>& out) {
  std::vector<int32_t> codes;
  std::vector<double> observed, expected;
  for (const UnitOE& unit_oe : oe) {
    if (unit_oe.expected < options.min_expected) continue;  // insufficient data
    codes.push_back(unit_oe.code);
    observed.push_back(unit_oe.observed);
    expected.push_back(unit_oe.expected);
  }
  if (codes.size() < 2) return {};
  stats::FunnelOptions funnel;
  funnel.indicator = stats::FunnelIndicator::kRatio;
  funnel.overdispersion = unit.kind == SignalUnitKind::kHospital ? options.hospital_overdispersion
                                                                 : options.overdispersion;
  auto plot = stats::MakeFunnelPlot(observed, expected, funnel);
  if (!plot) return std::unexpected(plot.error());
  if (plot->overdispersion != stats::Overdispersion::kNone &&
      plot->fit.chi2_p >= options.overdispersion_test_p) {
    funnel.overdispersion = stats::Overdispersion::kNone;  // no evidence: keep exact limits
    plot = stats::MakeFunnelPlot(observed, expected, funnel);
    if (!plot) return std::unexpected(plot.error());
  }
  for (size_t k = 0; k < codes.size(); ++k) {
    const stats::FunnelPoint& p = plot->points[k];
    const bool alarm = p.classification == stats::FunnelClass::kAlarmHigh;
    const bool alert = p.classification == stats::FunnelClass::kAlertHigh;
    if (!alarm && !(alert && options.signal_alerts)) continue;
    storage::Signal s;
    s.registry = c.registries[static_cast<size_t>(registry)];
    s.unit_kind = unit.kind;
    s.unit = (*unit.names)[static_cast<size_t>(codes[k])];
    s.method = method;
    s.data_cut = c.data_cut;
    s.statistic = p.y;
    s.threshold = alarm ? p.limits.upper998 : p.limits.upper95;
    s.what = fmt::format("{} O/E {:.2f} ({} observed, {:.1f} expected): {}", outcome, p.y,
                         p.observed, p.size, stats::FunnelClassName(p.classification));
    s.evidence_json = json{
        {"observed", p.observed},
        {"expected", p.size},
        {"ratio", p.y},
        {"z", p.z},
        {"classification", stats::FunnelClassName(p.classification)},
        {"limits", {p.limits.lower998, p.limits.lower95, p.limits.upper95, p.limits.upper998}},
        {"overdispersion", stats::OverdispersionName(plot->overdispersion)},
        {"phi", plot->fit.phi},
        {"overdispersion_p", plot->fit.chi2_p},
        {"tau2", plot->fit.tau2},
        {"risk_model", model},
        {"units",
         codes.size()}}.dump();
    out.push_back(std::move(s));
  }
  return {};
}

}  // namespace

namespace {

// Covariate patterns of a kept model, as slots of a dense table: age band (6 levels) x sex (3)
// x ASA (6) x the indication's place in the kept model's list, 0 for none recorded (or a model
// without indication: `kept_indication` null, one slot).
constexpr size_t kNoPattern = std::numeric_limits<size_t>::max();
constexpr double kNotSeen = std::numeric_limits<double>::quiet_NaN();

size_t PatternSlots(size_t kept_indications, bool with_indication) {
  return 6 * 3 * 6 * (with_indication ? kept_indications + 1 : 1);
}

// Row i's slot; kNoPattern when a level is out of range or its indication is not in the kept
// list (`kept_indication[code]`: the place, or -1).
size_t KeptPattern(const Cohort& c, size_t i, const std::vector<int32_t>* kept_indication) {
  const auto age = static_cast<size_t>(c.age_band[i]), sex = static_cast<size_t>(c.sex[i]),
             asa = static_cast<size_t>(c.asa[i]);
  if (age >= 6 || sex >= 3 || asa >= 6) return kNoPattern;
  const size_t mix = (age * 3 + sex) * 6 + asa;
  if (kept_indication == nullptr) return mix;
  const int32_t code = c.indication[i];
  const int32_t place = code == kNoUnit ? -1 : (*kept_indication)[static_cast<size_t>(code)];
  if (code != kNoUnit && place < 0) return kNoPattern;
  return mix * (kept_indication->size() + 1) + static_cast<size_t>(place + 1);
}

// The cohort's indication codes as places in `names` (-1 when not there).
std::vector<int32_t> IndicationIndex(const Cohort& c, const std::vector<std::string>& names) {
  std::map<std::string_view, int32_t> at;
  for (size_t k = 0; k < names.size(); ++k) at.emplace(names[k], static_cast<int32_t>(k));
  std::vector<int32_t> out(c.indications.size(), -1);
  for (size_t k = 0; k < c.indications.size(); ++k)
    if (auto it = at.find(c.indications[k]); it != at.end()) out[k] = it->second;
  return out;
}

// The kept model's risk for each of `rows` (into `risk`); false when a row's pattern is not in
// it (a case mix the kept fit never saw: the caller fits again).
bool KeptRisks(const Cohort& c, const std::vector<size_t>& rows, const KeptCusumModel& kept,
               std::vector<double>& risk) {
  const std::vector<int32_t> index = IndicationIndex(c, kept.indications);
  for (size_t i : rows) {
    const size_t slot = KeptPattern(c, i, &index);
    if (slot == kNoPattern || std::isnan(kept.risk[slot])) return false;
    risk[i] = kept.risk[slot];
  }
  return true;
}

// The model fitted on `rows` (their risks in `risk`) as a kept one.
KeptCusumModel KeepCusumModel(const Cohort& c, const std::vector<size_t>& rows,
                              const std::vector<double>& risk, std::vector<std::string> terms,
                              double h, int64_t change) {
  KeptCusumModel kept{std::move(terms), c.indications, {}, h, change};
  kept.risk.assign(PatternSlots(c.indications.size(), true), kNotSeen);
  std::vector<int32_t> index(c.indications.size());
  std::iota(index.begin(), index.end(), 0);
  for (size_t i : rows) {
    const size_t slot = KeptPattern(c, i, &index);
    if (slot != kNoPattern && std::isnan(kept.risk[slot])) kept.risk[slot] = risk[i];
  }
  return kept;
}

// The kept funnel model's expected value for each of `rows`, in order; nullopt when a row's
// pattern is not in it (the caller fits again).
std::optional<std::vector<double>> KeptExpected(const Cohort& c, std::span<const size_t> rows,
                                                const KeptFunnelModel& kept, bool cox) {
  const std::vector<int32_t> index = IndicationIndex(c, kept.indications);
  std::vector<double> expected(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    const size_t i = rows[k];
    const size_t slot = KeptPattern(c, i, cox ? &index : nullptr);
    if (slot == kNoPattern || std::isnan(kept.by_pattern[slot])) return std::nullopt;
    expected[k] = kept.by_pattern[slot];
    if (cox) {
      const auto day = static_cast<size_t>(std::max(0, c.exit_day[i] - c.entry_day[i]));
      expected[k] *=
          kept.baseline.empty() ? 0.0 : kept.baseline[std::min(day, kept.baseline.size() - 1)];
    }
  }
  return expected;
}

// A funnel model fitted on `rows` as a kept one. Cox: the baseline at a row's follow-up is its
// expected count over exp(x'b), carried forward over the days no row ends on (it only steps at
// event times, and every event is a row's).
KeptFunnelModel KeepFunnelModel(const Cohort& c, std::span<const size_t> rows,
                                const RiskModel& model, bool cox, int64_t change) {
  KeptFunnelModel kept{model.terms, c.indications, {}, {}, change};
  kept.by_pattern.assign(PatternSlots(c.indications.size(), cox), kNotSeen);
  std::vector<int32_t> index(c.indications.size());
  std::iota(index.begin(), index.end(), 0);
  auto keep = [&](size_t i, double value) {
    const size_t slot = KeptPattern(c, i, cox ? &index : nullptr);
    if (slot != kNoPattern && std::isnan(kept.by_pattern[slot])) kept.by_pattern[slot] = value;
  };
  if (!cox) {
    for (size_t k = 0; k < rows.size(); ++k) keep(rows[k], model.expected[k]);
    return kept;
  }
  int32_t last_day = 0;
  for (size_t i : rows) last_day = std::max(last_day, c.exit_day[i] - c.entry_day[i]);
  std::vector<double> at(static_cast<size_t>(last_day) + 1, -1.0);
  for (size_t k = 0; k < rows.size(); ++k) {
    const size_t i = rows[k];
    const double r = model.relative_risk.empty() ? 1.0 : model.relative_risk[k];
    keep(i, r);
    double& h = at[static_cast<size_t>(std::max(0, c.exit_day[i] - c.entry_day[i]))];
    if (h < 0) h = model.expected[k] / r;
  }
  double carried = 0;
  for (double& h : at) carried = h = h < 0 ? carried : h;
  kept.baseline = std::move(at);
  return kept;
}

// The risk model of one funnel: the kept one when `increment` asks for kept models and it
// covers `rows` (its json then says which change it was fitted at), else `fit()`, kept when
// `increment` keeps models.
Result<RiskModel> FunnelModel(const Cohort& c, std::span<const size_t> rows, const std::string& key,
                              bool cox, const Increment* increment,
                              const std::function<Result<RiskModel>()>& fit, json& model_json) {
  KeptModels* kept = increment != nullptr ? increment->kept : nullptr;
  model_json = {{"kind", cox ? "cox" : "logistic"}};
  if (kept != nullptr && !increment->refit) {
    if (const auto at = kept->funnel.find(key); at != kept->funnel.end()) {
      if (auto expected = KeptExpected(c, rows, at->second, cox)) {
        RiskModel model;
        model.expected = std::move(*expected);
        model.terms = at->second.terms;
        model_json["terms"] = model.terms;
        model_json["fitted_at_change"] = at->second.fitted_at_change;
        return model;
      }
    }
  }
  auto model = fit();
  if (!model) return model;
  model_json["terms"] = model->terms;
  if (kept != nullptr) kept->funnel[key] = KeepFunnelModel(c, rows, *model, cox, kept->change_seq);
  return model;
}

// Whether `increment` (when given) asks for the unit `code` of `unit`'s kind in registry `r`.
std::vector<uint8_t> WantedUnits(const Cohort& c, const Increment* increment, int32_t r,
                                 const UnitColumn& unit) {
  std::vector<uint8_t> wanted(unit.names->size(), 1);
  if (increment == nullptr || increment->units == nullptr) return wanted;
  const std::string& registry = c.registries[static_cast<size_t>(r)];
  for (size_t k = 0; k < wanted.size(); ++k)
    wanted[k] = increment->units->contains({registry, unit.kind, (*unit.names)[k]}) ? 1 : 0;
  return wanted;
}

}  // namespace

Result<std::vector<storage::Signal>> FunnelSignals(const Cohort& c, const MethodOptions& options,
                                                   std::vector<std::string>* notes,
                                                   const Increment* increment) {
  std::vector<storage::Signal> out;
  const int32_t cut = CutDay(c);
  for (int32_t r = 0; r < static_cast<int32_t>(c.registries.size()); ++r) {
    const std::string& registry = c.registries[static_cast<size_t>(r)];
    for (int years : options.funnel_windows_years) {
      const int32_t from = cut - static_cast<int32_t>(years * 365.25);
      std::vector<size_t> rows, day_rows;  // in the window; and with the full mortality window
      for (size_t i = 0; i < c.size(); ++i) {
        if (c.registry[i] != r || c.entry_day[i] <= from) continue;
        rows.push_back(i);
        if (c.entry_day[i] + options.mortality_days <= cut) day_rows.push_back(i);
      }
      if (rows.empty()) continue;
      const std::string revision_method = fmt::format("funnel-revision-{}y", years);
      std::vector<double> revised(rows.size()), died(day_rows.size());
      for (size_t k = 0; k < rows.size(); ++k) revised[k] = c.status[rows[k]] == 1;
      for (size_t k = 0; k < day_rows.size(); ++k)
        died[k] = c.death_day[day_rows[k]] - c.entry_day[day_rows[k]] <= options.mortality_days;
      json revision_json, mortality_json;
      auto revision_model = FunnelModel(
          c, rows, registry + " " + revision_method, true, increment,
          [&] { return ExpectedRevisions(c, rows, options.risk); }, revision_json);
      if (!revision_model) {
        Note(notes, fmt::format("{} {}: no signals; {}", registry, revision_method,
                                revision_model.error().message()));
      }
      const std::string mortality_method =
          fmt::format("funnel-mortality-{}d-{}y", options.mortality_days, years);
      auto mortality_model = FunnelModel(
          c, day_rows, registry + " " + mortality_method, false, increment,
          [&] { return ExpectedProbabilities(c, day_rows, died, false, options.risk); },
          mortality_json);
      if (!mortality_model) {
        Note(notes, fmt::format("{} {}: no signals; {}", registry, mortality_method,
                                mortality_model.error().message()));
      }
      for (const UnitColumn& unit : Units(c)) {
        if (revision_model) {
          ORP_RETURN_IF_ERROR(FunnelFor(c, unit, r,
                                        ObservedExpected(*unit.codes, unit.names->size(), rows,
                                                         revised, revision_model->expected),
                                        revision_method, "revision", revision_json, options, out));
        }
        if (mortality_model) {
          ORP_RETURN_IF_ERROR(FunnelFor(c, unit, r,
                                        ObservedExpected(*unit.codes, unit.names->size(), day_rows,
                                                         died, mortality_model->expected),
                                        mortality_method,
                                        fmt::format("{}-day mortality", options.mortality_days),
                                        mortality_json, options, out));
        }
      }
    }
  }
  return out;
}

Result<std::vector<storage::Signal>> CusumSignals(const Cohort& c, const MethodOptions& options,
                                                  std::vector<std::string>* notes,
                                                  const Increment* increment) {
  std::vector<storage::Signal> out;
  const int32_t cut = CutDay(c);
  const int32_t window = options.cusum_window_days;
  KeptModels* kept_models = increment != nullptr ? increment->kept : nullptr;
  const bool use_kept = kept_models != nullptr && !increment->refit;
  for (int32_t r = 0; r < static_cast<int32_t>(c.registries.size()); ++r) {
    const std::string& registry = c.registries[static_cast<size_t>(r)];
    std::vector<size_t> rows;
    for (size_t i = 0; i < c.size(); ++i)
      if (c.registry[i] == r && c.entry_day[i] + window <= cut) rows.push_back(i);
    if (rows.empty()) continue;
    std::sort(rows.begin(), rows.end(),
              [&](size_t a, size_t b) { return c.entry_day[a] < c.entry_day[b]; });
    auto failed = [&](size_t i) {
      return c.status[i] == 1 && c.exit_day[i] - c.entry_day[i] <= window;
    };
    std::vector<double> risk(c.size());
    double h = 0;
    json model_json;
    const KeptCusumModel* kept = nullptr;
    if (use_kept) {
      const auto at = kept_models->cusum.find(registry);
      if (at != kept_models->cusum.end() && KeptRisks(c, rows, at->second, risk))
        kept = &at->second;
    }
    if (kept != nullptr) {
      h = kept->h;
      model_json = {{"kind", "logistic"},
                    {"terms", kept->terms},
                    {"fitted_at_change", kept->fitted_at_change}};
    } else {
      std::vector<double> outcome;
      for (size_t i : rows) outcome.push_back(failed(i) ? 1.0 : 0.0);
      auto model = ExpectedProbabilities(c, rows, outcome, true, options.risk);
      if (!model) {
        Note(notes, fmt::format("{} cusum-revision-1y: no signals; {}", registry,
                                model.error().message()));
        continue;
      }
      std::vector<double> mix;
      for (size_t k = 0; k < rows.size(); ++k) {
        risk[rows[k]] = std::clamp(model->expected[k], 1e-4, 1 - 1e-4);
        mix.push_back(risk[rows[k]]);
      }
      auto limit =
          stats::ControlLimitForArl(mix, options.cusum_odds_ratio, options.cusum_target_arl);
      if (!limit) return std::unexpected(limit.error());
      h = *limit;
      model_json = {{"kind", "logistic"}, {"terms", model->terms}};
      // Fitted in this run: its evidence is a full run's (no fitted_at_change).
      if (kept_models != nullptr) {
        kept_models->cusum[registry] =
            KeepCusumModel(c, rows, risk, model->terms, h, kept_models->change_seq);
      }
    }
    for (const UnitColumn& unit : Units(c)) {
      const std::vector<uint8_t> wanted = WantedUnits(c, increment, r, unit);
      std::map<int32_t, std::vector<size_t>> by_unit;
      for (size_t i : rows) {
        const int32_t code = (*unit.codes)[i];
        if (code != kNoUnit && wanted[static_cast<size_t>(code)] != 0) by_unit[code].push_back(i);
      }
      for (const auto& [code, unit_rows] : by_unit) {
        std::vector<double> p;
        std::vector<uint8_t> y;
        for (size_t i : unit_rows) {
          p.push_back(risk[i]);
          y.push_back(failed(i) ? 1 : 0);
        }
        stats::CusumOptions co;
        co.odds_ratio_up = options.cusum_odds_ratio;
        co.h_up = h;
        auto chart = stats::RiskAdjustedCusum(p, y, co);
        if (!chart) return std::unexpected(chart.error());
        if (chart->upper_signals.empty()) continue;
        const size_t first = static_cast<size_t>(chart->upper_signals.front());
        const Date first_day{std::chrono::days(c.entry_day[unit_rows[first]])};
        storage::Signal s;
        s.registry = registry;
        s.unit_kind = unit.kind;
        s.unit = (*unit.names)[static_cast<size_t>(code)];
        s.method = "cusum-revision-1y";
        s.data_cut = c.data_cut;
        s.statistic = *std::max_element(chart->upper.begin(), chart->upper.end());
        s.threshold = h;
        s.what = fmt::format(
            "CUSUM (odds ratio {}) crossed h = {:.2f} {} time(s), first at the "
            "primary of {}",
            options.cusum_odds_ratio, h, chart->upper_signals.size(), FormatIsoDate(first_day));
        json path = json::array();
        const size_t step = std::max<size_t>(1, chart->upper.size() / 500);
        for (size_t t = 0; t < chart->upper.size(); t += step)
          path.push_back({t, chart->upper[t], chart->vlad[t]});
        s.evidence_json = json{
            {"h", h},
            {"target_arl", options.cusum_target_arl},
            {"risk_model", model_json},
            {"patients", unit_rows.size()},
            {"signals", chart->upper_signals},
            {"first_signal_primary", FormatIsoDate(first_day)},
            {"path_step", step},
            {"path",
             std::move(path)}}.dump();
        out.push_back(std::move(s));
      }
    }
  }
  return out;
}

}  // namespace orp::surveillance
