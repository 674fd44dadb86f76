// GET /api/v1/catalogue/devices/{gtin} and GET /api/v1/udi/parse?udi=...
#include <fmt/format.h>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/udi/parse.h"

namespace orp::api {
namespace {

Result<HttpResponse> ReadDevice(const ApiServices& s, const RequestContext& ctx) {
  // A GTIN or a HIBCC DI (domain/device_id.h); the parameter keeps its historic name.
  Result<domain::DeviceId> gtin = domain::DeviceId::Parse(ctx.Param("gtin"));
  if (!gtin) return std::unexpected(gtin.error().WithContext("gtin"));
  Result<std::vector<domain::DeviceModel>> history = s.store->DeviceModelHistory(*gtin);
  if (!history) return std::unexpected(history.error());
  if (history->empty()) {
    return NotFound(fmt::format("no device model with {} DI {} in the catalogue",
                                domain::Name(gtin->agency()), gtin->text()));
  }
  ResourceScope scope;
  scope.manufacturer = history->back().manufacturer;
  ORP_RETURN_IF_ERROR(ctx.Require(scope));
  Result<std::optional<domain::DeviceModel>> current = s.store->FindDeviceModel(*gtin, std::nullopt);
  if (!current) return std::unexpected(current.error());
  Json versions = Json::array();
  for (const domain::DeviceModel& model : *history) versions.push_back(DeviceModelJson(model));
  Json body = {{"current", *current ? DeviceModelJson(**current) : Json(nullptr)},
               {"history", versions}};
  return JsonResponse(body.dump());
}

Result<HttpResponse> ParseLabel(const RequestContext& ctx) {
  std::optional<std::string> text = ctx.request().QueryParam("udi");
  if (!text || text->empty()) {
    return InvalidArgument("udi: required, the label text as scanned (URL-encoded)");
  }
  if (text->size() > 1000) return InvalidArgument("udi: longer than 1000 characters");
  return JsonResponse(ParsedUdiJson(udi::ParseUdi(*text)).dump());
}

}  // namespace

Result<void> AddCatalogueRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/catalogue/devices/{gtin}", "catalogue.read",
       [services](const RequestContext& ctx) { return ReadDevice(services, ctx); },
       "A device model's current catalogue entry and its history"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/udi/parse", "udi.parse",
       [](const RequestContext& ctx) { return ParseLabel(ctx); },
       "Parse a UDI label (GS1, HIBCC, Digital Link)"}));
  return {};
}

}  // namespace orp::api
