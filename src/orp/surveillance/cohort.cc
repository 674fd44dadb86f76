#include "orp/surveillance/cohort.h"

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

struct PatientFacts {
  std::optional<Date> birth;
  std::optional<domain::Sex> sex;
  std::optional<Date> death;
};

}  // namespace

int8_t StratumOf(std::optional<Date> birth, std::optional<domain::Sex> sex, std::optional<int> asa,
                 Date on) {
  int age_band = 5;
  if (birth) {
    const int age = WholeYearsBetween(*birth, on);
    age_band = age < 55 ? 0 : age < 65 ? 1 : age < 75 ? 2 : age < 85 ? 3 : 4;
  }
  const int sex_band = !sex                           ? 2
                       : *sex == domain::Sex::kMale   ? 0
                       : *sex == domain::Sex::kFemale ? 1
                                                      : 2;
  const int asa_band = !asa ? 2 : *asa <= 2 ? 0 : 1;
  return static_cast<int8_t>((age_band * 3 + sex_band) * 3 + asa_band);
}

Result<Cohort> BuildCohort(storage::Reader& reader, Date data_cut) {
  std::unordered_map<int64_t, PatientFacts> patients;
  ORP_RETURN_IF_ERROR(reader.ForEachPatient(0, [&](const domain::Patient& p) {
    patients[p.id.value] = {p.date_of_birth, p.sex, p.date_of_death};
    return true;
  }));
  Cohort c;
  c.data_cut = data_cut;
  Dictionary registries(c.registries), models(c.models), surgeons(c.surgeons),
      hospitals(c.hospitals);
  const int32_t cut = DayOf(data_cut);
  ORP_RETURN_IF_ERROR(reader.ForEachProcedure({}, [&](const domain::Procedure& p) {
    if (p.type != domain::ProcedureType::kPrimary || p.date > data_cut) return true;
    const PatientFacts facts =
        patients.count(p.patient.value) ? patients[p.patient.value] : PatientFacts{};
    int32_t model = kNoUnit;
    int32_t revised = std::numeric_limits<int32_t>::max();
    for (const domain::Implant& implant : p.implants) {
      if (implant.action != domain::DeviceAction::kImplanted) continue;
      if (model == kNoUnit && implant.gtin) model = models.Code(implant.gtin->digits());
      if (implant.removed_on) revised = std::min(revised, DayOf(*implant.removed_on));
    }
    const int32_t died = facts.death ? DayOf(*facts.death) : kNoDeath;
    int32_t exit = std::min({revised, died, cut});
    const int8_t status = revised > cut && died > cut ? 0 : revised <= died ? 1 : 2;
    exit = std::max(exit, DayOf(p.date));
    c.registry.push_back(registries.Code(p.registry));
    c.model.push_back(model);
    c.surgeon.push_back(p.clinician ? surgeons.Code(p.clinician->number()) : kNoUnit);
    c.hospital.push_back(p.provider_site ? hospitals.Code(p.provider_site->code()) : kNoUnit);
    c.entry_day.push_back(DayOf(p.date));
    c.exit_day.push_back(exit);
    c.status.push_back(status);
    c.death_day.push_back(died <= cut ? died : kNoDeath);
    c.stratum.push_back(StratumOf(facts.birth, facts.sex, p.asa_grade, p.date));
    return true;
  }));
  return c;
}

}  // namespace orp::surveillance
