// Implant survival by group on a registry, straight from the store: the headline registry
// question "how long does each kind of implant last", for `orp survival --db` and the HTTP API
// (/api/v1/analytics/survival). Read README.md in this folder for the contract the API relies on.
//
// Per unit of the registry's cohort (cohort.h), for a data cut C (default: the end of data, the
// latest primary, removal or death date among the cohort's units):
//   excluded  primary after C; patient opted out of research uses (national data opt-out, when
//             the purpose is research and the registry's definition applies it); revision or
//             death recorded before the primary (inconsistent dates, counted);
//   revision  removal day R <= C, and no death before R: status 1 at R - primary (days);
//   death     death day D <= C before any revision: status 2 at D (censored for Kaplan–Meier,
//             the competing event for Aalen–Johansen);
//   censored  otherwise at C - primary.
// Then stats::KaplanMeier (log-log intervals by default, statistics.md §1) and, for method
// "aj", stats::CumulativeIncidenceOf (Gray's variance, equal to cmprsk::cuminc) by group.
//
// Reporting rules (statistics.md §1, configurable): at each requested time (years × 365.25
// days) the number at risk is always given; an estimate with fewer than flag_below_at_risk at
// risk is flagged, with fewer than suppress_below_at_risk it is withheld (null), and curves stop
// before the first time with fewer at risk. Disclosure control (stats/disclosure.h) is applied to
// every count in the report for the audience, and an estimate derived from a suppressed count
// (a group of 1-7 units, a risk set of 1-7) is withheld with it. The report is therefore safe to
// serialise as it stands: it carries no uncontrolled count.
//
// Errors: kInvalidArgument for a bad query (unknown grouping, times < 0, conf level, a clinician
// grouping for a public audience — NJR publishes no surgeon-level outcome ratios); kNotFound for
// a registry the definitions do not know; kFailedPrecondition for an outcome registry (no
// implants to survive); the Reader's errors. Thread safety: SurvivalByGroup is safe to call from
// many threads on a thread-safe Reader; CohortCache serialises its refreshes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "orp/analytics/cohort.h"
#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/registry_definition.h"
#include "orp/stats/confidence.h"
#include "orp/stats/disclosure.h"
#include "orp/storage/store.h"

namespace orp::analytics {

enum class SurvivalMethod { kKaplanMeier, kAalenJohansen };  // "km" | "aj"
Result<SurvivalMethod> ParseSurvivalMethod(std::string_view name);
std::string_view SurvivalMethodName(SurvivalMethod method);

// Research and planning uses apply the national data opt-out; safety uses (recall, device
// surveillance by the regulator) do not (../shared/specs/uk-standards.md §4.2).
enum class Purpose { kResearch, kSafety };  // "research" | "safety"
Result<Purpose> ParsePurpose(std::string_view name);

// The scope facts of one cohort unit, for SurvivalQuery::unit_filter: its provider site (ODS
// site code), clinician (GMC number) and devices (UDI-DIs joined by '|'); "" when not recorded.
struct UnitScope {
  std::string_view site;
  std::string_view clinician;
  std::string_view devices;
};

struct SurvivalQuery {
  std::string registry;
  std::string by = "model";
  SurvivalMethod method = SurvivalMethod::kKaplanMeier;
  std::vector<double> times_years = {1, 3, 5, 10};
  std::optional<Date> data_cut;  // default: the end of data
  Purpose purpose = Purpose::kResearch;
  stats::Audience audience = stats::Audience::kNational;
  stats::DisclosurePolicy disclosure;
  stats::ConfType conf_type = stats::ConfType::kLogLog;
  double conf_level = 0.95;
  int64_t flag_below_at_risk = 250;
  int64_t suppress_below_at_risk = 10;  // 0: never withhold for a small risk set
  bool include_curves = true;
  // Overrides the definition's analysis unit: kProcedure analyses each primary to the first
  // revision of any of its implants (issue 6's wording), kImplant each device.
  std::optional<domain::AnalysisUnit> unit;
  // The registry's definition: its analysis unit, whether the opt-out applies, its fields.
  // nullptr: implant units, the opt-out applied, any field name accepted.
  const domain::RegistryDefinition* definition = nullptr;
  // Restricts the analysis to the units the filter keeps (the HTTP API keeps a provider's own
  // sites, a clinician's own cases, a manufacturer's own devices); empty: every unit. Called
  // once per distinct (site, clinician, devices) combination, never inside a store stream, so
  // it may read the store. A unit it drops is not counted anywhere in the report.
  std::function<bool(const UnitScope&)> unit_filter;
};

// A count as published (nullopt: suppressed, "*").
using Count = std::optional<int64_t>;

struct SurvivalAtTime {
  double years = 0;
  double days = 0;
  Count n_risk, n_event, n_censor;  // events and censorings since the previous requested time
  bool few_at_risk = false;         // n_risk below flag_below_at_risk (NJR prints in italics)
  bool withheld = false;            // estimates below are null
  std::optional<double> surv, std_err, lower, upper;
  // Method "aj": cumulative incidence of revision and of death, with Gray's variance and an
  // interval from the survival interval of 1 - F (same transform and level).
  std::optional<double> cif, cif_var, cif_lower, cif_upper, cif_death, cif_death_var;
};

struct SurvivalCurvePoint {
  int32_t day = 0;
  Count n_risk, n_event, n_censor;
  double surv = 1, lower = 1, upper = 1;            // NaN where R gives NA
  std::optional<double> cif, cif_lower, cif_upper;  // method "aj"
};

struct SurvivalGroup {
  std::string label;
  Count n, revisions, deaths;
  bool withheld = false;  // the whole group is too small to publish estimates for
  std::vector<SurvivalAtTime> at;
  std::vector<SurvivalCurvePoint> curve;  // empty unless include_curves
};

struct SurvivalReport {
  std::string registry;
  std::string by;
  std::string unit;  // "implant" | "procedure" | "episode"
  SurvivalMethod method = SurvivalMethod::kKaplanMeier;
  stats::Audience audience = stats::Audience::kNational;
  stats::ConfType conf_type = stats::ConfType::kLogLog;
  double conf_level = 0.95;
  Date data_cut{};
  int64_t change_seq = 0;  // the store change the cohort is current to
  bool opt_out_applied = true;
  Count units, excluded_opted_out, excluded_after_cut, excluded_inconsistent;
  int64_t flag_below_at_risk = 0;
  int64_t suppress_below_at_risk = 0;
  std::vector<SurvivalGroup> groups;  // sorted by label
};

// Builds the cohort and analyses it: one call for callers without a cache.
Result<SurvivalReport> SurvivalByGroup(storage::Reader& reader, const SurvivalQuery& query);
// Analyses an existing cohort (its registry and unit must match the query's).
Result<SurvivalReport> AnalyseSurvival(storage::Reader& reader, const Cohort& cohort,
                                       const SurvivalQuery& query);

// The cohort options (registry, unit) a query needs.
CohortOptions CohortOptionsFor(const SurvivalQuery& query);

// One cohort per (registry, unit), built on first use and refreshed from the store's change
// sequence before each analysis, for a long-running server. Thread-safe: analyses of one
// registry run one at a time (the refresh mutates the cohort); different registries in parallel.
class CohortCache {
 public:
  Result<SurvivalReport> Survival(storage::Reader& reader, const SurvivalQuery& query);

 private:
  struct Entry {
    std::mutex mutex;
    std::optional<Cohort> cohort;
  };
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace orp::analytics
