// A stored signal as JSON, the one form `orp surveillance --format json` and the API's signal
// routes both write: its fields in declaration order; non-finite numbers as null; with
// `with_evidence`, the stored evidence parsed (or as a string when it is not valid JSON).
// Only json_fwd.hpp here, so including this header costs little.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "orp/storage/signals.h"

namespace orp::surveillance {

nlohmann::ordered_json SignalJson(const storage::Signal& signal, bool with_evidence);

}  // namespace orp::surveillance
