// Surgeon and hospital methods: funnel plots of revision and 90-day mortality O/E, and the
// risk-adjusted CUSUM of revision within a year (methods.h).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "orp/stats/cusum.h"
#include "orp/surveillance/methods.h"

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

// Observed and expected per unit code, for rows passing `in`, by indirect standardisation over
// the registry's strata: `event(i)` is the outcome count, `exposure(i)` its denominator (person
// years, or 1 for a proportion).
template <typename In, typename Event, typename Exposure>
std::map<int32_t, std::pair<double, double>> ObservedExpected(const Cohort& c,
                                                              const std::vector<int32_t>& codes,
                                                              In in, Event event,
                                                              Exposure exposure) {
  std::array<double, kStrata> events{}, denominators{};
  for (size_t i = 0; i < c.size(); ++i) {
    if (!in(i)) continue;
    events[static_cast<size_t>(c.stratum[i])] += event(i);
    denominators[static_cast<size_t>(c.stratum[i])] += exposure(i);
  }
  std::map<int32_t, std::pair<double, double>> oe;
  for (size_t i = 0; i < c.size(); ++i) {
    if (!in(i) || codes[i] == kNoUnit) continue;
    const auto s = static_cast<size_t>(c.stratum[i]);
    auto& [o, e] = oe[codes[i]];
    o += event(i);
    if (denominators[s] > 0) e += exposure(i) * events[s] / denominators[s];
  }
  return oe;
}

// One funnel over the units of one registry; signals for the units beyond the limits.
Result<void> FunnelFor(const Cohort& c, const UnitColumn& unit, int32_t registry,
                       const std::map<int32_t, std::pair<double, double>>& oe,
                       const std::string& method, const std::string& outcome,
                       const MethodOptions& options, std::vector<storage::Signal>& out) {
  std::vector<int32_t> codes;
  std::vector<double> observed, expected;
  for (const auto& [code, pair] : oe) {
    if (pair.second < options.min_expected) continue;  // insufficient data
    codes.push_back(code);
    observed.push_back(pair.first);
    expected.push_back(pair.second);
  }
  if (codes.size() < 2) return {};
  stats::FunnelOptions funnel;
  funnel.indicator = stats::FunnelIndicator::kRatio;
  funnel.overdispersion = options.overdispersion;
  auto plot = stats::MakeFunnelPlot(observed, expected, funnel);
  if (!plot) return std::unexpected(plot.error());
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
        {"tau2", plot->fit.tau2},
        {"units",
         codes.size()}}.dump();
    out.push_back(std::move(s));
  }
  return {};
}

}  // namespace

Result<std::vector<storage::Signal>> FunnelSignals(const Cohort& c, const MethodOptions& options) {
  std::vector<storage::Signal> out;
  const int32_t cut = CutDay(c);
  for (int32_t r = 0; r < static_cast<int32_t>(c.registries.size()); ++r) {
    for (int years : options.funnel_windows_years) {
      const int32_t from = cut - static_cast<int32_t>(years * 365.25);
      auto in_window = [&](size_t i) { return c.registry[i] == r && c.entry_day[i] > from; };
      auto at_day = [&](size_t i) {
        return in_window(i) && c.entry_day[i] + options.mortality_days <= cut;
      };
      auto revised = [&](size_t i) { return c.status[i] == 1 ? 1.0 : 0.0; };
      auto years_of = [&](size_t i) { return c.Years(i); };
      auto died = [&](size_t i) {
        return c.death_day[i] - c.entry_day[i] <= options.mortality_days ? 1.0 : 0.0;
      };
      auto one = [](size_t) { return 1.0; };
      for (const UnitColumn& unit : Units(c)) {
        const std::string kind(storage::SignalUnitKindName(unit.kind));
        auto revision = ObservedExpected(c, *unit.codes, in_window, revised, years_of);
        ORP_RETURN_IF_ERROR(FunnelFor(c, unit, r, revision,
                                      fmt::format("funnel-revision-{}y", years), "revision",
                                      options, out));
        auto mortality = ObservedExpected(c, *unit.codes, at_day, died, one);
        ORP_RETURN_IF_ERROR(
            FunnelFor(c, unit, r, mortality,
                      fmt::format("funnel-mortality-{}d-{}y", options.mortality_days, years),
                      fmt::format("{}-day mortality", options.mortality_days), options, out));
      }
    }
  }
  return out;
}

Result<std::vector<storage::Signal>> CusumSignals(const Cohort& c, const MethodOptions& options) {
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
    std::array<double, kStrata> fails{}, counts{};
    for (size_t i : rows) {
      fails[static_cast<size_t>(c.stratum[i])] += failed(i);
      counts[static_cast<size_t>(c.stratum[i])] += 1;
    }
    std::vector<double> risk(c.size());
    std::vector<double> mix;
    for (size_t i : rows) {
      const auto s = static_cast<size_t>(c.stratum[i]);
      risk[i] = std::clamp(fails[s] / counts[s], 1e-4, 1 - 1e-4);
      mix.push_back(risk[i]);
    }
    auto h = stats::ControlLimitForArl(mix, options.cusum_odds_ratio, options.cusum_target_arl);
    if (!h) return std::unexpected(h.error());
    for (const UnitColumn& unit : Units(c)) {
      std::map<int32_t, std::vector<size_t>> by_unit;
      for (size_t i : rows)
        if ((*unit.codes)[i] != kNoUnit) by_unit[(*unit.codes)[i]].push_back(i);
      for (const auto& [code, unit_rows] : by_unit) {
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
