// The surveillance cohort: one row per primary procedure in the store, as a struct of arrays,
// with what every surveillance method needs — the unit keys (device model, surgeon, hospital),
// the case mix, and the follow-up to the first revision, death or the data cut.
//
// This is the minimal cohort surveillance needs while analytics/ (analytics6, #6) builds the
// shared store cohort; when that lands, BuildCohort should become a view of it.
//
// Follow-up. Entry is the primary's date. A revision is the earliest removal of an implant the
// primary put in (linkage marks it removed by a revision or explant); death comes from the
// patient; the data cut ends the rest. status: 0 censored, 1 revised, 2 died (the competing
// event). Exit is clamped to the data cut; primaries after the data cut are left out.
// Case mix (the covariates of risk_model.h): age band at the primary (0 <55, 1 55-64, 2 65-74,
// 3 75-84, 4 85+, 5 unknown), sex (0 male, 1 female, 2 other/unknown), ASA grade (1-5, 0
// unknown) and indication (into `indications`, kNoUnit when not given).
//
// Reads patients' dates of birth and death — identifiable data: the caller audits the read
// (TODO(#5): through security's audit API once it is in main). Nothing here is logged.
// Errors: whatever the store returns. Thread safety: a plain value once built.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"

namespace orp::surveillance {

inline constexpr int32_t kNoUnit = -1;
inline constexpr int32_t kNoDeath = std::numeric_limits<int32_t>::max();

// Implant-level rows for the device methods: one per distinct device model a primary implanted.
// Each is followed to the removal of that implant, the patient's death or the data cut. A class
// is the registry and the catalogue's device type ("OTR/bone_plate"); a model without a
// catalogue entry is its own registry's "unclassified" type.
struct ImplantCohort {
  std::vector<std::string> classes;
  std::vector<int32_t> class_registry;  // per class, into Cohort::registries

  std::vector<int32_t> model;  // into Cohort::models
  std::vector<int32_t> brand;  // into Cohort::brands; kNoUnit without a catalogue entry
  std::vector<int32_t> device_class;
  std::vector<int32_t> entry_day;
  std::vector<int32_t> exit_day;
  std::vector<int8_t> status;  // 0 censored, 1 removed (revision), 2 died

  size_t size() const { return entry_day.size(); }
  double Years(size_t i) const { return (exit_day[i] - entry_day[i]) / kDaysPerYear; }
};

struct Cohort {
  Date data_cut{};
  // Dictionaries: a row's code indexes these.
  std::vector<std::string> registries;
  std::vector<std::string> models;     // device identifiers (GTIN, or HIBCC DI)
  std::vector<std::string> brands;     // "manufacturer / brand" from the catalogue
  std::vector<std::string> surgeons;   // GMC numbers
  std::vector<std::string> hospitals;  // ODS site codes
  std::vector<std::string> indications;
  // Constructs: the sorted, distinct device models a primary implanted, joined by " + "; their
  // class is the registry and the sorted device types, "NJR/acetabular_cup+femoral_stem", so a
  // construct is compared with constructs of the same kind.
  std::vector<std::string> constructs;
  std::vector<std::string> construct_classes;
  std::vector<int32_t> construct_class_registry;  // per construct class, into registries

  std::vector<int32_t> registry;
  std::vector<int32_t> surgeon;
  std::vector<int32_t> hospital;
  std::vector<int32_t> entry_day;  // days since 1970-01-01
  std::vector<int32_t> exit_day;
  std::vector<int8_t> status;
  std::vector<int32_t> death_day;  // kNoDeath when alive at the data cut (seen past a revision)
  std::vector<int8_t> age_band;
  std::vector<int8_t> sex;
  std::vector<int8_t> asa;
  std::vector<int32_t> indication;
  std::vector<int32_t> construct;        // kNoUnit when no implant has a device identifier
  std::vector<int32_t> construct_class;  // kNoUnit with it

  ImplantCohort implants;

  // Per registry (into registries): the day that registry's follow-up is cut at, when each
  // registry is cut at its own end of data (the dashboards, api/dashboard_cohort.h); empty when
  // every registry is cut at data_cut.
  std::vector<int32_t> registry_cut;

  size_t size() const { return entry_day.size(); }
  double Years(size_t i) const { return (exit_day[i] - entry_day[i]) / kDaysPerYear; }
};

// The day registry `r`'s follow-up ends: registry_cut[r] when set, else data_cut.
inline int32_t CutDayOf(const Cohort& c, int32_t r) {
  if (r >= 0 && static_cast<size_t>(r) < c.registry_cut.size()) return c.registry_cut[r];
  return static_cast<int32_t>(c.data_cut.time_since_epoch().count());
}

// Every primary procedure with a date on or before `data_cut`, and its implants (device types
// from the store's catalogue).
Result<Cohort> BuildCohort(storage::Reader& reader, Date data_cut);

// The rows of the registries with `keep[registry]` set, in their order, with every dictionary as
// it was: each method judges a unit within its registry (funnels, CUSUM) or class (a registry's
// device type), so the signals of those registries' units are the same on this cohort as on the
// whole one. An incremental run evaluates only the registries its changes touched.
Cohort RegistriesOf(const Cohort& cohort, const std::vector<bool>& keep);

// The age band of a primary on `on` (5 when the date of birth is unknown; exposed for tests).
int8_t AgeBandOf(std::optional<Date> birth, Date on);

}  // namespace orp::surveillance
