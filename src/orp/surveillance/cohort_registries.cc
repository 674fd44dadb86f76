// Cohort RegistriesOf (cohort.h): the rows of some registries, every dictionary kept.
#include <cstddef>
#include <vector>

#include "orp/surveillance/cohort.h"

namespace orp::surveillance {

namespace {

template <typename T>
void KeepRows(std::vector<T>& to, const std::vector<T>& from, const std::vector<size_t>& rows) {
  to.reserve(rows.size());
  for (size_t i : rows) to.push_back(from[i]);
}

}  // namespace

Cohort RegistriesOf(const Cohort& c, const std::vector<bool>& keep) {
  Cohort out;
  out.data_cut = c.data_cut;
  out.registry_cut = c.registry_cut;
  out.registries = c.registries;
  out.models = c.models;
  out.brands = c.brands;
  out.surgeons = c.surgeons;
  out.hospitals = c.hospitals;
  out.indications = c.indications;
  out.constructs = c.constructs;
  out.construct_classes = c.construct_classes;
  out.construct_class_registry = c.construct_class_registry;
  auto kept = [&](int32_t registry) {
    return static_cast<size_t>(registry) < keep.size() && keep[static_cast<size_t>(registry)];
  };
  std::vector<size_t> rows;
  for (size_t i = 0; i < c.size(); ++i)
    if (kept(c.registry[i])) rows.push_back(i);
  KeepRows(out.registry, c.registry, rows);
  KeepRows(out.surgeon, c.surgeon, rows);
  KeepRows(out.hospital, c.hospital, rows);
  KeepRows(out.entry_day, c.entry_day, rows);
  KeepRows(out.exit_day, c.exit_day, rows);
  KeepRows(out.status, c.status, rows);
  KeepRows(out.death_day, c.death_day, rows);
  KeepRows(out.age_band, c.age_band, rows);
  KeepRows(out.sex, c.sex, rows);
  KeepRows(out.asa, c.asa, rows);
  KeepRows(out.indication, c.indication, rows);
  KeepRows(out.construct, c.construct, rows);
  KeepRows(out.construct_class, c.construct_class, rows);
  const ImplantCohort& x = c.implants;
  out.implants.classes = x.classes;
  out.implants.class_registry = x.class_registry;
  rows.clear();
  for (size_t i = 0; i < x.size(); ++i)
    if (kept(x.class_registry[static_cast<size_t>(x.device_class[i])])) rows.push_back(i);
  KeepRows(out.implants.model, x.model, rows);
  KeepRows(out.implants.brand, x.brand, rows);
  KeepRows(out.implants.device_class, x.device_class, rows);
  KeepRows(out.implants.entry_day, x.entry_day, rows);
  KeepRows(out.implants.exit_day, x.exit_day, rows);
  KeepRows(out.implants.status, x.status, rows);
  return out;
}

}  // namespace orp::surveillance
