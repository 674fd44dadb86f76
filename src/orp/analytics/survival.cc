#include "orp/analytics/survival.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "orp/analytics/grouping.h"
#include "orp/stats/cumulative_incidence.h"
#include "orp/stats/kaplan_meier.h"

namespace orp::analytics {
namespace {

// The cohort as the stats functions take it, for one data cut and grouping.
struct AnalysisArrays {
  std::vector<int32_t> exit;
  std::vector<int8_t> status;
  std::vector<int32_t> group;
  int64_t opted_out = 0, after_cut = 0, inconsistent = 0;
};

int32_t EndOfData(const Cohort& cohort) {
  int32_t end = std::numeric_limits<int32_t>::min();
  const auto live = cohort.live();
  for (size_t row = 0; row < live.size(); ++row) {
    if (!live[row]) continue;
    end = std::max(end, cohort.primary_day()[row]);
    const int32_t removal = cohort.removal_day()[row];
    if (removal != kNever) end = std::max(end, removal);
    const int32_t death = cohort.death_day()[static_cast<size_t>(cohort.patient()[row])];
    if (death != kNever) end = std::max(end, death);
  }
  return end == std::numeric_limits<int32_t>::min() ? 0 : end;
}

AnalysisArrays Arrays(const Cohort& cohort, const std::vector<int32_t>& group, int32_t cut,
                      bool apply_opt_out) {
  AnalysisArrays a;
  a.exit.reserve(cohort.live_rows());
  a.status.reserve(cohort.live_rows());
  a.group.reserve(cohort.live_rows());
  for (size_t row = 0; row < group.size(); ++row) {
    if (group[row] < 0) continue;
    const auto patient = static_cast<size_t>(cohort.patient()[row]);
    if (apply_opt_out && cohort.opted_out()[patient]) {
      ++a.opted_out;
      continue;
    }
    const int32_t primary = cohort.primary_day()[row];
    if (primary > cut) {
      ++a.after_cut;
      continue;
    }
    const int32_t removal = cohort.removal_day()[row];
    const int32_t death = cohort.death_day()[patient];
    if (removal < primary || death < primary) {
      ++a.inconsistent;
      continue;
    }
    int8_t status = stats::kCensored;
    int32_t exit = cut;
    if (removal <= cut && removal <= death) {
      status = stats::kEvent;
      exit = removal;
    } else if (death <= cut) {
      status = stats::kCompeting;
      exit = death;
    }
    a.exit.push_back(exit - primary);
    a.status.push_back(status);
    a.group.push_back(group[row]);
  }
  return a;
}

// Drops (group -1) the rows the query's unit filter does not keep, asking it once per distinct
// (site, clinician, devices) combination of codes.
void ApplyUnitFilter(const Cohort& cohort, const SurvivalQuery& q, std::vector<int32_t>& group) {
  if (!q.unit_filter) return;
  auto label = [](const CodedColumn& column, size_t row) -> std::string_view {
    const int32_t code = row < column.codes.size() ? column.codes[row] : kNotRecorded;
    return code == kNotRecorded ? std::string_view() : column.dictionary.Label(code);
  };
  std::map<std::tuple<int32_t, int32_t, int32_t>, bool> kept;
  auto code = [](const CodedColumn& column, size_t row) {
    return row < column.codes.size() ? column.codes[row] : kNotRecorded;
  };
  for (size_t row = 0; row < group.size(); ++row) {
    if (group[row] < 0) continue;
    std::tuple key{code(cohort.site(), row), code(cohort.clinician(), row),
                   code(cohort.devices(), row)};
    auto it = kept.find(key);
    if (it == kept.end()) {
      UnitScope scope{label(cohort.site(), row), label(cohort.clinician(), row),
                      label(cohort.devices(), row)};
      it = kept.emplace(key, q.unit_filter(scope)).first;
    }
    if (!it->second) group[row] = -1;
  }
}

Result<void> CheckQuery(const SurvivalQuery& q, const Grouping& grouping) {
  for (double t : q.times_years) {
    if (!std::isfinite(t) || t < 0) {
      return InvalidArgument(fmt::format("--times: {} is not a time in years >= 0", t));
    }
  }
  if (q.audience == stats::Audience::kPublic && grouping.kind == GroupKind::kClinician) {
    return InvalidArgument(
        "--by clinician with --audience public: surgeon-level outcomes are not published "
        "(statistics.md §8); use --audience national for the registry's own review");
  }
  if (q.definition && grouping.kind == GroupKind::kField &&
      q.definition->FindField(grouping.name) == nullptr) {
    return InvalidArgument(fmt::format(
        "--by {}: not a grouping (model, brand, manufacturer, device_type, gtin, construct, "
        "provider, site, clinician, indication) nor a field of registry {}",
        grouping.name, q.definition->code));
  }
  return {};
}

// F's interval from the survival interval of 1 - F (se of log(1 - F) = sqrt(var) / (1 - F)).
stats::Interval IncidenceInterval(double f, double var, double z, stats::ConfType type) {
  if (std::isnan(f) || std::isnan(var)) return {std::nan(""), std::nan("")};
  if (f <= 0) return {0, 0};
  const stats::Interval s = stats::SurvivalInterval(1 - f, std::sqrt(var) / (1 - f), z, type);
  return {1 - s.upper, 1 - s.lower};
}

bool Withholds(int64_t n_risk, const SurvivalQuery& q) {
  return n_risk < q.suppress_below_at_risk ||
         stats::SuppressesDerived(n_risk, q.audience, q.disclosure);
}

Count Control(int64_t count, const SurvivalQuery& q) {
  return stats::ControlCount(count, q.audience, q.disclosure).value;
}

void FillAt(SurvivalGroup& out, const stats::KaplanMeierCurve& curve,
            const stats::CompetingRisks* cif, const SurvivalQuery& q, double z) {
  std::vector<double> days;
  for (double y : q.times_years) days.push_back(y * kDaysPerYear);
  std::sort(days.begin(), days.end());
  for (const stats::SurvivalAtTime& s : stats::SummariseAt(curve, days, /*extend=*/true)) {
    SurvivalAtTime at;
    at.days = s.time;
    at.years = s.time / kDaysPerYear;
    at.n_risk = Control(s.n_risk, q);
    at.n_event = Control(s.n_event, q);
    at.n_censor = Control(s.n_censor, q);
    at.few_at_risk = s.n_risk < q.flag_below_at_risk;
    at.withheld = out.withheld || Withholds(s.n_risk, q);
    if (!at.withheld) {
      at.surv = s.surv;
      at.std_err = s.std_err;
      at.lower = s.lower;
      at.upper = s.upper;
      if (cif) {
        const auto e = cif->event.At(s.time);
        const auto d = cif->competing.At(s.time);
        const stats::Interval iv = IncidenceInterval(e.estimate, e.variance, z, q.conf_type);
        at.cif = e.estimate;
        at.cif_var = e.variance;
        at.cif_lower = iv.lower;
        at.cif_upper = iv.upper;
        at.cif_death = d.estimate;
        at.cif_death_var = d.variance;
      }
    }
    out.at.push_back(at);
  }
}

void FillCurve(SurvivalGroup& out, const stats::KaplanMeierCurve& curve,
               const stats::CompetingRisks* cif, const SurvivalQuery& q, double z) {
  if (!q.include_curves || out.withheld) return;
  for (size_t i = 0; i < curve.size(); ++i) {
    if (Withholds(curve.n_risk[i], q)) break;  // curves stop where estimates would be withheld
    SurvivalCurvePoint p;
    p.day = static_cast<int32_t>(curve.time[i]);
    p.n_risk = Control(curve.n_risk[i], q);
    p.n_event = Control(curve.n_event[i], q);
    p.n_censor = Control(curve.n_censor[i], q);
    p.surv = curve.surv[i];
    p.lower = curve.lower[i];
    p.upper = curve.upper[i];
    if (cif) {
      const auto e = cif->event.At(curve.time[i]);
      const stats::Interval iv = IncidenceInterval(e.estimate, e.variance, z, q.conf_type);
      p.cif = e.estimate;
      p.cif_lower = iv.lower;
      p.cif_upper = iv.upper;
    }
    out.curve.push_back(p);
  }
}

Result<std::vector<SurvivalGroup>> Estimate(const AnalysisArrays& a,
                                            const std::vector<std::string>& labels,
                                            const SurvivalQuery& q) {
  const stats::SurvivalDays data{
      a.exit, a.status, {}, a.group, static_cast<int32_t>(labels.size())};
  auto curves = stats::KaplanMeier(data, {q.conf_type, q.conf_level});
  if (!curves) return std::unexpected(curves.error());
  std::vector<stats::CompetingRisks> cifs;
  if (q.method == SurvivalMethod::kAalenJohansen) {
    auto computed = stats::CumulativeIncidenceOf(data);
    if (!computed) return std::unexpected(computed.error());
    cifs = std::move(*computed);
  }
  const double z = *stats::NormalQuantileForLevel(q.conf_level);  // checked by KaplanMeier
  std::vector<int64_t> deaths(labels.size(), 0);
  for (size_t i = 0; i < a.status.size(); ++i) {
    deaths[static_cast<size_t>(a.group[i])] += a.status[i] == stats::kCompeting;
  }
  std::vector<SurvivalGroup> groups;
  for (size_t g = 0; g < labels.size(); ++g) {
    const stats::KaplanMeierCurve& curve = (*curves)[g];
    if (curve.n == 0) continue;  // every unit of the group excluded
    SurvivalGroup out;
    out.label = labels[g];
    out.n = Control(curve.n, q);
    out.revisions = Control(curve.events, q);
    out.deaths = Control(deaths[g], q);
    out.withheld = stats::SuppressesDerived(curve.n, q.audience, q.disclosure);
    const stats::CompetingRisks* cif = cifs.empty() ? nullptr : &cifs[g];
    FillAt(out, curve, cif, q, z);
    FillCurve(out, curve, cif, q, z);
    groups.push_back(std::move(out));
  }
  return groups;
}

bool OptOutApplies(const SurvivalQuery& q) {
  if (q.purpose != Purpose::kResearch) return false;
  return !q.definition ||
         q.definition->legal_basis.national_data_opt_out == domain::OptOut::kDissemination;
}

// Everything but the groups.
SurvivalReport ReportHeader(const SurvivalQuery& query, const Cohort& cohort,
                            const AnalysisArrays& arrays, int32_t cut, bool opt_out) {
  SurvivalReport report;
  report.registry = query.registry;
  report.by = query.by;
  report.unit = domain::NameOf(cohort.options().unit);
  report.method = query.method;
  report.audience = query.audience;
  report.conf_type = query.conf_type;
  report.conf_level = query.conf_level;
  report.data_cut = Date(std::chrono::days(cut));
  report.change_seq = cohort.change_seq();
  report.opt_out_applied = opt_out;
  report.units = Control(static_cast<int64_t>(arrays.exit.size()), query);
  report.excluded_opted_out = Control(arrays.opted_out, query);
  report.excluded_after_cut = Control(arrays.after_cut, query);
  report.excluded_inconsistent = Control(arrays.inconsistent, query);
  report.flag_below_at_risk = query.flag_below_at_risk;
  report.suppress_below_at_risk = query.suppress_below_at_risk;
  return report;
}

}  // namespace

Result<SurvivalMethod> ParseSurvivalMethod(std::string_view name) {
  if (name == "km") return SurvivalMethod::kKaplanMeier;
  if (name == "aj") return SurvivalMethod::kAalenJohansen;
  return InvalidArgument(fmt::format(
      "method '{}': choose km (Kaplan-Meier) or aj (Aalen-Johansen, death competing)", name));
}

std::string_view SurvivalMethodName(SurvivalMethod method) {
  return method == SurvivalMethod::kKaplanMeier ? "km" : "aj";
}

Result<Purpose> ParsePurpose(std::string_view name) {
  if (name == "research") return Purpose::kResearch;
  if (name == "safety") return Purpose::kSafety;
  return InvalidArgument(
      fmt::format("purpose '{}': choose research (national data opt-out applied) or safety", name));
}

CohortOptions CohortOptionsFor(const SurvivalQuery& query) {
  CohortOptions options;
  options.registry = query.registry;
  if (query.definition) options.unit = query.definition->analysis_unit;
  if (query.unit) options.unit = *query.unit;
  return options;
}

Result<SurvivalReport> AnalyseSurvival(storage::Reader& reader, const Cohort& cohort,
                                       const SurvivalQuery& query) {
  if (query.definition && query.definition->kind == domain::RegistryKind::kOutcome) {
    return FailedPrecondition(fmt::format(
        "registry {} is an outcome registry: it records no implants whose survival to analyse",
        query.registry));
  }
  const Grouping grouping = ParseGrouping(query.by);
  ORP_RETURN_IF_ERROR(CheckQuery(query, grouping));
  auto labels = LoadGroupLabels(reader, cohort, grouping);
  if (!labels) return std::unexpected(labels.error());
  auto groups = AssignGroups(cohort, grouping, *labels, query.definition != nullptr);
  if (!groups) return std::unexpected(groups.error());
  ApplyUnitFilter(cohort, query, groups->group);
  const int32_t cut = query.data_cut
                          ? static_cast<int32_t>(query.data_cut->time_since_epoch().count())
                          : EndOfData(cohort);
  const bool opt_out = OptOutApplies(query);
  const AnalysisArrays arrays = Arrays(cohort, groups->group, cut, opt_out);
  auto estimated = Estimate(arrays, groups->labels, query);
  if (!estimated) return std::unexpected(estimated.error());
  SurvivalReport report = ReportHeader(query, cohort, arrays, cut, opt_out);
  report.groups = std::move(*estimated);
  return report;
}

Result<SurvivalReport> SurvivalByGroup(storage::Reader& reader, const SurvivalQuery& query) {
  if (query.definition && query.definition->kind == domain::RegistryKind::kOutcome) {
    return AnalyseSurvival(reader, Cohort(), query);  // reports the outcome-registry error
  }
  auto cohort = Cohort::Build(reader, CohortOptionsFor(query));
  if (!cohort) return std::unexpected(cohort.error());
  return AnalyseSurvival(reader, *cohort, query);
}

Result<SurvivalReport> CohortCache::Survival(storage::Reader& reader, const SurvivalQuery& query) {
  const CohortOptions options = CohortOptionsFor(query);
  Entry* entry = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = entries_[options.registry + "/" + std::string(domain::NameOf(options.unit))];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  std::lock_guard<std::mutex> lock(entry->mutex);
  if (!entry->cohort) {
    auto built = Cohort::Build(reader, options);
    if (!built) return std::unexpected(built.error());
    entry->cohort = std::move(*built);
  } else {
    auto refreshed = entry->cohort->Refresh(reader);
    if (!refreshed) return std::unexpected(refreshed.error());
  }
  return AnalyseSurvival(reader, *entry->cohort, query);
}

}  // namespace orp::analytics
