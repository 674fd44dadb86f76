// The API's route table: every route the server answers, with the action the policy decides
// on. AddRoutes is the one place routes are registered; docs/openapi.yaml must list exactly
// these (routes_test.cc checks), and `orp serve --routes` prints them. Action names are
// security::ActionName's (security/policy.h); health.read, session.create, session.delete,
// public.device.read and proms.invitation are public.
//
//   GET  /healthz                               health.read        the process is up
//   GET  /readyz                                health.read        the store answers
//   GET  /metrics                               metrics.read       Prometheus text
//   POST /api/v1/submissions                    submission.create  CSV, NDJSON or JSON body
//   GET  /api/v1/submissions/{id}               submission.read    receipt + findings, paged
//   GET  /api/v1/procedures                     procedure.read     filtered, cursor-paged
//   GET  /api/v1/patients/{pseudonym}/implants  patient.implants.read
//   GET  /api/v1/catalogue/devices/{di}       catalogue.read     current version + history
//   GET  /api/v1/udi/parse                      udi.parse          ?udi=<label>
//   GET  /api/v1/analytics/survival             analytics.aggregate.read  survival by group
//   GET  /api/v1/signals                        surveillance.signal.read  filtered, paged
//   GET  /api/v1/signals/{id}                   surveillance.signal.read  with its evidence
//   PATCH /api/v1/signals/{id}                  surveillance.signal.update  status + reason
//   POST /api/v1/surveillance/runs              surveillance.run   run every method now
//   GET  /api/v1/surveillance/runs/{id}         surveillance.run   a run's record
//   POST /api/v1/recalls                        recall.create      a campaign from criteria
//   GET  /api/v1/recalls                        recall.read        campaigns, scoped counts
//   GET  /api/v1/recalls/{reference}            recall.read        its patients you may see
//   PATCH /api/v1/recalls/{reference}/patients/{patient}  recall.update  contact/review/outcome
//   GET  /api/v1/patients/{pseudonym}/recalls   recall.read        a patient's recalls
//   GET  /api/v1/audit                          audit.read         by actor, object, time
//   GET  /api/v1/patients/{pseudonym}/audit     audit.read_own     who looked at my record
//   GET  /api/v1/registries                     catalogue.read     loaded definitions (summary)
//   GET  /api/v1/registries/{code}              catalogue.read     fields, value sets, rules
//   GET  /api/v1/users                          user.admin         accounts (admin_routes.cc)
//   POST /api/v1/users                          user.admin         add; TOTP secret shown once
//   POST /api/v1/users/{username}/disable       user.admin         disable
//   GET  /api/v1/users/{username}/tokens        user.admin         its tokens (no secrets)
//   POST /api/v1/users/{username}/tokens        user.admin         a token, shown once
//   DELETE /api/v1/tokens/{id}                  user.admin         revoke
//   POST /api/v1/sessions                       session.create     sign in (public)
//   DELETE /api/v1/sessions                     session.delete     sign out (public)
//   GET  /api/v1/analytics/funnel               analytics.aggregate.read  funnel points + limits
//   GET  /api/v1/analytics/cusum                analytics.aggregate.read  one unit's CUSUM path
//   GET  /api/v1/analytics/completeness         analytics.aggregate.read  primaries a month
//   GET  /api/v1/analytics/benchmark            analytics.aggregate.read  national, public audience
//   GET  /api/v1/patients/{pseudonym}/device-performance  patient.implants.read  model vs class
//   GET  /api/v1/proms/invitations/{token}      proms.invitation   a questionnaire (public: the
//   POST /api/v1/proms/invitations/{token}      proms.invitation   link's token is the credential)
//   GET  /api/v1/patients/{pseudonym}/proms     procedure.read     questionnaires due, scores
//   GET|POST /api/v1/patients/{pseudonym}/proms/invitations/{id}  proms.invitation  the patient
//   GET  /api/v1/proms/participation            analytics.aggregate.read  rates per provider
//   GET  /api/v1/proms/gain                     analytics.aggregate.read  gain vs the country
//   GET  /api/v1/submissions                    submission.read    own history, newest first
//   GET  /api/v1/submissions/waiting            submission.read    rejected, not yet fixed
//   GET  /api/v1/public/device-performance      public.device.read  national figures (public,
//                                               rate limited)
//   GET  /api/v1/recall-status                  recall.status.read  campaigns on own devices,
//                                               counted per stage (no patients)
//
// Scope: list and read routes ask the gatekeeper about each row's organisation, clinician or
// patient (RequestContext::Allowed) and return only what it allows, so a provider sees its own
// organisation's data whatever the client asks for. Reads of patient-level data are audited.
// test/api_role_table_test.cc holds (role, method, route) -> status for every route here, with
// the real policy; a route without a row there fails it.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "orp/api/metrics.h"
#include "orp/api/router.h"
#include "orp/catalogue/catalogue.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/validator.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/store.h"

namespace orp::analytics {
class CohortCache;
}
namespace orp::proms {
class InstrumentSet;
}

namespace orp::api {

class SurveillanceRuns;

// Validators for submissions, one per (submitting organisation, registry), compiled on first
// use. Thread safety: For may be called from many threads.
class SubmissionValidators {
 public:
  // `catalogue` may be null (no catalogue checks); it must outlive this object.
  SubmissionValidators(domain::RegistrySet registries, const catalogue::Catalogue* catalogue);

  // kInvalidArgument for an unknown registry code.
  Result<const ingest::Validator*> For(const std::optional<domain::OdsCode>& as_ods,
                                       const std::string& registry);

  const domain::RegistrySet& registries() const { return registries_; }

 private:
  domain::RegistrySet registries_;
  const catalogue::Catalogue* catalogue_;
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, Date>, std::unique_ptr<ingest::Validator>>
      validators_;
};

// Requests per remote address per minute on the public questionnaire routes (proms, #11), so
// link tokens cannot be guessed at speed. A fixed one-minute window. Thread safe.
class PromsLinkLimiter {
 public:
  explicit PromsLinkLimiter(int per_minute) : per_minute_(per_minute) {}
  // True when the request may go ahead (and counts it).
  bool Admit(std::string_view address, std::chrono::steady_clock::time_point now);

 private:
  const int per_minute_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_start_{};
  std::map<std::string, int, std::less<>> counts_;
};

// What the handlers use; every pointer must outlive the router.
struct ApiServices {
  storage::Store* store = nullptr;
  const security::Pseudonymiser* pseudonymiser = nullptr;
  SubmissionValidators* validators = nullptr;
  Metrics* metrics = nullptr;
  // Where a submission body is written while the ingest pipeline reads it (then deleted).
  std::filesystem::path spool_directory = std::filesystem::temp_directory_path();
  // Survival cohorts, one per registry and unit, refreshed from the store's change sequence
  // (analytics/survival.h). Null: AddRoutes makes one for the router's lifetime.
  std::shared_ptr<analytics::CohortCache> cohorts = nullptr;
  // Surveillance runs started over HTTP (surveillance_routes.cc). Null: AddRoutes makes one.
  std::shared_ptr<SurveillanceRuns> surveillance_runs = nullptr;
  // Analytics routes (survival, surveillance, rates) read through this store when it is set:
  // `orp serve --db-read URL` makes it a storage::ReadReplicaStore (queries on the replica,
  // writes such as audit entries on `store`). Null: use `store`. Never use it for sessions,
  // tokens or idempotency keys (a replica lags). (ops, #10)
  storage::Store* analytics_store = nullptr;
  storage::Store& AnalyticsStore() const { return analytics_store ? *analytics_store : *store; }
  // Called after a submission over HTTP stored new procedures (not for a replayed key or a
  // duplicate), once its response is ready: `orp serve` hands it a surveillance::RunTrigger's
  // Notify, which must not block. Empty: nothing is called. (surveil, #7)
  std::function<void()> after_submission;
  // PROMs instruments for the questionnaire routes (proms, #11). Null: none installed (a link
  // still finds its invitation, but its questionnaire cannot be shown).
  const proms::InstrumentSet* instruments = nullptr;
  // The questionnaire routes' rate limit. Null: AddRoutes makes one of 60 a minute.
  std::shared_ptr<PromsLinkLimiter> proms_link_limiter = nullptr;
};

// Registers every route above. kAlreadyExists/kInvalidArgument only on a programming error.
Result<void> AddRoutes(Router& router, const ApiServices& services);

// Per-file registrars used by AddRoutes.
Result<void> AddHealthRoutes(Router& router, const ApiServices& services);
Result<void> AddSubmissionRoutes(Router& router, const ApiServices& services);
Result<void> AddRecordRoutes(Router& router, const ApiServices& services);
Result<void> AddCatalogueRoutes(Router& router, const ApiServices& services);
Result<void> AddSessionRoutes(Router& router, const ApiServices& services);
Result<void> AddAnalyticsRoutes(Router& router, const ApiServices& services);
Result<void> AddSurveillanceRoutes(Router& router, const ApiServices& services);
Result<void> AddRecallRoutes(Router& router, const ApiServices& services);
Result<void> AddAuditRoutes(Router& router, const ApiServices& services);
// Dashboards (webdash, #9): dashboard_routes.cc.
Result<void> AddDashboardRoutes(Router& router, const ApiServices& services);
// National device performance (webdash, #9): benchmark_routes.cc.
Result<void> AddBenchmarkRoutes(Router& router, const ApiServices& services);
Result<void> AddRegistryRoutes(Router& router, const ApiServices& services);
Result<void> AddAdminRoutes(Router& router, const ApiServices& services);
Result<void> AddPromsRoutes(Router& router, const ApiServices& services);
Result<void> AddPromsAnalysisRoutes(Router& router, const ApiServices& services);
// Submission history and records waiting for a fix (web, #9): submission_history_routes.cc.
Result<void> AddSubmissionHistoryRoutes(Router& router, const ApiServices& services);
// Public device performance, no sign-in (web, #9): public_routes.cc.
Result<void> AddPublicRoutes(Router& router, const ApiServices& services);
// Recall status for manufacturers (web, #9): recall_status_routes.cc.
Result<void> AddRecallStatusRoutes(Router& router, const ApiServices& services);
// A recall campaign's patients a page at a time (recall, #8): recall_patients_routes.cc, called
// by AddRecallRoutes.
Result<void> AddRecallPatientsRoute(Router& router, const ApiServices& services);
// GET /api/v1/analytics/benchmark's handler (benchmark_routes.cc), also served publicly.
Result<HttpResponse> Benchmark(const ApiServices& s, const RequestContext& ctx);

// The organisation a provider site belongs to: the store's organisation when it knows the
// site, else the site code's first three characters — the same rule ingest applies when a
// provider submits for its own sites (ValidatorOptions::as_ods).
std::string OrganisationOfSite(storage::Reader& reader, const domain::OdsSiteCode& site);

// The organisation a caller submits for (submission_routes.cc): ?as=ODS, else the scope of its
// only submitter or provider grant, else none (a national role). kInvalidArgument for a bad ?as
// or several organisations without ?as.
Result<std::optional<domain::OdsCode>> SubmittingOrganisation(const RequestContext& ctx);

}  // namespace orp::api
