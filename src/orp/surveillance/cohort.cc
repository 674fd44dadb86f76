#include "orp/surveillance/cohort.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace orp::surveillance {
namespace {

int32_t DayOf(Date d) { return static_cast<int32_t>(d.time_since_epoch().count()); }

// Dictionary encoding of unit keys.
class Dictionary {
 public:
  explicit Dictionary(std::vector<std::string>& names) : names_(names) {}
  int32_t Code(const std::string& key) {
    auto [it, inserted] = codes_.try_emplace(key, static_cast<int32_t>(names_.size()));
    if (inserted) names_.push_back(key);
    return it->second;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string, int32_t> codes_;
};

struct Catalogued {
  std::string device_type;
  std::string brand;  // "manufacturer / brand"
};

struct PatientFacts {
  std::optional<Date> birth;
  std::optional<domain::Sex> sex;
  std::optional<Date> death;
};

}  // namespace

int8_t AgeBandOf(std::optional<Date> birth, Date on) {
  if (!birth) return 5;
  const int age = WholeYearsBetween(*birth, on);
  return static_cast<int8_t>(age < 55 ? 0 : age < 65 ? 1 : age < 75 ? 2 : age < 85 ? 3 : 4);
}

namespace {

// Follow-up to the first of `removed` (a revision), `died` and `cut`: (exit, status).
std::pair<int32_t, int8_t> FollowUp(int32_t entry, int32_t removed, int32_t died, int32_t cut) {
  const int32_t exit = std::max(entry, std::min({removed, died, cut}));
  const int8_t status = removed > cut && died > cut ? 0 : removed <= died ? 1 : 2;
  return {exit, status};
}

class CohortBuilder {
 public:
  CohortBuilder(Cohort& c, std::unordered_map<std::string, Catalogued> catalogue)
      : c_(c),
        catalogue_(std::move(catalogue)),
        registries_(c.registries),
        models_(c.models),
        surgeons_(c.surgeons),
        hospitals_(c.hospitals),
        classes_(c.implants.classes),
        brands_(c.brands),
        indications_(c.indications),
        constructs_(c.constructs),
        construct_classes_(c.construct_classes),
        cut_(DayOf(c.data_cut)) {}

  void Add(const domain::Procedure& p, const PatientFacts& facts) {
    const int32_t entry = DayOf(p.date);
    const int32_t died = facts.death ? DayOf(*facts.death) : kNoDeath;
    const int32_t registry = registries_.Code(p.registry);
    int32_t revised = kNoDeath;
    std::unordered_map<int32_t, int32_t> removed_by_model;  // earliest removal per model
    for (const domain::Implant& implant : p.implants) {
      if (implant.action != domain::DeviceAction::kImplanted) continue;
      const int32_t removed = implant.removed_on ? DayOf(*implant.removed_on) : kNoDeath;
      revised = std::min(revised, removed);
      const std::optional<domain::DeviceId> device = domain::DeviceIdOf(implant);
      if (!device) continue;
      const int32_t model = models_.Code(device->text());
      auto [it, inserted] = removed_by_model.try_emplace(model, removed);
      if (!inserted) it->second = std::min(it->second, removed);
    }
    std::vector<std::string> names, types;
    for (const auto& [model, removed] : removed_by_model) {
      const std::string& type = AddImplant(registry, model, entry, removed, died);
      names.push_back(c_.models[static_cast<size_t>(model)]);
      types.push_back(type);
    }
    AddConstruct(registry, std::move(names), std::move(types));
    const auto [exit, status] = FollowUp(entry, revised, died, cut_);
    c_.registry.push_back(registry);
    c_.surgeon.push_back(p.clinician ? surgeons_.Code(p.clinician->number()) : kNoUnit);
    c_.hospital.push_back(p.provider_site ? hospitals_.Code(p.provider_site->code()) : kNoUnit);
    c_.entry_day.push_back(entry);
    c_.exit_day.push_back(exit);
    c_.status.push_back(status);
    c_.death_day.push_back(died <= cut_ ? died : kNoDeath);
    c_.age_band.push_back(AgeBandOf(facts.birth, p.date));
    c_.sex.push_back(!facts.sex                           ? 2
                     : *facts.sex == domain::Sex::kMale   ? 0
                     : *facts.sex == domain::Sex::kFemale ? 1
                                                          : 2);
    c_.asa.push_back(static_cast<int8_t>(
        p.asa_grade && *p.asa_grade >= 1 && *p.asa_grade <= 5 ? *p.asa_grade : 0));
    c_.indication.push_back(p.indication.empty() ? kNoUnit : indications_.Code(p.indication));
  }

 private:
  void AddConstruct(int32_t registry, std::vector<std::string> names,
                    std::vector<std::string> types) {
    if (names.empty()) {
      c_.construct.push_back(kNoUnit);
      c_.construct_class.push_back(kNoUnit);
      return;
    }
    std::sort(names.begin(), names.end());
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    const int32_t kind = construct_classes_.Code(
        fmt::format("{}/{}", c_.registries[static_cast<size_t>(registry)], fmt::join(types, "+")));
    if (c_.construct_class_registry.size() <= static_cast<size_t>(kind))
      c_.construct_class_registry.push_back(registry);
    c_.construct.push_back(constructs_.Code(fmt::format("{}", fmt::join(names, " + "))));
    c_.construct_class.push_back(kind);
  }

  // Adds the implant row; returns its device type.
  const std::string& AddImplant(int32_t registry, int32_t model, int32_t entry, int32_t removed,
                                int32_t died) {
    static const std::string kUnclassified = "unclassified";
    ImplantCohort& x = c_.implants;
    const auto listed = catalogue_.find(c_.models[static_cast<size_t>(model)]);
    const bool known = listed != catalogue_.end();
    const std::string& type = known ? listed->second.device_type : kUnclassified;
    const std::string key = c_.registries[static_cast<size_t>(registry)] + "/" + type;
    const int32_t device_class = classes_.Code(key);
    if (x.class_registry.size() <= static_cast<size_t>(device_class))
      x.class_registry.push_back(registry);
    const auto [exit, status] = FollowUp(entry, removed, died, cut_);
    x.model.push_back(model);
    x.brand.push_back(known ? brands_.Code(listed->second.brand) : kNoUnit);
    x.device_class.push_back(device_class);
    x.entry_day.push_back(entry);
    x.exit_day.push_back(exit);
    x.status.push_back(status);
    return type;
  }

  Cohort& c_;
  std::unordered_map<std::string, Catalogued> catalogue_;
  Dictionary registries_, models_, surgeons_, hospitals_, classes_, brands_, indications_,
      constructs_, construct_classes_;
  int32_t cut_;
};

}  // namespace

Result<Cohort> BuildCohort(storage::Reader& reader, Date data_cut) {
  std::unordered_map<int64_t, PatientFacts> patients;
  ORP_RETURN_IF_ERROR(reader.ForEachPatient(0, [&](const domain::Patient& p) {
    patients[p.id.value] = {p.date_of_birth, p.sex, p.date_of_death};
    return true;
  }));
  std::unordered_map<std::string, Catalogued> catalogue;  // the latest version wins
  ORP_RETURN_IF_ERROR(reader.ForEachDeviceModel([&](const domain::DeviceModel& m) {
    catalogue[m.device.text()] = {m.device_type, m.manufacturer + " / " + m.brand};
    return true;
  }));
  Cohort c;
  c.data_cut = data_cut;
  CohortBuilder builder(c, std::move(catalogue));
  ORP_RETURN_IF_ERROR(reader.ForEachProcedure({}, [&](const domain::Procedure& p) {
    if (p.type != domain::ProcedureType::kPrimary || p.date > data_cut) return true;
    const auto facts = patients.find(p.patient.value);
    builder.Add(p, facts == patients.end() ? PatientFacts{} : facts->second);
    return true;
  }));
  return c;
}

}  // namespace orp::surveillance
