// Funnel points and CUSUM paths for the dashboards (unit_charts.h). The windows and models are
// those of unit_methods.cc; a test checks that the units this places beyond the 99.8% limit are
// the ones FunnelSignals signals.
#include "orp/surveillance/unit_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "orp/core/date.h"
#include "orp/stats/cusum.h"
#include "orp/surveillance/risk_model.h"

namespace orp::surveillance {
namespace {

using storage::SignalUnitKind;

struct Column {
  const std::vector<int32_t>* codes;
  const std::vector<std::string>* names;
};

Result<Column> ColumnOf(const Cohort& c, SignalUnitKind kind) {
  if (kind == SignalUnitKind::kSurgeon) return Column{&c.surgeon, &c.surgeons};
  if (kind == SignalUnitKind::kHospital) return Column{&c.hospital, &c.hospitals};
  return InvalidArgument("unit_kind: funnel plots and CUSUM charts are for surgeon or hospital");
}

Result<int32_t> RegistryIndex(const Cohort& c, const std::string& registry) {
  auto it = std::find(c.registries.begin(), c.registries.end(), registry);
  if (it == c.registries.end()) {
    return NotFound(fmt::format("registry: no primaries of '{}' before the data cut", registry));
  }
  return static_cast<int32_t>(it - c.registries.begin());
}

// Rows in the window, their outcome, and the model's expected value per row.
struct Outcomes {
  std::vector<size_t> rows;
  std::vector<double> observed;
  RiskModel model;
};

Result<Outcomes> OutcomesFor(const Cohort& c, int32_t r, const FunnelQuery& q,
                             const MethodOptions& options) {
  const int32_t cut = CutDayOf(c, r);  // the registry's own end (dashboards)
  const int32_t from = cut - static_cast<int32_t>(q.years * kDaysPerYear);
  const bool mortality = q.metric == "mortality";
  Outcomes out;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.registry[i] != r || c.entry_day[i] <= from) continue;
    if (mortality && c.entry_day[i] + options.mortality_days > cut) continue;
    out.rows.push_back(i);
    out.observed.push_back(mortality ? (c.death_day[i] - c.entry_day[i] <= options.mortality_days)
                                     : (c.status[i] == 1));
  }
  if (out.rows.empty())
    return NotFound(fmt::format("registry {}: no primaries in the window", q.registry));
  Result<RiskModel> model =
      mortality ? ExpectedProbabilities(c, out.rows, out.observed, false, options.risk)
                : ExpectedRevisions(c, out.rows, options.risk);
  if (!model) {
    return FailedPrecondition(
        fmt::format("{} {} model: {}", q.registry, q.metric, model.error().message()));
  }
  out.model = std::move(*model);
  return out;
}

}  // namespace

Result<UnitFunnel> ComputeUnitFunnel(const Cohort& c, const FunnelQuery& q,
                                     const MethodOptions& options, int curve_points) {
  if (q.metric != "revision" && q.metric != "mortality") {
    return InvalidArgument(fmt::format("metric: '{}' is not revision or mortality", q.metric));
  }
  if (q.years < 1 || q.years > 30) return InvalidArgument("years: a window of 1 to 30 years");
  Result<Column> column = ColumnOf(c, q.unit_kind);
  if (!column) return std::unexpected(column.error());
  Result<int32_t> r = RegistryIndex(c, q.registry);
  if (!r) return std::unexpected(r.error());
  Result<Outcomes> o = OutcomesFor(c, *r, q, options);
  if (!o) return std::unexpected(o.error());
  struct Tally {
    double observed = 0, expected = 0;
    int64_t n = 0;
  };
  std::map<int32_t, Tally> by_unit;
  for (size_t k = 0; k < o->rows.size(); ++k) {
    const int32_t code = (*column->codes)[o->rows[k]];
    if (code == kNoUnit) continue;
    Tally& t = by_unit[code];
    t.observed += o->observed[k];
    t.expected += o->model.expected[k];
    ++t.n;
  }
  UnitFunnel funnel;
  funnel.query = q;
  funnel.method = q.metric == "revision"
                      ? fmt::format("funnel-revision-{}y", q.years)
                      : fmt::format("funnel-mortality-{}d-{}y", options.mortality_days, q.years);
  funnel.model_terms = o->model.terms;
  std::vector<double> observed, expected;
  for (const auto& [code, t] : by_unit) {
    if (t.expected < options.min_expected) {
      ++funnel.insufficient;
      continue;
    }
    FunnelUnit unit;
    unit.unit = (*column->names)[static_cast<size_t>(code)];
    unit.procedures = t.n;
    funnel.units.push_back(std::move(unit));
    observed.push_back(t.observed);
    expected.push_back(t.expected);
  }
  if (funnel.units.empty()) return funnel;
  stats::FunnelOptions fo;
  fo.indicator = stats::FunnelIndicator::kRatio;
  fo.overdispersion = options.overdispersion;
  Result<stats::FunnelPlot> plot = stats::MakeFunnelPlot(observed, expected, fo);
  if (!plot) return std::unexpected(plot.error());
  for (size_t k = 0; k < funnel.units.size(); ++k) funnel.units[k].point = plot->points[k];
  funnel.overdispersion = plot->overdispersion;
  funnel.phi = plot->fit.phi;
  // Geometric grid, so the narrow end of the funnel is drawn as finely as the wide end.
  const auto [lo, hi] = std::minmax_element(expected.begin(), expected.end());
  const double a = std::max(options.min_expected, *lo * 0.8), b = std::max(a * 1.01, *hi * 1.2);
  for (int i = 0; i < curve_points; ++i) {
    const double size = a * std::pow(b / a, curve_points > 1 ? double(i) / (curve_points - 1) : 0);
    Result<stats::FunnelLimits> limits = stats::LimitsAt(*plot, size);
    if (!limits) return std::unexpected(limits.error());
    funnel.curve.push_back(*limits);
  }
  return funnel;
}

Result<UnitCusum> ComputeUnitCusum(const Cohort& c, const std::string& registry,
                                   SignalUnitKind unit_kind, const std::string& unit,
                                   const MethodOptions& options) {
  Result<Column> column = ColumnOf(c, unit_kind);
  if (!column) return std::unexpected(column.error());
  Result<int32_t> r = RegistryIndex(c, registry);
  if (!r) return std::unexpected(r.error());
  auto named = std::find(column->names->begin(), column->names->end(), unit);
  if (named == column->names->end())
    return NotFound(fmt::format("unit: no primaries by '{}'", unit));
  const auto code = static_cast<int32_t>(named - column->names->begin());
  const int32_t cut = CutDayOf(c, *r), window = options.cusum_window_days;
  std::vector<size_t> rows;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.registry[i] == *r && c.entry_day[i] + window <= cut) rows.push_back(i);
  std::stable_sort(rows.begin(), rows.end(),
                   [&](size_t a, size_t b) { return c.entry_day[a] < c.entry_day[b]; });
  auto failed = [&](size_t i) {
    return c.status[i] == 1 && c.exit_day[i] - c.entry_day[i] <= window;
  };
  std::vector<double> outcome;
  for (size_t i : rows) outcome.push_back(failed(i) ? 1.0 : 0.0);
  if (rows.empty())
    return NotFound(fmt::format("registry {}: no primaries with a year of follow-up", registry));
  Result<RiskModel> model = ExpectedProbabilities(c, rows, outcome, true, options.risk);
  if (!model)
    return FailedPrecondition(fmt::format("{} CUSUM model: {}", registry, model.error().message()));
  std::vector<double> mix, p;
  std::vector<uint8_t> y;
  UnitCusum out{registry, unit_kind, unit, 0, options.cusum_odds_ratio, {}, {}, {}};
  for (size_t k = 0; k < rows.size(); ++k) {
    const double risk = std::clamp(model->expected[k], 1e-4, 1 - 1e-4);
    mix.push_back(risk);
    if ((*column->codes)[rows[k]] != code) continue;
    p.push_back(risk);
    y.push_back(failed(rows[k]) ? 1 : 0);
    out.dates.push_back(FormatIsoDate(Date{std::chrono::days(c.entry_day[rows[k]])}));
  }
  Result<double> h =
      stats::ControlLimitForArl(mix, options.cusum_odds_ratio, options.cusum_target_arl);
  if (!h) return std::unexpected(h.error());
  out.h = *h;
  if (p.empty()) return out;
  stats::CusumOptions co;
  co.odds_ratio_up = options.cusum_odds_ratio;
  co.h_up = *h;
  Result<stats::CusumChart> chart = stats::RiskAdjustedCusum(p, y, co);
  if (!chart) return std::unexpected(chart.error());
  out.upper = std::move(chart->upper);
  out.signals = std::move(chart->upper_signals);
  return out;
}

}  // namespace orp::surveillance
