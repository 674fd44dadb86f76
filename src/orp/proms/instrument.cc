#include "orp/proms/instrument.h"

#include <algorithm>

namespace orp::proms {

bool Item::Allows(int value) const {
  if (IsChoice()) return OptionIndex(value) >= 0;
  return value >= min && value <= max;
}

int Item::OptionIndex(int value) const {
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i].value == value) return static_cast<int>(i);
  }
  return -1;
}

const Item* Instrument::FindItem(std::string_view wanted) const {
  int index = ItemIndex(wanted);
  return index < 0 ? nullptr : &items[index];
}

int Instrument::ItemIndex(std::string_view wanted) const {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].code == wanted) return static_cast<int>(i);
  }
  return -1;
}

const ScoreDefinition* Instrument::FindScore(std::string_view wanted) const {
  auto it = std::find_if(scores.begin(), scores.end(), [&](auto& s) { return s.code == wanted; });
  return it == scores.end() ? nullptr : &*it;
}

const ValueSet* Instrument::FindValueSet(std::string_view wanted) const {
  auto it =
      std::find_if(value_sets.begin(), value_sets.end(), [&](auto& s) { return s.code == wanted; });
  return it == value_sets.end() ? nullptr : &*it;
}

}  // namespace orp::proms
