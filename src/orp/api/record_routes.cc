// GET /api/v1/procedures and GET /api/v1/patients/{pseudonym}/implants: patient-level records,
// filtered row by row through the gatekeeper (ResourceScope of each procedure's organisation
// and clinician) so a caller sees only what its grants cover, and audited.
#include <fmt/format.h>

#include <charconv>
#include <map>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"

namespace orp::api {
namespace {

constexpr int kDefaultProcedures = 100;
constexpr int kMaxProcedures = 1000;

struct ProcedureQuery {
  std::string registry;
  std::optional<domain::OdsSiteCode> site;
  std::optional<Date> from;  // inclusive
  std::optional<Date> to;    // inclusive
  int64_t after_id = 0;
  int limit = kDefaultProcedures;
};

Result<std::optional<Date>> DateParam(const HttpRequest& request, std::string_view name) {
  std::optional<std::string> text = request.QueryParam(name);
  if (!text) return std::optional<Date>();
  Result<Date> date = ParseIsoDate(*text);
  if (!date) return std::unexpected(date.error().WithContext(name));
  return std::optional<Date>(*date);
}

Result<ProcedureQuery> ParseProcedureQuery(const HttpRequest& request) {
  ProcedureQuery q;
  q.registry = request.QueryParam("registry").value_or("");
  if (auto site = request.QueryParam("site")) {
    Result<domain::OdsSiteCode> code = domain::OdsSiteCode::Parse(*site);
    if (!code) return std::unexpected(code.error().WithContext("site"));
    q.site = *code;
  }
  Result<std::optional<Date>> from = DateParam(request, "from");
  if (!from) return std::unexpected(from.error());
  Result<std::optional<Date>> to = DateParam(request, "to");
  if (!to) return std::unexpected(to.error());
  q.from = *from;
  q.to = *to;
  if (auto cursor = request.QueryParam("cursor")) {
    Result<int64_t> after = DecodeCursor("procedures", *cursor);
    if (!after) return std::unexpected(after.error());
    q.after_id = *after;
  }
  Result<int> limit = ParseLimit(request.QueryParam("limit"), kDefaultProcedures, kMaxProcedures);
  if (!limit) return std::unexpected(limit.error());
  q.limit = *limit;
  return q;
}

bool Matches(const ProcedureQuery& q, const domain::Procedure& p) {
  if (p.id.value <= q.after_id) return false;
  if (q.site && p.provider_site != q.site) return false;
  if (q.from && p.date < *q.from) return false;
  if (q.to && p.date > *q.to) return false;
  return true;
}

// The scope of one procedure: its organisation (cached per request: a page touches few sites)
// and clinician.
class ScopeOfProcedure {
 public:
  explicit ScopeOfProcedure(storage::Reader& reader) : reader_(reader) {}

  ResourceScope operator()(const domain::Procedure& p) {
    ResourceScope scope;
    if (p.provider_site) {
      auto it = organisations_.find(p.provider_site->code());
      if (it == organisations_.end()) {
        it = organisations_
                 .emplace(p.provider_site->code(), OrganisationOfSite(reader_, *p.provider_site))
                 .first;
      }
      scope.organisations.push_back(it->second);
    }
    if (p.clinician) scope.clinician = p.clinician->number();
    return scope;
  }

 private:
  storage::Reader& reader_;
  std::map<std::string, std::string> organisations_;
};

Result<HttpResponse> ListProcedures(const ApiServices& s, const RequestContext& ctx) {
  Result<ProcedureQuery> q = ParseProcedureQuery(ctx.request());
  if (!q) return std::unexpected(q.error());
  if (!q->registry.empty() && s.validators->registries().Find(q->registry) == nullptr) {
    return InvalidArgument(fmt::format("registry: no registry '{}'", q->registry));
  }
  ScopeOfProcedure scope_of(*s.store);
  Json items = Json::array();
  int64_t last_id = 0;
  bool more = false;
  // Streams in id order from the start of the table and skips to the cursor: a page deep into
  // a large registry costs a scan (a keyed range read needs a Reader method; see README).
  Result<void> streamed = s.store->ForEachProcedure(
      {q->registry, 0}, [&](const domain::Procedure& p) {
        if (!Matches(*q, p) || !ctx.Allowed(scope_of(p))) return true;
        if (static_cast<int>(items.size()) == q->limit) {
          more = true;
          return false;
        }
        items.push_back(ProcedureJson(p));
        last_id = p.id.value;
        return true;
      });
  if (!streamed) return std::unexpected(streamed.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("procedures?registry={}", q->registry)));
  Json body = {{"items", items},
               {"next_cursor", more ? Json(EncodeCursor("procedures", last_id)) : Json(nullptr)}};
  return JsonResponse(body.dump());
}

Result<domain::Pseudonym> ParsePseudonym(const std::string& hex) {
  domain::Pseudonym pseudonym;
  bool ok = hex.size() == 64;
  for (size_t i = 0; ok && i < 32; ++i) {
    auto [end, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2,
                                     pseudonym.bytes[i], 16);
    ok = ec == std::errc() && end == hex.data() + 2 * i + 2;
  }
  if (!ok) return InvalidArgument("pseudonym: expected 64 hexadecimal digits");
  return pseudonym;
}

// The implants in situ in one patient, from every registry, those the caller may see.
Result<HttpResponse> PatientImplants(const ApiServices& s, const RequestContext& ctx) {
  Result<domain::Pseudonym> pseudonym = ParsePseudonym(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  Result<std::optional<domain::Patient>> patient = s.store->FindPatientByPseudonym(*pseudonym);
  if (!patient) return std::unexpected(patient.error());
  // Unknown and not-yours read the same: whether a patient is in the registry is itself
  // identifiable.
  auto not_found = NotFound("no patient with this pseudonym that you may see");
  if (!*patient) return not_found;
  ScopeOfProcedure scope_of(*s.store);
  Json items = Json::array();
  for (const domain::RegistryDefinition& registry : s.validators->registries().registries()) {
    Result<std::vector<domain::Implant>> implants =
        s.store->ImplantsInSitu({(*patient)->id, registry.code, "", std::nullopt});
    if (!implants) return std::unexpected(implants.error());
    for (const domain::Implant& implant : *implants) {
      Result<std::optional<domain::Procedure>> procedure =
          s.store->FindProcedureById(implant.procedure);
      if (!procedure) return std::unexpected(procedure.error());
      if (!*procedure) continue;
      ResourceScope scope = scope_of(**procedure);
      scope.patient = pseudonym->Hex();
      if (!ctx.Allowed(scope)) continue;
      Json item = ImplantJson(implant);
      item["registry"] = registry.code;
      item["procedure_date"] = FormatIsoDate((*procedure)->date);
      const auto& site = (*procedure)->provider_site;
      item["provider_site"] = site ? Json(site->code()) : Json(nullptr);
      items.push_back(std::move(item));
    }
  }
  ResourceScope patient_scope;
  patient_scope.patient = pseudonym->Hex();
  if (items.empty() && !ctx.Allowed(patient_scope)) return not_found;
  ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + pseudonym->Hex()));
  Json body = {{"pseudonym", pseudonym->Hex()}, {"implants", items}};
  return JsonResponse(body.dump());
}

}  // namespace

Result<void> AddRecordRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/procedures", "procedure.read",
       [services](const RequestContext& ctx) { return ListProcedures(services, ctx); },
       "Procedures with their implants, by registry, site and date, cursor-paged"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/patients/{pseudonym}/implants", "patients.implants.read",
       [services](const RequestContext& ctx) { return PatientImplants(services, ctx); },
       "The implants in situ in one patient"}));
  return {};
}

}  // namespace orp::api
