// The risk-adjusted Bernoulli CUSUM of revision within a year per surgeon and hospital
// (methods.h CusumSignals), with the kept models of an incremental run (KeptModels).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "orp/stats/cusum.h"
#include "orp/surveillance/methods.h"
#include "orp/surveillance/risk_model.h"
#include "orp/surveillance/unit_common.h"

namespace orp::surveillance {
namespace {

using nlohmann::json;

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

// Sorts `rows` by entry day as std::sort does with a comparison of c.entry_day[a] and
// c.entry_day[b] — the same comparisons, so the same order, ties included (the charts depend on
// it) — but on (day, row) pairs, so that a comparison reads no other memory: the indirect
// compares of a 5M registry's rows were most of the CUSUM's time.
void SortByEntryDay(const Cohort& c, std::vector<size_t>& rows) {
  struct DayRow {
    int32_t day;
    uint32_t row;
  };
  std::vector<DayRow> keyed;
  keyed.reserve(rows.size());
  for (size_t i : rows) keyed.push_back({c.entry_day[i], static_cast<uint32_t>(i)});
  std::sort(keyed.begin(), keyed.end(),
            [](const DayRow& a, const DayRow& b) { return a.day < b.day; });
  for (size_t k = 0; k < rows.size(); ++k) rows[k] = keyed[k].row;
}

}  // namespace

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
    SortByEntryDay(c, rows);
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
      // Rows grouped by unit code (a table, not a map look-up per row), charted in code order.
      std::vector<std::vector<size_t>> by_unit(unit.names->size());
      for (size_t i : rows) {
        const int32_t code = (*unit.codes)[i];
        if (code != kNoUnit && wanted[static_cast<size_t>(code)] != 0)
          by_unit[static_cast<size_t>(code)].push_back(i);
      }
      for (size_t code = 0; code < by_unit.size(); ++code) {
        const std::vector<size_t>& unit_rows = by_unit[code];
        if (unit_rows.empty()) continue;
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
        s.unit = (*unit.names)[code];
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
