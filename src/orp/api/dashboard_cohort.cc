#include "orp/api/dashboard_cohort.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace orp::api {
namespace {

constexpr int32_t kNoData = std::numeric_limits<int32_t>::min();

// Per registry, the latest primary, revision or death of its rows and removal of its implants
// (kNoData for a registry without any).
std::vector<int32_t> EndsOfData(const surveillance::Cohort& c) {
  std::vector<int32_t> end(c.registries.size(), kNoData);
  for (size_t i = 0; i < c.size(); ++i) {
    int32_t& e = end[static_cast<size_t>(c.registry[i])];
    e = std::max(e, c.entry_day[i]);
    if (c.status[i] != 0) e = std::max(e, c.exit_day[i]);
    if (c.death_day[i] != surveillance::kNoDeath) e = std::max(e, c.death_day[i]);
  }
  const surveillance::ImplantCohort& im = c.implants;
  for (size_t i = 0; i < im.size(); ++i) {
    if (im.status[i] == 0) continue;
    const auto r = static_cast<size_t>(im.class_registry[static_cast<size_t>(im.device_class[i])]);
    end[r] = std::max(end[r], im.exit_day[i]);
  }
  return end;
}

}  // namespace

void CutEachRegistryAtItsEndOfData(surveillance::Cohort& c) {
  const int32_t built_to = static_cast<int32_t>(c.data_cut.time_since_epoch().count());
  std::vector<int32_t> cut = EndsOfData(c);
  int32_t latest = kNoData;
  for (int32_t& day : cut) {
    day = day == kNoData ? built_to : std::min(day, built_to);
    latest = std::max(latest, day);
  }
  for (size_t i = 0; i < c.size(); ++i) {
    c.exit_day[i] = std::min(c.exit_day[i], cut[static_cast<size_t>(c.registry[i])]);
  }
  surveillance::ImplantCohort& im = c.implants;
  for (size_t i = 0; i < im.size(); ++i) {
    const auto r = static_cast<size_t>(im.class_registry[static_cast<size_t>(im.device_class[i])]);
    im.exit_day[i] = std::min(im.exit_day[i], cut[r]);
  }
  if (c.size() > 0 || im.size() > 0) c.data_cut = Date{std::chrono::days(latest)};
  c.registry_cut = std::move(cut);
}

}  // namespace orp::api
