// AffectedUnits (run.h): the units a set of changed procedures touches.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "orp/surveillance/run.h"

namespace orp::surveillance {

Result<std::set<UnitKey>> AffectedUnits(storage::Reader& reader, int64_t since_change,
                                        const Cohort& cohort) {
  std::map<std::string, std::string> brand_of;  // model -> brand, from the cohort's catalogue
  const ImplantCohort& x = cohort.implants;
  for (size_t i = 0; i < x.size() && i < x.brand.size(); ++i) {
    if (x.brand[i] != kNoUnit)
      brand_of[cohort.models[static_cast<size_t>(x.model[i])]] =
          cohort.brands[static_cast<size_t>(x.brand[i])];
  }
  std::set<UnitKey> units;
  storage::ProcedureFilter filter;
  filter.changed_after = since_change;
  ORP_RETURN_IF_ERROR(reader.ForEachProcedure(filter, [&](const domain::Procedure& p) {
    using K = storage::SignalUnitKind;
    if (p.clinician) units.insert({p.registry, K::kSurgeon, p.clinician->number()});
    if (p.provider_site) units.insert({p.registry, K::kHospital, p.provider_site->code()});
    std::vector<std::string> models;
    for (const domain::Implant& implant : p.implants) {
      const std::optional<domain::DeviceId> device = domain::DeviceIdOf(implant);
      if (!device) continue;
      models.push_back(device->text());
      units.insert({p.registry, K::kDeviceModel, models.back()});
      if (auto brand = brand_of.find(models.back()); brand != brand_of.end())
        units.insert({p.registry, K::kBrand, brand->second});
    }
    std::sort(models.begin(), models.end());
    models.erase(std::unique(models.begin(), models.end()), models.end());
    if (!models.empty())
      units.insert({p.registry, K::kConstruct, fmt::format("{}", fmt::join(models, " + "))});
    return true;
  }));
  return units;
}

}  // namespace orp::surveillance
