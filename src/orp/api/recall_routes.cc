// Recall campaigns over HTTP (issue #8), on recall/campaign.h:
//   POST  /api/v1/recalls                        recall.create  a campaign from criteria
//   GET   /api/v1/recalls                        recall.read    campaigns you take part in
//   GET   /api/v1/recalls/{reference}            recall.read    its patients you may see
//   GET   /api/v1/recalls/{reference}/patients   recall.read    the same, a page at a time
//                                                (recall_patients_routes.cc)
//   PATCH /api/v1/recalls/{reference}/patients/{patient}
//                                                recall.update  contact, review, outcome
//   GET   /api/v1/patients/{pseudonym}/recalls   recall.read    a patient's own recalls
//   GET   /api/v1/recall-preview?device=…&lot=…  recall.create  the cohort's counts
//
// Scope, row by row: a campaign patient belongs to the provider responsible for them (their most
// recent provider when identified), so a provider sees, counts and updates only its own
// patients; the regulator sees all; a patient@self sees the recalls on devices they carry. A
// manufacturer may create a recall on its own devices only (every device the criteria name must
// be its own) and is told how many patients per provider — never who.
//
// NHS numbers: `?identifiable=true&purpose=...` on GET /recalls/{reference} adds each visible
// patient's NHS number when the policy allows patient.identifier.read for that patient's
// provider (the responsible provider, the regulator); the access and its purpose are committed
// to the audit log before anything is decrypted (recall::Identifier). Every read of a campaign's
// patients is audited with its purpose (default "recall follow-up").
#include <fmt/format.h>

#include <algorithm>

#include "orp/api/json_codec.h"
#include "orp/api/request_phases.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/text.h"
#include "orp/domain/device_id.h"
#include "orp/recall/campaign.h"
#include "orp/recall/cohort.h"
#include "orp/recall/patients_page.h"
#include "orp/security/principal.h"

namespace orp::api {
namespace {

domain::Instant Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

recall::Access AccessOf(const RequestContext& ctx, std::string purpose) {
  return {ctx.principal().username, security::FormatGrants(ctx.principal().grants),
          std::move(purpose), ctx.request_id()};
}

Result<Json> ParseBody(const RequestContext& ctx, std::string_view shape) {
  Json body = Json::parse(ctx.request().body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidArgument(fmt::format("body: a JSON object {}", shape));
  }
  return body;
}

std::string StringMember(const Json& body, const char* name) {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<std::optional<Date>> DateMember(const Json& body, const char* name) {
  std::string text = StringMember(body, name);
  if (text.empty()) return std::optional<Date>();
  Result<Date> date = ParseIsoDate(text);
  if (!date) return std::unexpected(date.error().WithContext(name));
  return std::optional<Date>(*date);
}

Json RecallJson(const storage::Recall& r) {
  Json criteria = Json::parse(r.criteria_json, nullptr, false);
  return {{"reference", r.reference},
          {"fsn_reference", r.fsn_reference},
          {"title", r.title},
          {"status", storage::Name(r.status)},
          {"created_by", r.created_by},
          {"criteria", criteria.is_discarded() ? Json(r.criteria_json) : criteria}};
}

// The manufacturer of every device the criteria cover must allow the action (a manufacturer's
// own devices); national roles pass whatever the devices.
Result<void> RequireDevices(const ApiServices& s, const RequestContext& ctx,
                            const recall::Criteria& criteria) {
  if (ctx.Allowed(ResourceScope{})) return {};
  Result<std::vector<std::string>> devices = recall::ResolveDevices(*s.store, criteria);
  if (!devices) return std::unexpected(devices.error());
  for (const std::string& di : *devices) {
    ResourceScope scope;
    if (auto id = domain::DeviceId::Parse(di)) {
      auto model = s.store->FindDeviceModel(*id, std::nullopt);
      if (model && *model) scope.manufacturer = (*model)->manufacturer;
    }
    if (scope.manufacturer.empty() || !ctx.Allowed(scope)) {
      return PermissionDenied(
          fmt::format("criteria: device {} is not one of your own devices in the catalogue", di));
    }
  }
  return {};
}

Result<HttpResponse> CreateRecall(const ApiServices& s, const RequestContext& ctx) {
  Result<Json> body =
      ParseBody(ctx, R"({"reference","fsn_reference","title","criteria":{"devices":[...],...}})");
  if (!body) return std::unexpected(body.error());
  recall::CreateRequest request;
  request.reference = StringMember(*body, "reference");
  request.fsn_reference = StringMember(*body, "fsn_reference");
  request.title = StringMember(*body, "title");
  if (request.reference.empty()) return InvalidArgument("reference: required, e.g. R-2026-001");
  if (!body->contains("criteria")) return InvalidArgument("criteria: required");
  Result<recall::Criteria> criteria = recall::ParseCriteriaJson((*body)["criteria"].dump());
  if (!criteria) return std::unexpected(criteria.error());
  request.criteria = std::move(*criteria);
  ORP_RETURN_IF_ERROR(RequireDevices(s, ctx, request.criteria));
  Result<storage::Recall> created =
      recall::CreateCampaign(*s.store, request, recall::SecurityAuditAppender(),
                             AccessOf(ctx, "field safety notice " + request.fsn_reference), Now());
  if (!created) return std::unexpected(created.error());
  Result<recall::CampaignView> view = recall::LoadCampaign(*s.store, created->reference);
  if (!view) return std::unexpected(view.error());
  Json out = RecallJson(view->recall);
  out["overall"] = recall::CountsJson(view->overall);
  Json by_provider = Json::object();
  for (const auto& [provider, counts] : view->by_provider)
    by_provider[provider] = recall::CountsJson(counts);
  out["by_provider"] = std::move(by_provider);
  HttpResponse response = JsonResponse(out.dump(), 201);
  response.headers.emplace_back("Location", "/api/v1/recalls/" + created->reference);
  return response;
}

// The comma-separated items of a query parameter, empty ones left out.
std::vector<std::string> QueryList(const RequestContext& ctx, std::string_view name) {
  std::vector<std::string> out;
  // Held here: Split's views point into it, and a temporary in the range-for's initialiser
  // would die before the loop runs (C++23's lifetime extension there is not in g++ 12).
  const std::string param = ctx.request().QueryParam(name).value_or("");
  for (std::string_view item : Split(param, ',')) {
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

Json CohortCountsJson(const recall::CohortCounts& c) {
  return {{"implants", c.implants},
          {"in_situ", c.in_situ},
          {"patients", c.patients},
          {"patients_in_situ", c.patients_in_situ},
          {"deceased", c.deceased}};
}

// GET /api/v1/recall-preview?device=DI[,DI…][&lot=L[,L…]]: the affected cohort of those devices
// and lots, counted overall and per most recent provider, before a campaign is created — the
// same callers as creating one, and like its answer it names no patient (so it writes no audit
// entry: nothing identifiable is read out). It is the route issue #8's "one lot over HTTP"
// figure times (docs/performance.md "## Recall").
Result<HttpResponse> PreviewRecall(const ApiServices& s, const RequestContext& ctx) {
  recall::Criteria wanted;
  wanted.device_ids = QueryList(ctx, "device");
  wanted.lots = QueryList(ctx, "lot");
  Result<recall::Criteria> criteria = recall::Validate(std::move(wanted));
  if (!criteria) return std::unexpected(criteria.error());
  ORP_RETURN_IF_ERROR(RequireDevices(s, ctx, *criteria));
  phases::Mark("validate");
  recall::CohortSummary summary;
  ORP_RETURN_IF_ERROR(recall::ForEachAffected(*s.store, *criteria, criteria->device_ids, 0,
                                              [&](const recall::AffectedImplant& a) {
                                                summary.Add(a);
                                                return true;
                                              }));
  phases::Mark("query");
  Json by_provider = Json::object();
  for (const auto& [provider, counts] : summary.by_provider())
    by_provider[provider] = CohortCountsJson(counts);
  Json criteria_json = Json::parse(recall::CriteriaJson(*criteria), nullptr, false);
  HttpResponse response = JsonResponse(Json{
      {"criteria", std::move(criteria_json)},
      {"overall", CohortCountsJson(summary.overall())},
      {"by_provider",
       std::move(by_provider)}}.dump());
  phases::Mark("serialise");
  return response;
}

// The patients of a campaign the caller may see (row by row, by responsible provider).
struct VisiblePatients {
  std::vector<size_t> index;  // into view.patients
  recall::StageCounts counts;
};

VisiblePatients Visible(const RequestContext& ctx, const recall::CampaignView& view) {
  VisiblePatients out;
  for (size_t i = 0; i < view.patients.size(); ++i) {
    ResourceScope scope;
    if (!view.patients[i].provider.empty())
      scope.organisations.push_back(view.patients[i].provider);
    scope.patient = view.patient_refs[i];
    if (!ctx.Allowed(scope)) continue;
    out.index.push_back(i);
    out.counts.Add(view.patients[i]);
  }
  return out;
}

Result<HttpResponse> ListRecalls(const ApiServices& s, const RequestContext& ctx) {
  Result<std::vector<storage::Recall>> recalls = s.store->ListRecalls();
  if (!recalls) return std::unexpected(recalls.error());
  const bool national = ctx.Allowed(ResourceScope{});
  Json items = Json::array();
  for (const storage::Recall& r : *recalls) {
    Result<recall::CampaignView> view = recall::LoadCampaign(*s.store, r.reference);
    if (!view) return std::unexpected(view.error());
    VisiblePatients visible = Visible(ctx, *view);
    if (!national && visible.index.empty()) continue;
    Json item = RecallJson(r);
    item["counts"] = CountsJson(visible.counts);
    items.push_back(std::move(item));
  }
  std::string purpose = ctx.request().QueryParam("purpose").value_or("recall follow-up");
  ORP_RETURN_IF_ERROR(ctx.Audit("recalls", "ok", purpose));
  return JsonResponse(Json{{"items", items}}.dump());
}

Result<Json> PatientJson(const ApiServices& s, const recall::CampaignView& view, size_t i,
                         const recall::Identifier* identifier) {
  const storage::RecallPatient& p = view.patients[i];
  Json out = recall::PatientJson(p, view.patient_refs[i], view.contacts);
  if (identifier) {
    Result<std::optional<domain::Patient>> patient = s.store->FindPatient(p.patient);
    if (!patient) return std::unexpected(patient.error());
    storage::RecallImplantRow row;
    if (*patient) {
      row.pseudonym = (*patient)->pseudonym;
      row.nhs_number = (*patient)->nhs_number;
    }
    Result<domain::NhsNumber> nhs = identifier->NhsNumberOf(row);
    out["nhs_number"] = nhs ? Json(nhs->digits()) : Json(nullptr);
  }
  return out;
}

Result<HttpResponse> GetRecall(const ApiServices& s, const RequestContext& ctx) {
  Result<recall::CampaignView> view = recall::LoadCampaign(*s.store, ctx.Param("reference"));
  if (!view) return std::unexpected(view.error());
  VisiblePatients visible = Visible(ctx, *view);
  const bool national = ctx.Allowed(ResourceScope{});
  if (!national && visible.index.empty()) {
    return NotFound("no recall with this reference in which you have patients");
  }
  std::string purpose = ctx.request().QueryParam("purpose").value_or("recall follow-up");
  const bool identifiable = ctx.request().QueryParam("identifiable").value_or("") == "true";
  std::optional<recall::Identifier> identifier;
  std::vector<size_t> identified;  // the visible patients whose NHS number the caller may see
  if (identifiable) {
    if (!ctx.request().QueryParam("purpose")) {
      return InvalidArgument("purpose: required with identifiable=true (written to the audit log)");
    }
    for (size_t i : visible.index) {
      ResourceScope scope;
      scope.organisations.push_back(view->patients[i].provider);
      if (ctx.AllowedTo("patient.identifier.read", scope)) identified.push_back(i);
    }
    if (identified.empty()) {
      return PermissionDenied("identifiable: your roles may not see these patients' NHS numbers");
    }
    Result<recall::Identifier> opened = recall::Identifier::Open(
        *s.store, *s.pseudonymiser, recall::SecurityAuditAppender(), AccessOf(ctx, purpose),
        "recall/" + view->recall.reference, static_cast<int64_t>(identified.size()), Now());
    if (!opened) return std::unexpected(opened.error());
    identifier.emplace(std::move(*opened));
  }
  Json patients = Json::array();
  for (size_t i : visible.index) {
    bool with_nhs = std::find(identified.begin(), identified.end(), i) != identified.end();
    Result<Json> p = PatientJson(s, *view, i, with_nhs ? &*identifier : nullptr);
    if (!p) return std::unexpected(p.error());
    patients.push_back(std::move(*p));
  }
  ORP_RETURN_IF_ERROR(ctx.Audit("recall/" + view->recall.reference, "ok", purpose));
  Json out = RecallJson(view->recall);
  out["counts"] = CountsJson(visible.counts);
  out["patients"] = std::move(patients);
  return JsonResponse(out.dump());
}

Result<recall::PatientUpdate> ParseUpdate(const Json& body) {
  recall::PatientUpdate u;
  Result<std::optional<Date>> contacted = DateMember(body, "contacted_on");
  if (!contacted) return std::unexpected(contacted.error());
  u.contacted_on = *contacted;
  u.channel = StringMember(body, "channel");
  u.contact_result = StringMember(body, "contact_result");
  Result<std::optional<Date>> reviewed = DateMember(body, "reviewed_on");
  if (!reviewed) return std::unexpected(reviewed.error());
  u.reviewed_on = *reviewed;
  if (std::string outcome = StringMember(body, "outcome"); !outcome.empty()) {
    Result<storage::RecallOutcome> parsed = storage::ParseRecallOutcome(outcome);
    if (!parsed) return std::unexpected(parsed.error().WithContext("outcome"));
    u.outcome = *parsed;
  }
  Result<std::optional<Date>> outcome_on = DateMember(body, "outcome_on");
  if (!outcome_on) return std::unexpected(outcome_on.error());
  u.outcome_on = *outcome_on;
  return u;
}

Result<HttpResponse> UpdateRecallPatient(const ApiServices& s, const RequestContext& ctx) {
  Result<recall::CampaignView> view = recall::LoadCampaign(*s.store, ctx.Param("reference"));
  if (!view) return std::unexpected(view.error());
  const std::string& ref = ctx.Param("patient");
  auto not_found = NotFound("no patient of this recall that you may update");
  auto it = std::find(view->patient_refs.begin(), view->patient_refs.end(), ref);
  if (it == view->patient_refs.end()) return not_found;
  const size_t i = static_cast<size_t>(it - view->patient_refs.begin());
  ResourceScope scope;
  if (!view->patients[i].provider.empty())
    scope.organisations.push_back(view->patients[i].provider);
  scope.patient = ref;
  if (!ctx.Allowed(scope)) {
    ORP_RETURN_IF_ERROR(ctx.Audit("recall/" + view->recall.reference + "/patient", "denied"));
    return not_found;
  }
  Result<Json> body = ParseBody(
      ctx, R"({"contacted_on","channel","contact_result","reviewed_on","outcome","outcome_on"})");
  if (!body) return std::unexpected(body.error());
  Result<recall::PatientUpdate> update = ParseUpdate(*body);
  if (!update) return std::unexpected(update.error());
  std::string purpose = StringMember(*body, "purpose");
  Result<storage::RecallPatient> updated = recall::UpdatePatient(
      *s.store, view->recall.reference, ref, *update, recall::SecurityAuditAppender(),
      AccessOf(ctx, purpose.empty() ? "recall follow-up" : purpose), Now());
  if (!updated) return std::unexpected(updated.error());
  Result<recall::CampaignView> after = recall::LoadCampaign(*s.store, view->recall.reference);
  if (!after) return std::unexpected(after.error());
  Result<Json> out = PatientJson(s, *after, i, nullptr);
  if (!out) return std::unexpected(out.error());
  return JsonResponse(out->dump());
}

// What a patient is told about a recall on a device they carry.
constexpr std::string_view kWhatToDo =
    "A device you have is part of a safety recall. You do not need to do anything today: the "
    "hospital that looks after you will contact you to arrange a review. If you have new pain, "
    "swelling or other symptoms near the device, contact your hospital team or GP now.";

Result<HttpResponse> PatientRecalls(const ApiServices& s, const RequestContext& ctx) {
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  const std::string hex = pseudonym->Hex();
  Result<std::vector<storage::Recall>> recalls = s.store->ListRecalls();
  if (!recalls) return std::unexpected(recalls.error());
  Json items = Json::array();
  bool any_visible = false;
  for (const storage::Recall& r : *recalls) {
    Result<recall::CampaignView> view = recall::LoadCampaign(*s.store, r.reference);
    if (!view) return std::unexpected(view.error());
    for (size_t i = 0; i < view->patients.size(); ++i) {
      if (view->patient_refs[i] != hex) continue;
      ResourceScope scope;
      if (!view->patients[i].provider.empty())
        scope.organisations.push_back(view->patients[i].provider);
      scope.patient = hex;
      if (!ctx.Allowed(scope)) continue;
      any_visible = true;
      const storage::RecallPatient& p = view->patients[i];
      items.push_back(
          {{"reference", r.reference},
           {"title", r.title},
           {"fsn_reference", r.fsn_reference},
           {"recall_status", storage::Name(r.status)},
           {"your_stage", storage::Name(p.stage)},
           {"outcome", p.outcome == storage::RecallOutcome::kNone ? Json(nullptr)
                                                                  : Json(storage::Name(p.outcome))},
           {"responsible_provider", p.provider},
           {"what_to_do", kWhatToDo}});
    }
  }
  ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + hex, any_visible ? "ok" : "ok: none visible"));
  return JsonResponse(Json{{"pseudonym", hex}, {"recalls", items}}.dump());
}

}  // namespace

Result<void> AddRecallRoutes(Router& router, const ApiServices& services) {
  auto bind = [services](Result<HttpResponse> (*f)(const ApiServices&, const RequestContext&)) {
    return [services, f](const RequestContext& ctx) { return f(services, ctx); };
  };
  ORP_RETURN_IF_ERROR(router.Add({"POST", "/api/v1/recalls", "recall.create", bind(CreateRecall),
                                  "Create a recall campaign from criteria (its first cohort)"}));
  ORP_RETURN_IF_ERROR(router.Add({"GET", "/api/v1/recalls", "recall.read", bind(ListRecalls),
                                  "Recall campaigns, with counts of the patients you may see"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/recalls/{reference}", "recall.read", bind(GetRecall),
                  "A recall campaign and its patients you may see"}));
  ORP_RETURN_IF_ERROR(router.Add({"PATCH", "/api/v1/recalls/{reference}/patients/{patient}",
                                  "recall.update", bind(UpdateRecallPatient),
                                  "Record a contact attempt, review or outcome for one patient"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/patients/{pseudonym}/recalls", "recall.read",
                  bind(PatientRecalls), "Recalls on devices a patient carries, and what to do"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/recall-preview", "recall.create", bind(PreviewRecall),
                  "The affected cohort of devices and lots, counted per provider"}));
  return AddRecallPatientsRoute(router, services);
}

}  // namespace orp::api
