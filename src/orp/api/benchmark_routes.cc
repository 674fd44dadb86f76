// National device performance at the public audience (issue #9), for the dashboards' "against
// the national curve / against its class" comparisons and the patient's page:
//   GET /api/v1/analytics/benchmark                    analytics.aggregate.read
//       survival of the whole registry grouped by a device attribute (model, brand,
//       manufacturer, device_type, gtin) — never by provider, site or clinician — always at
//       the public audience (disclosure control: counts 1-7 as null, others rounded to 5,
//       estimates of small groups withheld), so any role with the action may compare its own
//       units with the nation and with each device class.
//   GET /api/v1/patients/{pseudonym}/device-performance  patient.implants.read
//       for each implant in situ in the patient: its model's national survival and its class's
//       (registry and device type), public audience. Only the patient themself (and national
//       roles) may ask; anyone else reads 404, as for an unknown patient.
// Both are audited; neither returns patient-level data beyond the caller's own implants.
#include <fmt/format.h>

#include <map>

#include "orp/analytics/report_json.h"
#include "orp/analytics/survival.h"
#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/text.h"
#include "orp/domain/device_id.h"

namespace orp::api {
namespace {

bool IsDeviceGrouping(std::string_view by) {
  return by == "model" || by == "brand" || by == "manufacturer" || by == "device_type" ||
         by == "gtin";
}

// The whole registry at the public audience, as JSON (analytics/report_json.h).
Result<Json> NationalReport(const ApiServices& s, const domain::RegistryDefinition* definition,
                            const std::string& by) {
  analytics::SurvivalQuery q;
  q.registry = definition->code;
  q.by = by;
  q.definition = definition;
  q.audience = stats::Audience::kPublic;
  q.purpose = analytics::Purpose::kResearch;
  Result<analytics::SurvivalReport> report = s.cohorts->Survival(s.AnalyticsStore(), q);
  if (!report) return std::unexpected(report.error());
  return Json::parse(analytics::SurvivalReportJson(*report));
}

}  // namespace

// Also the public page's answer (public_routes.cc): the same figures at the same audience.
Result<HttpResponse> Benchmark(const ApiServices& s, const RequestContext& ctx) {
  const std::string registry = ctx.request().QueryParam("registry").value_or("");
  if (registry.empty()) return InvalidArgument("registry: required, e.g. registry=NJR");
  const domain::RegistryDefinition* definition = s.validators->registries().Find(registry);
  if (definition == nullptr) {
    return NotFound(fmt::format("registry: no registry '{}'", Printable(registry)));
  }
  const std::string by = ctx.request().QueryParam("by").value_or("device_type");
  if (!IsDeviceGrouping(by)) {
    return InvalidArgument(fmt::format(
        "by: '{}' is not a device grouping (model, brand, manufacturer, device_type, gtin); "
        "providers and clinicians are compared on /analytics/funnel",
        Printable(by)));
  }
  Result<Json> report = NationalReport(s, definition, by);
  if (!report) return std::unexpected(report.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(
      fmt::format("analytics/benchmark?registry={}&by={}&audience=public", registry, by)));
  return JsonResponse(report->dump());
}

namespace {

// The group labelled `label` in a report's groups, or null.
Json GroupOf(const Json& report, const std::string& label) {
  for (const Json& g : report["groups"])
    if (g.value("group", "") == label) return g;
  return nullptr;
}

Result<HttpResponse> DevicePerformance(const ApiServices& s, const RequestContext& ctx) {
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  auto not_found = NotFound("no patient with this pseudonym that you may see");
  ResourceScope scope;
  scope.patient = pseudonym->Hex();
  if (!ctx.Allowed(scope)) return not_found;
  Result<std::optional<domain::Patient>> patient = s.store->FindPatientByPseudonym(*pseudonym);
  if (!patient) return std::unexpected(patient.error());
  if (!*patient) return not_found;
  std::map<std::string, Json> reports;  // "registry/by" -> report
  auto report = [&](const domain::RegistryDefinition& r, const std::string& by) -> Result<Json*> {
    auto [it, added] = reports.try_emplace(r.code + "/" + by);
    if (added) {
      Result<Json> made = NationalReport(s, &r, by);
      if (!made) return std::unexpected(made.error());
      it->second = std::move(*made);
    }
    return &it->second;
  };
  Json items = Json::array();
  for (const domain::RegistryDefinition& registry : s.validators->registries().registries()) {
    Result<std::vector<domain::Implant>> implants =
        s.store->ImplantsInSitu({(*patient)->id, registry.code, "", std::nullopt});
    if (!implants) return std::unexpected(implants.error());
    for (const domain::Implant& implant : *implants) {
      Json item = {{"registry", registry.code}, {"implant", implant.id.value}};
      std::optional<domain::DeviceId> id = domain::DeviceIdOf(implant);
      const std::string di = id ? id->text() : "";
      item["gtin"] = di.empty() ? Json(nullptr) : Json(di);
      std::optional<domain::DeviceModel> model;
      if (id) {
        auto found = s.store->FindDeviceModel(*id, std::nullopt);
        if (found && *found) model = **found;
      }
      item["device"] =
          model ? Json(fmt::format("{} {} {}", model->manufacturer, model->brand, model->model))
                : Json(nullptr);
      item["device_type"] = model ? Json(model->device_type) : Json(nullptr);
      Result<Json*> by_gtin = report(registry, "gtin");
      if (!by_gtin) return std::unexpected(by_gtin.error());
      item["model"] = di.empty() ? Json(nullptr) : GroupOf(**by_gtin, di);
      Result<Json*> by_type = report(registry, "device_type");
      if (!by_type) return std::unexpected(by_type.error());
      item["class"] = model ? GroupOf(**by_type, model->device_type) : Json(nullptr);
      item["data_cut"] = (**by_type)["data_cut"];
      items.push_back(std::move(item));
    }
  }
  ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + pseudonym->Hex() + "/device-performance"));
  Json body = {{"pseudonym", pseudonym->Hex()}, {"audience", "public"}, {"items", items}};
  return JsonResponse(body.dump());
}

}  // namespace

Result<void> AddBenchmarkRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/analytics/benchmark", "analytics.aggregate.read",
       [services](const RequestContext& ctx) { return Benchmark(services, ctx); },
       "National survival by device model, brand, manufacturer or class (public audience)"}));
  return router.Add(
      {"GET", "/api/v1/patients/{pseudonym}/device-performance", "patient.implants.read",
       [services](const RequestContext& ctx) { return DevicePerformance(services, ctx); },
       "How each of a patient's implants performs nationally, beside its class"});
}

}  // namespace orp::api
