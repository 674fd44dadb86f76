// What the surveillance unit methods share (funnels in unit_methods.cc, the CUSUM in
// cusum_signals.cc): the unit columns, and the covariate patterns the kept risk models
// (methods.h KeptModels) are tabled by. Internal to surveillance/. Thread safety: pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "orp/storage/signals.h"
#include "orp/surveillance/cohort.h"
#include "orp/surveillance/methods.h"

namespace orp::surveillance {

struct UnitColumn {
  storage::SignalUnitKind kind;
  const std::vector<int32_t>* codes;
  const std::vector<std::string>* names;
};

// Surgeons, then hospitals.
std::array<UnitColumn, 2> Units(const Cohort& c);
int32_t CutDay(const Cohort& c);
void Note(std::vector<std::string>* notes, std::string text);

// Covariate patterns of a kept model, as slots of a dense table: age band (6 levels) x sex (3)
// x ASA (6) x the indication's place in the kept model's list, 0 for none recorded (or a model
// without indication: `kept_indication` null, one slot).
inline constexpr size_t kNoPattern = std::numeric_limits<size_t>::max();
inline constexpr double kNotSeen = std::numeric_limits<double>::quiet_NaN();

size_t PatternSlots(size_t kept_indications, bool with_indication);
// Row i's slot; kNoPattern when a level is out of range or its indication is not in the kept
// list (`kept_indication[code]`: the place, or -1).
size_t KeptPattern(const Cohort& c, size_t i, const std::vector<int32_t>* kept_indication);
// The cohort's indication codes as places in `names` (-1 when not there).
std::vector<int32_t> IndicationIndex(const Cohort& c, const std::vector<std::string>& names);

// Whether `increment` (when given) asks for the unit `code` of `unit`'s kind in registry `r`.
std::vector<uint8_t> WantedUnits(const Cohort& c, const Increment* increment, int32_t r,
                                 const UnitColumn& unit);

}  // namespace orp::surveillance
