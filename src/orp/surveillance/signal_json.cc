#include "orp/surveillance/signal_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "orp/core/date.h"

namespace orp::surveillance {

nlohmann::ordered_json SignalJson(const storage::Signal& s, bool with_evidence) {
  using Json = nlohmann::ordered_json;
  auto number = [](double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); };
  Json body = {{"id", s.id},
               {"registry", s.registry},
               {"unit_kind", storage::SignalUnitKindName(s.unit_kind)},
               {"unit", s.unit},
               {"method", s.method},
               {"what", s.what},
               {"statistic", number(s.statistic)},
               {"threshold", number(s.threshold)},
               {"data_cut", FormatIsoDate(s.data_cut)},
               {"first_seen", FormatIsoDate(s.first_seen)},
               {"times_seen", s.times_seen},
               {"status", storage::SignalStatusName(s.status)},
               {"status_reason", s.status_reason}};
  if (with_evidence) {
    Json evidence = Json::parse(s.evidence_json, nullptr, false);
    body["evidence"] = evidence.is_discarded() ? Json(s.evidence_json) : evidence;
  }
  return body;
}

}  // namespace orp::surveillance
