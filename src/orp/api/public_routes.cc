// Device performance for the public, no sign-in (web, #9):
//   GET /api/v1/public/device-performance   public.device.read (public)
//       without ?registry: the registries there are figures for (code and name);
//       with ?registry=&by=: exactly GET /api/v1/analytics/benchmark's answer — national survival
//       grouped by a device attribute, never by provider or clinician, at the public audience
//       (disclosure control: small counts suppressed, others rounded, estimates of small groups
//       withheld; analytics/survival.h).
// Rate limited per remote address (a fixed one-minute window, as the questionnaire links): a
// public route must not become a way to load the server. Audited as the benchmark is.
#include <fmt/format.h>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"

namespace orp::api {
namespace {

constexpr int kPublicRequestsPerMinute = 120;

HttpResponse TooMany(const RequestContext& ctx) {
  HttpResponse response =
      ErrorResponse(429, "RESOURCE_EXHAUSTED",
                    "too many requests from this address; try again in a minute", ctx.request_id());
  response.headers.emplace_back("Retry-After", "60");
  return response;
}

Result<HttpResponse> PublicDevicePerformance(const ApiServices& s, PromsLinkLimiter& limiter,
                                             const RequestContext& ctx) {
  if (!limiter.Admit(ctx.request().remote_address, std::chrono::steady_clock::now())) {
    return TooMany(ctx);
  }
  if (ctx.request().QueryParam("registry")) return Benchmark(s, ctx);
  Json registries = Json::array();
  for (const domain::RegistryDefinition& r : s.validators->registries().registries()) {
    registries.push_back({{"code", r.code}, {"name", r.name}});
  }
  return JsonResponse(Json{{"registries", registries}}.dump());
}

}  // namespace

Result<void> AddPublicRoutes(Router& router, const ApiServices& services) {
  auto limiter = std::make_shared<PromsLinkLimiter>(kPublicRequestsPerMinute);
  return router.Add({"GET", "/api/v1/public/device-performance", "public.device.read",
                     [services, limiter](const RequestContext& ctx) {
                       return PublicDevicePerformance(services, *limiter, ctx);
                     },
                     "National device performance at the public audience (no sign-in)"});
}

}  // namespace orp::api
