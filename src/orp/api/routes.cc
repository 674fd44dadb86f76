#include "orp/api/routes.h"

#include "orp/analytics/survival.h"
#include "orp/api/surveillance_runs.h"
#include "orp/domain/ods_code.h"

namespace orp::api {

SubmissionValidators::SubmissionValidators(domain::RegistrySet registries,
                                           const catalogue::Catalogue* catalogue)
    : registries_(std::move(registries)), catalogue_(catalogue) {}

Result<const ingest::Validator*> SubmissionValidators::For(
    const std::optional<domain::OdsCode>& as_ods, const std::string& registry) {
  // Validators check dates against the day they were made, so a long-running server makes a
  // new one each day.
  Date today = TodayUtc();
  std::tuple<std::string, std::string, Date> key{as_ods ? as_ods->code() : "", registry, today};
  std::lock_guard lock(mutex_);
  auto it = validators_.find(key);
  if (it != validators_.end()) return it->second.get();
  ingest::ValidatorOptions options;
  options.today = today;
  options.catalogue = catalogue_;
  options.as_ods = as_ods;
  options.registry = registry;
  Result<ingest::Validator> validator = ingest::Validator::Create(registries_, options);
  if (!validator) return std::unexpected(validator.error());
  auto owned = std::make_unique<ingest::Validator>(std::move(*validator));
  const ingest::Validator* raw = owned.get();
  validators_.emplace(std::move(key), std::move(owned));
  return raw;
}

std::string OrganisationOfSite(storage::Reader& reader, const domain::OdsSiteCode& site) {
  Result<std::optional<domain::Organisation>> stored = reader.FindOrganisationOfSite(site);
  if (stored && *stored) return (*stored)->code.code();
  return site.code().substr(0, 3);
}

Result<void> AddRoutes(Router& router, const ApiServices& given) {
  ApiServices services = given;
  if (!services.cohorts) services.cohorts = std::make_shared<analytics::CohortCache>();
  if (!services.surveillance_runs) {
    services.surveillance_runs = std::make_shared<SurveillanceRuns>();
  }
  ORP_RETURN_IF_ERROR(AddHealthRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddSubmissionRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddRecordRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddCatalogueRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddSessionRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddAnalyticsRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddSurveillanceRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddRecallRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddAuditRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddDashboardRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddBenchmarkRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddRegistryRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddAdminRoutes(router, services));
  if (!services.proms_link_limiter) {
    services.proms_link_limiter = std::make_shared<PromsLinkLimiter>(60);
  }
  ORP_RETURN_IF_ERROR(AddPromsRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddPromsAnalysisRoutes(router, services));
  ORP_RETURN_IF_ERROR(AddSubmissionHistoryRoutes(router, services));  // web, #9
  ORP_RETURN_IF_ERROR(AddPublicRoutes(router, services));             // web, #9
  ORP_RETURN_IF_ERROR(AddRecallStatusRoutes(router, services));       // web, #9
  return {};
}

}  // namespace orp::api
