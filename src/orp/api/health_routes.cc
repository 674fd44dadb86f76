// GET /healthz, /readyz, /metrics.
#include "orp/api/response.h"
#include "orp/api/routes.h"

namespace orp::api {

Result<void> AddHealthRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/healthz", "health.read",
       [](const RequestContext&) -> Result<HttpResponse> {
         return JsonResponse(R"({"status":"ok"})");
       },
       "The process is up"}));
  storage::Store* store = services.store;
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/readyz", "health.read",
       [store](const RequestContext&) -> Result<HttpResponse> {
         Result<int> version = store->SchemaVersion();
         if (!version) {
           return Unavailable("the database does not answer: " + version.error().message());
         }
         return JsonResponse(R"({"status":"ready","schema_version":)" +
                             std::to_string(*version) + "}");
       },
       "The store answers"}));
  Metrics* metrics = services.metrics;
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/metrics", "metrics.read",
       [metrics](const RequestContext&) -> Result<HttpResponse> {
         if (metrics == nullptr) return Unavailable("metrics are not collected by this server");
         HttpResponse response;
         response.content_type = "text/plain; version=0.0.4";
         response.body = metrics->RenderPrometheus();
         return response;
       },
       "Prometheus metrics: requests by route and status, latency, open connections"}));
  return {};
}

}  // namespace orp::api
