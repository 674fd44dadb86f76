// The checks theatre staff need before a scanned device goes in: is the model known, is this
// item expired, is the model recalled or withdrawn, does it belong to the procedure's registry.
// Each finding names its rule (docs/device-catalogue.md §3):
//   catalogue.unknown_di     warning  no catalogue record for the DI
//   catalogue.expired        error    the label's expiry is before the procedure date
//   catalogue.recalled       error    the model is recalled on the procedure date
//   catalogue.withdrawn      warning  the model is withdrawn on the procedure date
//   catalogue.wrong_registry warning  the model declares registries, not this one
// Registry-declared compatibility rules (a mismatched breast implant pair, ...) are judged over a
// procedure's devices by compatibility.h. Thread safety: pure function of its arguments.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/udi/udi.h"

namespace orp::catalogue {

struct ScanContext {
  Date procedure_date{};
  std::string_view registry{};     // e.g. "BCIR"; empty: no registry check
  std::optional<Date> known_on{};  // judge with what was recorded by then (default: all)
};

std::vector<udi::Finding> CheckScan(const Catalogue& catalogue, const udi::ParsedUdi& scan,
                                    const ScanContext& context);

}  // namespace orp::catalogue
