// Surgeon and hospital methods: funnel plots of revision and 90-day mortality O/E, and the
// risk-adjusted CUSUM of revision within a year (methods.h).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <numeric>
#include <span>

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

Result<std::vector<storage::Signal>> FunnelSignals(const Cohort& c, const MethodOptions& options,
                                                   std::vector<std::string>* notes) {
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
      auto revision_model = ExpectedRevisions(c, rows, options.risk);
      if (!revision_model) {
        Note(notes, fmt::format("{} {}: no signals; {}", registry, revision_method,
                                revision_model.error().message()));
      }
      const std::string mortality_method =
          fmt::format("funnel-mortality-{}d-{}y", options.mortality_days, years);
      auto mortality_model = ExpectedProbabilities(c, day_rows, died, false, options.risk);
      if (!mortality_model) {
        Note(notes, fmt::format("{} {}: no signals; {}", registry, mortality_method,
                                mortality_model.error().message()));
      }
      for (const UnitColumn& unit : Units(c)) {
        if (revision_model) {
          ORP_RETURN_IF_ERROR(FunnelFor(c, unit, r,
                                        ObservedExpected(*unit.codes, unit.names->size(), rows,
                                                         revised, revision_model->expected),
                                        revision_method, "revision",
                                        json{{"kind", "cox"}, {"terms", revision_model->terms}},
                                        options, out));
        }
        if (mortality_model) {
          ORP_RETURN_IF_ERROR(FunnelFor(
              c, unit, r,
              ObservedExpected(*unit.codes, unit.names->size(), day_rows, died,
                               mortality_model->expected),
              mortality_method, fmt::format("{}-day mortality", options.mortality_days),
              json{{"kind", "logistic"}, {"terms", mortality_model->terms}}, options, out));
        }
      }
    }
  }
  return out;
}

Result<std::vector<storage::Signal>> CusumSignals(const Cohort& c, const MethodOptions& options,
                                                  std::vector<std::string>* notes) {
  std::vector<storage::Signal> out;
  const int32_t cut = CutDay(c);
  const int32_t window = options.cusum_window_days;
  for (int32_t r = 0; r < static_cast<int32_t>(c.registries.size()); ++r) {
    std::vector<size_t> rows;
    for (size_t i = 0; i < c.size(); ++i)
      if (c.registry[i] == r && c.entry_day[i] + window <= cut) rows.push_back(i);
    if (rows.empty()) continue;
    std::sort(rows.begin(), rows.end(),
              [&](size_t a, size_t b) { return c.entry_day[a] < c.entry_day[b]; });
    auto failed = [&](size_t i) {
      return c.status[i] == 1 && c.exit_day[i] - c.entry_day[i] <= window;
    };
    std::vector<double> outcome;
    for (size_t i : rows) outcome.push_back(failed(i) ? 1.0 : 0.0);
    auto model = ExpectedProbabilities(c, rows, outcome, true, options.risk);
    if (!model) {
      Note(notes, fmt::format("{} cusum-revision-1y: no signals; {}",
                              c.registries[static_cast<size_t>(r)], model.error().message()));
      continue;
    }
    std::vector<double> risk(c.size());
    std::vector<double> mix;
    for (size_t k = 0; k < rows.size(); ++k) {
      risk[rows[k]] = std::clamp(model->expected[k], 1e-4, 1 - 1e-4);
      mix.push_back(risk[rows[k]]);
    }
    auto h = stats::ControlLimitForArl(mix, options.cusum_odds_ratio, options.cusum_target_arl);
    if (!h) return std::unexpected(h.error());
    for (const UnitColumn& unit : Units(c)) {
      // Rows bucketed by unit code in one pass (codes are dense), visited in code order.
      std::vector<std::vector<size_t>> by_unit(unit.names->size());
      for (size_t i : rows)
        if ((*unit.codes)[i] != kNoUnit)
          by_unit[static_cast<size_t>((*unit.codes)[i])].push_back(i);
      for (size_t u = 0; u < by_unit.size(); ++u) {
        const std::vector<size_t>& unit_rows = by_unit[u];
        if (unit_rows.empty()) continue;
        const auto code = static_cast<int32_t>(u);
        std::vector<double> p;
        std::vector<uint8_t> y;
        for (size_t i : unit_rows) {
          p.push_back(risk[i]);
          y.push_back(failed(i) ? 1 : 0);
        }
        stats::CusumOptions co;
        co.odds_ratio_up = options.cusum_odds_ratio;
        co.h_up = *h;
        auto chart = stats::RiskAdjustedCusum(p, y, co);
        if (!chart) return std::unexpected(chart.error());
        if (chart->upper_signals.empty()) continue;
        const size_t first = static_cast<size_t>(chart->upper_signals.front());
        const Date first_day{std::chrono::days(c.entry_day[unit_rows[first]])};
        storage::Signal s;
        s.registry = c.registries[static_cast<size_t>(r)];
        s.unit_kind = unit.kind;
        s.unit = (*unit.names)[static_cast<size_t>(code)];
        s.method = "cusum-revision-1y";
        s.data_cut = c.data_cut;
        s.statistic = *std::max_element(chart->upper.begin(), chart->upper.end());
        s.threshold = *h;
        s.what = fmt::format(
            "CUSUM (odds ratio {}) crossed h = {:.2f} {} time(s), first at the "
            "primary of {}",
            options.cusum_odds_ratio, *h, chart->upper_signals.size(), FormatIsoDate(first_day));
        json path = json::array();
        const size_t step = std::max<size_t>(1, chart->upper.size() / 500);
        for (size_t t = 0; t < chart->upper.size(); t += step)
          path.push_back({t, chart->upper[t], chart->vlad[t]});
        s.evidence_json = json{
            {"h", *h},
            {"target_arl", options.cusum_target_arl},
            {"risk_model", {{"kind", "logistic"}, {"terms", model->terms}}},
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
