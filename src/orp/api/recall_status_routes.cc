// Recall status for the devices' manufacturer (web, #9):
//   GET /api/v1/recall-status   recall.status.read
//       every campaign the caller may follow — for a manufacturer@ID, the campaigns whose
//       criteria name only its own devices (the catalogue's manufacturer, docs/adr/0006); for
//       the regulator, all — with its patients counted per stage and outcome. No patient, no
//       provider and no contact is named, so nothing identifiable is read out and no audit entry
//       is written (as the recall preview).
#include <fmt/format.h>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/domain/device_id.h"
#include "orp/recall/campaign.h"
#include "orp/recall/cohort.h"
#include "orp/recall/criteria.h"

namespace orp::api {
namespace {

// Whether every device of the campaign's criteria is one the caller may follow; national
// callers follow every campaign.
Result<bool> Follows(const ApiServices& s, const RequestContext& ctx, const storage::Recall& r) {
  if (ctx.Allowed(ResourceScope{})) return true;
  Result<recall::Criteria> criteria = recall::ParseCriteriaJson(r.criteria_json);
  if (!criteria) return false;  // a campaign we cannot read is nobody's own
  Result<std::vector<std::string>> devices = recall::ResolveDevices(*s.store, *criteria);
  if (!devices) return std::unexpected(devices.error());
  if (devices->empty()) return false;
  for (const std::string& di : *devices) {
    ResourceScope scope;
    if (auto id = domain::DeviceId::Parse(di)) {
      auto model = s.store->FindDeviceModel(*id, std::nullopt);
      if (!model) return std::unexpected(model.error());
      if (*model) scope.manufacturer = (*model)->manufacturer;
    }
    if (scope.manufacturer.empty() || !ctx.Allowed(scope)) return false;
  }
  return true;
}

Json StatusJson(const storage::Recall& r, const recall::StageCounts& c) {
  return {{"reference", r.reference},
          {"fsn_reference", r.fsn_reference},
          {"title", r.title},
          {"status", storage::Name(r.status)},
          {"patients", c.patients},
          {"stages",
           {{"identified", c.identified},
            {"contacted", c.contacted},
            {"reviewed", c.reviewed},
            {"concluded", c.concluded}}},
          {"outcomes",
           {{"no_action", c.no_action}, {"monitoring", c.monitoring}, {"explanted", c.explanted}}}};
}

Result<HttpResponse> RecallStatus(const ApiServices& s, const RequestContext& ctx) {
  Result<std::vector<storage::Recall>> recalls = s.store->ListRecalls();
  if (!recalls) return std::unexpected(recalls.error());
  Json items = Json::array();
  for (const storage::Recall& r : *recalls) {
    Result<bool> follows = Follows(s, ctx, r);
    if (!follows) return std::unexpected(follows.error());
    if (!*follows) continue;
    Result<std::vector<storage::RecallPatient>> patients = s.store->RecallPatients(r.id);
    if (!patients) return std::unexpected(patients.error());
    recall::StageCounts counts;
    for (const storage::RecallPatient& p : *patients) counts.Add(p);
    items.push_back(StatusJson(r, counts));
  }
  return JsonResponse(Json{{"items", items}}.dump());
}

}  // namespace

Result<void> AddRecallStatusRoutes(Router& router, const ApiServices& services) {
  return router.Add({"GET", "/api/v1/recall-status", "recall.status.read",
                     [services](const RequestContext& ctx) { return RecallStatus(services, ctx); },
                     "Recall campaigns on the caller's devices, counted per stage (no patients)"});
}

}  // namespace orp::api
