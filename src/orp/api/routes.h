// The API's route table: every route the server answers, with the action the policy decides
// on. AddRoutes is the one place routes are registered; docs/openapi.yaml must list exactly
// these (routes_test.cc checks), and `orp serve --routes` prints them. Action names are
// security::ActionName's (security/policy.h), except the public health.read, session.create
// and session.delete.
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
//   POST /api/v1/sessions                       session.create     sign in (public)
//   DELETE /api/v1/sessions                     session.delete     sign out (public)
//
// Scope: list and read routes ask the gatekeeper about each row's organisation, clinician or
// patient (RequestContext::Allowed) and return only what it allows, so a provider sees its own
// organisation's data whatever the client asks for. Reads of patient-level data are audited.
#pragma once

#include <filesystem>
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

namespace orp::api {

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

// What the handlers use; every pointer must outlive the router.
struct ApiServices {
  storage::Store* store = nullptr;
  const security::Pseudonymiser* pseudonymiser = nullptr;
  SubmissionValidators* validators = nullptr;
  Metrics* metrics = nullptr;
  // Where a submission body is written while the ingest pipeline reads it (then deleted).
  std::filesystem::path spool_directory = std::filesystem::temp_directory_path();
};

// Registers every route above. kAlreadyExists/kInvalidArgument only on a programming error.
Result<void> AddRoutes(Router& router, const ApiServices& services);

// Per-file registrars used by AddRoutes.
Result<void> AddHealthRoutes(Router& router, const ApiServices& services);
Result<void> AddSubmissionRoutes(Router& router, const ApiServices& services);
Result<void> AddRecordRoutes(Router& router, const ApiServices& services);
Result<void> AddCatalogueRoutes(Router& router, const ApiServices& services);
Result<void> AddSessionRoutes(Router& router, const ApiServices& services);

// The organisation a provider site belongs to: the store's organisation when it knows the
// site, else the site code's first three characters — the same rule ingest applies when a
// provider submits for its own sites (ValidatorOptions::as_ods).
std::string OrganisationOfSite(storage::Reader& reader, const domain::OdsSiteCode& site);

}  // namespace orp::api
