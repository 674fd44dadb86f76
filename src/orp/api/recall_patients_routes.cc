// GET /api/v1/recalls/{reference}/patients (issue #8): a recall campaign's patients a page at a
// time, keyed in the store (recall/patients_page.h). The campaign's other routes, and the scope
// rules it follows, are in recall_routes.cc.
#include <algorithm>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/recall/patients_page.h"
#include "orp/security/principal.h"

namespace orp::api {
namespace {

// The scope of a page of campaign patients, for the store's query: national roles see every
// patient; anyone else the organisations among their grants' scopes that the policy lets them
// read (provider@ODS), and their own row (patient@self, found by the principal's pseudonym).
Result<storage::RecallPatientsQuery> PageScope(const ApiServices& s, const RequestContext& ctx) {
  storage::RecallPatientsQuery q;
  if (ctx.Allowed(ResourceScope{})) return q;
  q.providers.emplace();
  for (const security::Grant& grant : ctx.principal().grants) {
    ResourceScope scope;
    scope.organisations.push_back(grant.scope);
    if (grant.scope.empty() || !ctx.Allowed(scope)) continue;
    if (std::find(q.providers->begin(), q.providers->end(), grant.scope) == q.providers->end())
      q.providers->push_back(grant.scope);
  }
  ResourceScope own;
  own.patient = ctx.principal().patient;
  if (own.patient.empty() || !ctx.Allowed(own)) return q;
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(own.patient);
  if (!pseudonym) return q;
  auto patient = s.store->FindPatientByPseudonym(*pseudonym);
  if (!patient) return std::unexpected(patient.error());
  if (*patient) q.patient = (*patient)->id;
  return q;
}

// GET /api/v1/recalls/{reference}/patients?cursor=C&limit=N: the campaign's patients the caller
// may see, a page at a time in patient (row id) order; `next_cursor` (null on the last page) is
// passed back for the next. Pseudonyms only: NHS numbers come through GET /recalls/{reference}
// with identifiable=true. Audited as that route's read. A keyed read (recall::LoadPatientsPage):
// the store seeks the cursor and reads the page's rows with the caller's scope applied, so a page
// costs its own size, not the campaign's; each row is still checked against the policy here.
Result<HttpResponse> RecallPatientsPage(const ApiServices& s, const RequestContext& ctx) {
  Result<storage::RecallPatientsQuery> q = PageScope(s, ctx);
  if (!q) return std::unexpected(q.error());
  if (auto cursor = ctx.request().QueryParam("cursor")) {
    Result<int64_t> decoded = DecodeCursor("recall-patients", *cursor);
    if (!decoded) return std::unexpected(decoded.error());
    q->after = *decoded;
  }
  Result<int> limit = ParseLimit(ctx.request().QueryParam("limit"), 100, 1000);
  if (!limit) return std::unexpected(limit.error());
  q->limit = *limit;
  Result<recall::PatientsPage> page =
      recall::LoadPatientsPage(*s.store, ctx.Param("reference"), *q);
  if (!page) return std::unexpected(page.error());
  const bool national = !q->providers;
  if (!national && page->patients.empty()) {
    // Past the last page, or none of the campaign's patients is the caller's: only the second
    // is "not found", as for GET /recalls/{reference}.
    q->after = 0;
    q->limit = 1;
    Result<recall::PatientsPage> any =
        recall::LoadPatientsPage(*s.store, ctx.Param("reference"), *q);
    if (!any) return std::unexpected(any.error());
    if (any->patients.empty()) {
      return NotFound("no recall with this reference in which you have patients");
    }
  }
  Json patients = Json::array();
  for (size_t i = 0; i < page->patients.size(); ++i) {
    const storage::RecallPatientEntry& e = page->patients[i];
    ResourceScope scope;
    if (!e.patient.provider.empty()) scope.organisations.push_back(e.patient.provider);
    scope.patient = page->patient_refs[i];
    if (!ctx.Allowed(scope)) continue;  // the store's scope and the policy agree; never shown
    patients.push_back(recall::PatientJson(e.patient, page->patient_refs[i], e.contacts));
  }
  Json next =
      page->more
          ? Json(EncodeCursor("recall-patients", page->patients.back().patient.patient.value))
          : Json(nullptr);
  std::string purpose = ctx.request().QueryParam("purpose").value_or("recall follow-up");
  ORP_RETURN_IF_ERROR(ctx.Audit("recall/" + page->recall.reference, "ok", purpose));
  return JsonResponse(Json{
      {"reference", page->recall.reference},
      {"patients", std::move(patients)},
      {"next_cursor",
       std::move(next)}}.dump());
}

}  // namespace

Result<void> AddRecallPatientsRoute(Router& router, const ApiServices& services) {
  return router.Add(
      {"GET", "/api/v1/recalls/{reference}/patients", "recall.read",
       [services](const RequestContext& ctx) { return RecallPatientsPage(services, ctx); },
       "A campaign's patients you may see, a page at a time"});
}

}  // namespace orp::api
