#include "orp/storage/migration_plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace orp::storage {

Result<std::vector<int>> PendingMigrations(const std::vector<KnownMigration>& known,
                                           const RecordedMigrations& recorded, int up_to) {
  for (const auto& [version, name] : recorded) {
    auto it = std::find_if(known.begin(), known.end(),
                           [v = version](const KnownMigration& m) { return m.version == v; });
    if (it == known.end()) {
      int newest = known.empty() ? 0 : known.back().version;
      return FailedPrecondition(fmt::format(
          "database records migration {} ({}), which this orp does not know (it knows 1 to {}); "
          "open it with the orp that created it or a newer one",
          version, name, newest));
    }
    if (it->name != name) {
      return FailedPrecondition(fmt::format(
          "database records migration {} as {}, but this orp's migration {} is {}; the database "
          "was created by a different build of orp and cannot be upgraded by this one",
          version, name, version, it->name));
    }
  }
  std::vector<int> pending;
  for (const KnownMigration& m : known) {
    if (m.version <= up_to && !recorded.contains(m.version)) pending.push_back(m.version);
  }
  return pending;
}

}  // namespace orp::storage
