// Device-model methods: NJR PTIR levels, the AOANJRR screen and the maxSPRT (methods.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "orp/core/date.h"
#include "orp/stats/maxsprt.h"
#include "orp/surveillance/methods.h"

namespace orp::surveillance {
namespace {

using nlohmann::json;

// A device model within its class (a model used in two registries is two units).
struct ModelKey {
  int32_t device_class;
  int32_t model;
  auto operator<=>(const ModelKey&) const = default;
};

// The rows one outlier screen runs over: implants by model or brand within device classes, or
// primaries by construct within construct classes.
struct UnitRows {
  storage::SignalUnitKind kind;
  const std::vector<int32_t>& group;  // class per row
  const std::vector<int32_t>& unit;   // unit per row; kNoUnit rows are skipped
  const std::vector<int8_t>& status;  // 1 revised
  const std::vector<int32_t>& entry_day;
  const std::vector<int32_t>& exit_day;
  const std::vector<int32_t>& group_registry;  // per class
  const std::vector<std::string>& names;       // per unit
};

UnitRows ImplantRows(const Cohort& c, storage::SignalUnitKind kind) {
  const ImplantCohort& x = c.implants;
  const bool brand = kind == storage::SignalUnitKind::kBrand;
  return {kind,        x.device_class, brand ? x.brand : x.model, x.status,
          x.entry_day, x.exit_day,     x.class_registry,          brand ? c.brands : c.models};
}

UnitRows ConstructRows(const Cohort& c) {
  return {storage::SignalUnitKind::kConstruct,
          c.construct_class,
          c.construct,
          c.status,
          c.entry_day,
          c.exit_day,
          c.construct_class_registry,
          c.constructs};
}

// Primaries, revisions and person-years per (class, unit), in key order. A unit nearly always
// lies in one class, so each unit's first class has its sum found by index; a map holds the
// rest (a look-up per row in a map of every key cost most of the screens' time). Each sum adds
// its rows in row order, as one map did.
std::vector<std::pair<ModelKey, stats::ImplantExposure>> ModelExposure(const UnitRows& rows) {
  std::vector<std::pair<ModelKey, stats::ImplantExposure>> sums;
  std::vector<int32_t> first_class(rows.names.size(), kNoUnit), first_sum(rows.names.size(), 0);
  std::map<ModelKey, size_t> other;
  for (size_t i = 0; i < rows.unit.size(); ++i) {
    const int32_t unit = rows.unit[i];
    if (unit == kNoUnit) continue;
    const int32_t group = rows.group[i];
    const auto u = static_cast<size_t>(unit);
    size_t at = static_cast<size_t>(first_sum[u]);
    if (first_class[u] == kNoUnit) {
      first_class[u] = group;
      first_sum[u] = static_cast<int32_t>(sums.size());
      at = sums.size();
      sums.push_back({{group, unit}, {}});
    } else if (first_class[u] != group) {
      auto [it, added] = other.try_emplace({group, unit}, sums.size());
      if (added) sums.push_back({{group, unit}, {}});
      at = it->second;
    }
    stats::ImplantExposure& x = sums[at].second;
    x.group = group;
    x.primaries += 1;
    x.revisions += rows.status[i] == 1;
    x.person_years += (rows.exit_day[i] - rows.entry_day[i]) / kDaysPerYear;
  }
  std::sort(sums.begin(), sums.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return sums;
}

storage::Signal UnitSignal(const Cohort& c, const UnitRows& rows, ModelKey key,
                           std::string method) {
  storage::Signal s;
  const auto registry = rows.group_registry[static_cast<size_t>(key.device_class)];
  s.registry = c.registries[static_cast<size_t>(registry)];
  s.unit_kind = rows.kind;
  s.unit = rows.names[static_cast<size_t>(key.model)];
  s.method = std::move(method);
  s.data_cut = c.data_cut;
  return s;
}

storage::Signal ModelSignal(const Cohort& c, ModelKey key, std::string method) {
  return UnitSignal(c, ImplantRows(c, storage::SignalUnitKind::kDeviceModel), key,
                    std::move(method));
}

json Exposure(const stats::ImplantExposure& x) {
  return {{"primaries", x.primaries}, {"revisions", x.revisions}, {"person_years", x.person_years}};
}

// Cumulative (events, expected) at each revision day of one model. The exposure to day D is the
// sum over the days before D of the number at risk that day (entries count from their day,
// exits from theirs), so one pass over the days with each day's net change gives every look:
// O(n + days), where sorting the entries and exits cost O(n log n) (a 5M run's largest sort).
// The sums are whole numbers of days, exact in an int64, so the figures are those of a sweep.
void MaxSprtLooks(const ImplantCohort& c, const std::vector<size_t>& rows, double rate_per_year,
                  std::vector<int64_t>& events, std::vector<double>& expected,
                  std::vector<int32_t>& days) {
  if (rows.empty()) return;
  int32_t first = c.entry_day[rows.front()], last = c.exit_day[rows.front()];
  for (size_t i : rows) {
    first = std::min(first, c.entry_day[i]);
    last = std::max(last, c.exit_day[i]);
  }
  const auto span = static_cast<size_t>(last - first) + 1;
  std::vector<int64_t> net(span, 0), revised(span, 0);  // per day from `first`
  for (size_t i : rows) {
    ++net[static_cast<size_t>(c.entry_day[i] - first)];
    --net[static_cast<size_t>(c.exit_day[i] - first)];
    if (c.status[i] == 1) ++revised[static_cast<size_t>(c.exit_day[i] - first)];
  }
  int64_t exposure_days = 0, at_risk = 0, revisions = 0;
  for (size_t d = 0; d < span; ++d) {
    if (revised[d] > 0) {  // one look per day
      revisions += revised[d];
      events.push_back(revisions);
      expected.push_back(rate_per_year * static_cast<double>(exposure_days) / kDaysPerYear);
      days.push_back(first + static_cast<int32_t>(d));
    }
    at_risk += net[d];
    exposure_days += at_risk;
  }
}

// NJR and AOANJRR signals for the units of one kind within their classes.
Result<void> OutlierSignals(const Cohort& c, const UnitRows& units, const MethodOptions& options,
                            std::vector<storage::Signal>& out) {
  const auto exposure = ModelExposure(units);
  std::vector<ModelKey> keys;
  std::vector<stats::ImplantExposure> rows;
  for (const auto& [key, x] : exposure) {
    keys.push_back(key);
    rows.push_back(x);
  }
  auto njr = stats::NjrImplantOutliers(rows, options.njr);
  if (!njr) return std::unexpected(njr.error());
  auto aoa = stats::AoanjrrStageOneScreen(rows, options.aoanjrr);
  if (!aoa) return std::unexpected(aoa.error());
  for (size_t k = 0; k < keys.size(); ++k) {
    const stats::NjrOutlier& n = (*njr)[k];
    if (n.level != stats::NjrLevel::kNone) {
      storage::Signal s = UnitSignal(c, units, keys[k], "njr-ptir");
      s.statistic = n.ratio;
      s.threshold = n.level == stats::NjrLevel::kLevel1              ? options.njr.level1_ratio
                    : rows[k].primaries >= options.njr.min_primaries ? options.njr.level2_ratio
                                                                     : options.njr.small_ratio;
      s.what = fmt::format("PTIR {:.2f} per 100 patient-years, {:.2f} x the rest of the class ({})",
                           n.ptir, n.ratio, stats::NjrLevelName(n.level));
      json e = Exposure(rows[k]);
      e.update({{"ptir", n.ptir},
                {"class_ptir", n.class_ptir},
                {"ratio", n.ratio},
                {"lower", n.lower},
                {"upper", n.upper},
                {"p_value", n.p_value},
                {"level", stats::NjrLevelName(n.level)}});
      s.evidence_json = e.dump();
      out.push_back(std::move(s));
    }
    const stats::AoanjrrScreen& a = (*aoa)[k];
    if (a.flagged) {
      storage::Signal s = UnitSignal(c, units, keys[k], "aoanjrr-screen");
      s.statistic = a.ratio;
      s.threshold = options.aoanjrr.rate_ratio;
      s.what = fmt::format(
          "revision rate {:.2f} per 100 component-years, {:.2f} x its group, "
          "P = {:.2g}",
          a.rate, a.ratio, a.p_value);
      json e = Exposure(rows[k]);
      e.update({{"rate", a.rate},
                {"group_rate", a.group_rate},
                {"expected", a.expected},
                {"p_value", a.p_value},
                {"excluded_from_group_rate", a.excluded_from_group_rate}});
      s.evidence_json = e.dump();
      out.push_back(std::move(s));
    }
  }
  return {};
}

}  // namespace

Result<std::vector<storage::Signal>> DeviceModelSignals(const Cohort& c,
                                                        const MethodOptions& options) {
  std::vector<storage::Signal> out;
  ORP_RETURN_IF_ERROR(
      OutlierSignals(c, ImplantRows(c, storage::SignalUnitKind::kDeviceModel), options, out));
  if (c.implants.brand.size() == c.implants.size()) {
    ORP_RETURN_IF_ERROR(
        OutlierSignals(c, ImplantRows(c, storage::SignalUnitKind::kBrand), options, out));
  }
  if (c.construct.size() == c.size() && c.construct_class.size() == c.size())
    ORP_RETURN_IF_ERROR(OutlierSignals(c, ConstructRows(c), options, out));
  return out;
}

namespace {

// Per (class, model) slot, whether its chart is wanted: every slot, or those of `units`' device
// models (a model's signal names its class's registry).
std::vector<char> WantedModels(const Cohort& c, const std::set<UnitKey>* units) {
  const size_t models = c.models.size();
  const ImplantCohort& x = c.implants;
  if (units == nullptr) return std::vector<char>(x.classes.size() * models, 1);
  std::vector<char> wanted(x.classes.size() * models, 0);
  std::map<std::string_view, size_t> model_code, registry_code;
  for (size_t m = 0; m < models; ++m) model_code.emplace(c.models[m], m);
  for (size_t r = 0; r < c.registries.size(); ++r) registry_code.emplace(c.registries[r], r);
  for (const auto& [registry, kind, unit] : *units) {
    if (kind != storage::SignalUnitKind::kDeviceModel) continue;
    const auto m = model_code.find(unit);
    const auto r = registry_code.find(registry);
    if (m == model_code.end() || r == registry_code.end()) continue;
    for (size_t k = 0; k < x.classes.size(); ++k)
      if (static_cast<size_t>(x.class_registry[k]) == r->second) wanted[k * models + m->second] = 1;
  }
  return wanted;
}

}  // namespace

Result<std::vector<storage::Signal>> MaxSprtSignals(const Cohort& c, const MethodOptions& options,
                                                    const std::set<UnitKey>* units) {
  auto cv = stats::PoissonMaxSprtCriticalValue(options.maxsprt_upper_limit, options.maxsprt_alpha,
                                               options.maxsprt_min_events);
  if (!cv) return std::unexpected(cv.error());
  const ImplantCohort& x = c.implants;
  // Rows bucketed by (class, model) in one pass, visited in that key order (the dictionaries'
  // codes are dense, so a table does what a map did without a look-up per implant). Every row
  // counts in its class's totals; only wanted slots keep their rows.
  const size_t models = c.models.size();
  const std::vector<char> wanted = WantedModels(c, units);
  std::vector<std::vector<size_t>> rows_of(x.classes.size() * models);
  std::vector<stats::ImplantExposure> class_total(x.classes.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const auto device_class = static_cast<size_t>(x.device_class[i]);
    stats::ImplantExposure& t = class_total[device_class];
    t.revisions += x.status[i] == 1;
    t.person_years += x.Years(i);
    const size_t slot = device_class * models + static_cast<size_t>(x.model[i]);
    if (wanted[slot]) rows_of[slot].push_back(i);
  }
  std::vector<storage::Signal> out;
  for (size_t slot = 0; slot < rows_of.size(); ++slot) {
    const std::vector<size_t>& rows = rows_of[slot];
    if (rows.empty()) continue;
    const ModelKey key{static_cast<int32_t>(slot / models), static_cast<int32_t>(slot % models)};
    const stats::ImplantExposure& total = class_total[static_cast<size_t>(key.device_class)];
    int64_t own_revisions = 0;
    double own_years = 0;
    for (size_t i : rows) {
      own_revisions += x.status[i] == 1;
      own_years += x.Years(i);
    }
    const double rest_years = total.person_years - own_years;
    const int64_t rest_revisions = total.revisions - own_revisions;
    if (rest_years <= 0 || rest_revisions == 0 || own_revisions == 0) continue;
    std::vector<int64_t> events;
    std::vector<double> expected;
    std::vector<int32_t> days;
    MaxSprtLooks(x, rows, static_cast<double>(rest_revisions) / rest_years, events, expected, days);
    auto state = stats::RunPoissonMaxSprt(events, expected, *cv, options.maxsprt_upper_limit,
                                          options.maxsprt_min_events);
    if (!state) return std::unexpected(state.error());
    if (!state->signalled) continue;
    storage::Signal s = ModelSignal(c, key, "maxsprt");
    s.statistic = state->llr;
    s.threshold = *cv;
    const auto at = static_cast<size_t>(state->signal_event);
    const Date signal_day{std::chrono::days(days[at])};
    s.what = fmt::format("{} revisions where {:.2f} were expected by {} (maxSPRT, alpha {})",
                         state->events, state->signal_expected, FormatIsoDate(signal_day),
                         options.maxsprt_alpha);
    json path = json::array();
    for (size_t k = 0; k <= at; ++k) {
      path.push_back({FormatIsoDate(Date{std::chrono::days(days[k])}), events[k], expected[k]});
    }
    s.evidence_json = json{
        {"critical_value", *cv},
        {"upper_limit", options.maxsprt_upper_limit},
        {"min_events", options.maxsprt_min_events},
        {"signal_date", FormatIsoDate(signal_day)},
        {"path",
         std::move(path)}}.dump();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace orp::surveillance
