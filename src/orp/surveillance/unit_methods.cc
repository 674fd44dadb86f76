// Surgeon and hospital funnel plots of revision and 90-day mortality O/E (methods.h; the CUSUM
// is in cusum_signals.cc).
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

#include "orp/core/date.h"
#include "orp/surveillance/methods.h"
#include "orp/surveillance/risk_model.h"
#include "orp/surveillance/unit_common.h"

namespace orp::surveillance {
namespace {

using nlohmann::json;
using storage::SignalUnitKind;

// Observed and expected of one unit.
struct UnitOE {
  int32_t code;
  double observed;
  double expected;
};

// Observed and expected summed per unit code, row by row.
class UnitSums {
 public:
  explicit UnitSums(size_t units) : o_(units, 0.0), e_(units, 0.0), seen_(units, 0) {}
  void Add(int32_t code, double observed, double expected) {
    if (code == kNoUnit) return;
    const auto u = static_cast<size_t>(code);
    seen_[u] = 1;
    o_[u] += observed;
    e_[u] += expected;
  }
  // The units with rows, in code order.
  std::vector<UnitOE> Units() const {
    std::vector<UnitOE> oe;
    for (size_t u = 0; u < seen_.size(); ++u)
      if (seen_[u] != 0) oe.push_back({static_cast<int32_t>(u), o_[u], e_[u]});
    return oe;
  }

 private:
  std::vector<double> o_, e_;
  std::vector<uint8_t> seen_;
};

// Observed and expected per unit code over `rows`, given each row's outcome and its expected
// value from a risk model (risk_model.h): units with rows, in code order, each summed in row
// order.
std::vector<UnitOE> ObservedExpected(const std::vector<int32_t>& codes, size_t units,
                                     std::span<const size_t> rows, std::span<const double> observed,
                                     std::span<const double> expected) {
  UnitSums sums(units);
  for (size_t k = 0; k < rows.size(); ++k) sums.Add(codes[rows[k]], observed[k], expected[k]);
  return sums.Units();
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

// One window's kept models and sums for KeptFunnels.
struct KeptWindow {
  int32_t from = 0;
  std::string revision_method, mortality_method;
  const KeptFunnelModel* revision = nullptr;   // Cox
  const KeptFunnelModel* mortality = nullptr;  // logistic
  std::vector<int32_t> indication;             // the revision model's places (IndicationIndex)
  std::vector<UnitSums> revision_sums, mortality_sums;  // per unit column
};

json KeptJson(const KeptFunnelModel& kept, bool cox) {
  return {{"kind", cox ? "cox" : "logistic"},
          {"terms", kept.terms},
          {"fitted_at_change", kept.fitted_at_change}};
}

// Adds row i to window `w`'s sums; false when its pattern is not in a kept model.
bool AddKeptRow(const Cohort& c, size_t i, const MethodOptions& options, int32_t cut,
                KeptWindow& w) {
  const KeptFunnelModel& rev = *w.revision;
  const size_t slot = KeptPattern(c, i, &w.indication);
  if (slot == kNoPattern || std::isnan(rev.by_pattern[slot])) return false;
  const auto day = static_cast<size_t>(std::max(0, c.exit_day[i] - c.entry_day[i]));
  double expected = rev.by_pattern[slot];
  expected *= rev.baseline.empty() ? 0.0 : rev.baseline[std::min(day, rev.baseline.size() - 1)];
  const std::array<UnitColumn, 2> units = Units(c);
  for (size_t u = 0; u < units.size(); ++u)
    w.revision_sums[u].Add((*units[u].codes)[i], c.status[i] == 1, expected);
  if (c.entry_day[i] + options.mortality_days > cut) return true;
  const size_t mix = KeptPattern(c, i, nullptr);
  if (mix == kNoPattern || std::isnan(w.mortality->by_pattern[mix])) return false;
  const double died = c.death_day[i] - c.entry_day[i] <= options.mortality_days;
  for (size_t u = 0; u < units.size(); ++u)
    w.mortality_sums[u].Add((*units[u].codes)[i], died, w.mortality->by_pattern[mix]);
  return true;
}

// An incremental run's funnels of registry `r` from the kept models, in one pass over the cohort
// (the general path walks it once per window and model): the same sums in the same row order,
// so the same signals in the same order. False, with nothing added, when the run does not use
// kept models, one is not kept, or a row's pattern is not in it: the general path then fits
// what it must.
Result<bool> KeptFunnels(const Cohort& c, int32_t r, const MethodOptions& options,
                         const Increment* increment, std::vector<storage::Signal>& out) {
  if (increment == nullptr || increment->kept == nullptr || increment->refit) return false;
  const std::string& registry = c.registries[static_cast<size_t>(r)];
  const int32_t cut = CutDay(c);
  const std::array<UnitColumn, 2> units = Units(c);
  std::vector<KeptWindow> windows;
  for (int years : options.funnel_windows_years) {
    KeptWindow w;
    w.from = cut - static_cast<int32_t>(years * kDaysPerYear);
    w.revision_method = fmt::format("funnel-revision-{}y", years);
    w.mortality_method = fmt::format("funnel-mortality-{}d-{}y", options.mortality_days, years);
    const auto& kept = increment->kept->funnel;
    const auto rev = kept.find(registry + " " + w.revision_method);
    const auto mort = kept.find(registry + " " + w.mortality_method);
    if (rev == kept.end() || mort == kept.end()) return false;
    w.revision = &rev->second;
    w.mortality = &mort->second;
    w.indication = IndicationIndex(c, rev->second.indications);
    for (const UnitColumn& unit : units) {
      w.revision_sums.emplace_back(unit.names->size());
      w.mortality_sums.emplace_back(unit.names->size());
    }
    windows.push_back(std::move(w));
  }
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.registry[i] != r) continue;
    for (KeptWindow& w : windows)
      if (c.entry_day[i] > w.from && !AddKeptRow(c, i, options, cut, w)) return false;
  }
  const std::string mortality = fmt::format("{}-day mortality", options.mortality_days);
  for (const KeptWindow& w : windows) {
    const json revision_json = KeptJson(*w.revision, true);
    const json mortality_json = KeptJson(*w.mortality, false);
    for (size_t u = 0; u < units.size(); ++u) {
      ORP_RETURN_IF_ERROR(FunnelFor(c, units[u], r, w.revision_sums[u].Units(), w.revision_method,
                                    "revision", revision_json, options, out));
      ORP_RETURN_IF_ERROR(FunnelFor(c, units[u], r, w.mortality_sums[u].Units(), w.mortality_method,
                                    mortality, mortality_json, options, out));
    }
  }
  return true;
}

}  // namespace

Result<std::vector<storage::Signal>> FunnelSignals(const Cohort& c, const MethodOptions& options,
                                                   std::vector<std::string>* notes,
                                                   const Increment* increment) {
  std::vector<storage::Signal> out;
  const int32_t cut = CutDay(c);
  for (int32_t r = 0; r < static_cast<int32_t>(c.registries.size()); ++r) {
    const std::string& registry = c.registries[static_cast<size_t>(r)];
    auto kept = KeptFunnels(c, r, options, increment, out);
    if (!kept) return std::unexpected(kept.error());
    if (*kept) continue;
    for (int years : options.funnel_windows_years) {
      const int32_t from = cut - static_cast<int32_t>(years * kDaysPerYear);
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

}  // namespace orp::surveillance
