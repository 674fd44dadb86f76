#include "orp/surveillance/unit_common.h"

#include <map>
#include <string_view>
#include <utility>

namespace orp::surveillance {

using storage::SignalUnitKind;

std::array<UnitColumn, 2> Units(const Cohort& c) {
  return {{{SignalUnitKind::kSurgeon, &c.surgeon, &c.surgeons},
           {SignalUnitKind::kHospital, &c.hospital, &c.hospitals}}};
}

int32_t CutDay(const Cohort& c) {
  return static_cast<int32_t>(c.data_cut.time_since_epoch().count());
}

void Note(std::vector<std::string>* notes, std::string text) {
  if (notes != nullptr) notes->push_back(std::move(text));
}

size_t PatternSlots(size_t kept_indications, bool with_indication) {
  return 6 * 3 * 6 * (with_indication ? kept_indications + 1 : 1);
}

size_t KeptPattern(const Cohort& c, size_t i, const std::vector<int32_t>* kept_indication) {
  const auto age = static_cast<size_t>(c.age_band[i]), sex = static_cast<size_t>(c.sex[i]),
             asa = static_cast<size_t>(c.asa[i]);
  if (age >= 6 || sex >= 3 || asa >= 6) return kNoPattern;
  const size_t mix = (age * 3 + sex) * 6 + asa;
  if (kept_indication == nullptr) return mix;
  const int32_t code = c.indication[i];
  const int32_t place = code == kNoUnit ? -1 : (*kept_indication)[static_cast<size_t>(code)];
  if (code != kNoUnit && place < 0) return kNoPattern;
  return mix * (kept_indication->size() + 1) + static_cast<size_t>(place + 1);
}

std::vector<int32_t> IndicationIndex(const Cohort& c, const std::vector<std::string>& names) {
  std::map<std::string_view, int32_t> at;
  for (size_t k = 0; k < names.size(); ++k) at.emplace(names[k], static_cast<int32_t>(k));
  std::vector<int32_t> out(c.indications.size(), -1);
  for (size_t k = 0; k < c.indications.size(); ++k)
    if (auto it = at.find(c.indications[k]); it != at.end()) out[k] = it->second;
  return out;
}

std::vector<uint8_t> WantedUnits(const Cohort& c, const Increment* increment, int32_t r,
                                 const UnitColumn& unit) {
  std::vector<uint8_t> wanted(unit.names->size(), 1);
  if (increment == nullptr || increment->units == nullptr) return wanted;
  const std::string& registry = c.registries[static_cast<size_t>(r)];
  for (size_t k = 0; k < wanted.size(); ++k)
    wanted[k] = increment->units->contains({registry, unit.kind, (*unit.names)[k]}) ? 1 : 0;
  return wanted;
}

}  // namespace orp::surveillance
