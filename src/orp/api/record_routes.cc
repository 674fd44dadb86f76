// GET /api/v1/procedures and GET /api/v1/patients/{pseudonym}/implants: patient-level records,
// filtered row by row through the gatekeeper (ResourceScope of each procedure's organisation
// and clinician) so a caller sees only what its grants cover, and audited.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/storage/patient_reads.h"
#include "orp/storage/site_reads.h"

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

// The scope of one procedure: its organisation and clinician. Organisations of sites are
// looked up in the store once per request and cached; Resolve must not run inside a ForEach*
// callback (the store forbids calls back into it there), so streaming code asks Known first and
// resolves the rest after the stream. A caller allowed the action on a record of an
// organisation no grant can name (the empty code) holds it nationally (security/policy.h: every
// other scope needs the caller's own organisation, clinician or patient), so every procedure is
// allowed whatever its organisation: then nothing is looked up (issue #10: that was one
// statement per distinct site on each page).
class ScopeOfProcedure {
 public:
  ScopeOfProcedure(storage::Reader& reader, const RequestContext& ctx)
      : reader_(reader), national_(ctx.Allowed(NobodysRecord())) {}

  bool Known(const domain::Procedure& p) const {
    return national_ || !p.provider_site || organisations_.contains(p.provider_site->code());
  }
  void Resolve(const domain::Procedure& p) {
    if (Known(p)) return;
    organisations_.emplace(p.provider_site->code(), OrganisationOfSite(reader_, *p.provider_site));
  }
  // Resolves the unknown sites of `procedures` at once: one read where the store has it
  // (storage/site_reads.h; it had been three statements a site), else Resolve each. A site the
  // read does not name gets OrganisationOfSite's fallback (its first three characters).
  void ResolveAll(const std::vector<domain::Procedure>& procedures) {
    std::vector<domain::OdsSiteCode> unknown;
    for (const domain::Procedure& p : procedures) {
      if (!Known(p) && std::ranges::find(unknown, *p.provider_site) == unknown.end())
        unknown.push_back(*p.provider_site);
    }
    storage::SiteReads* reads = storage::AsSiteReads(reader_);
    auto found = reads && !unknown.empty() ? reads->OrganisationsOfSites(unknown)
                                           : Result<std::map<std::string, std::string>>();
    if (!reads || !found) {  // no batched read, or it failed: one site at a time, as before
      for (const domain::Procedure& p : procedures) Resolve(p);
      return;
    }
    for (const domain::OdsSiteCode& site : unknown) {
      auto it = found->find(site.code());
      organisations_.emplace(site.code(),
                             it != found->end() ? it->second : site.code().substr(0, 3));
    }
  }
  // Requires Known(p).
  ResourceScope operator()(const domain::Procedure& p) const {
    ResourceScope scope;
    if (p.provider_site && !national_) {
      scope.organisations.push_back(organisations_.at(p.provider_site->code()));
    }
    if (p.clinician) scope.clinician = p.clinician->number();
    return scope;
  }

 private:
  static ResourceScope NobodysRecord() {
    ResourceScope scope;
    scope.organisations.push_back("");
    return scope;
  }

  storage::Reader& reader_;
  bool national_;
  std::map<std::string, std::string> organisations_;
};

constexpr int64_t kMaxChunk = 4096;

// One page: up to q.limit procedures the caller may see, and whether more follow. Reads chunks
// of procedures by keyed range (id > the last seen, LIMIT chunk: a seek on the primary key, so a
// deep page costs what the first does), keeps those matching the filters whose scope is allowed
// or not yet known, resolves unknown sites after each chunk, and reads the next chunk while
// filters or denials leave the page short.
Result<std::pair<std::vector<domain::Procedure>, bool>> CollectPage(storage::Reader& reader,
                                                                    const ProcedureQuery& query,
                                                                    const RequestContext& ctx) {
  ScopeOfProcedure scope_of(reader, ctx);
  // The first chunk is the page and one more (most callers see every row); it doubles while
  // filters or denials leave the page short.
  int64_t chunk = query.limit + 1;
  int64_t after = query.after_id;
  std::vector<domain::Procedure> page;
  for (;;) {
    std::vector<domain::Procedure> candidates;
    int64_t seen = 0;
    Result<void> streamed = reader.ForEachProcedure(
        {.registry = query.registry, .changed_after = 0, .after_id = after, .limit = chunk},
        [&](const domain::Procedure& p) {
          ++seen;
          after = p.id.value;
          if (!Matches(query, p)) return true;
          if (scope_of.Known(p) && !ctx.Allowed(scope_of(p))) return true;
          candidates.push_back(p);
          return true;
        });
    if (!streamed) return std::unexpected(streamed.error());
    scope_of.ResolveAll(candidates);
    for (domain::Procedure& p : candidates) {
      scope_of.Resolve(p);
      if (!ctx.Allowed(scope_of(p))) continue;
      if (page.size() == static_cast<size_t>(query.limit)) return std::pair(std::move(page), true);
      page.push_back(std::move(p));
    }
    if (seen < chunk) return std::pair(std::move(page), false);
    chunk = std::min<int64_t>(chunk * 2, kMaxChunk);
  }
}

Result<HttpResponse> ListProcedures(const ApiServices& s, const RequestContext& ctx) {
  Result<ProcedureQuery> q = ParseProcedureQuery(ctx.request());
  if (!q) return std::unexpected(q.error());
  if (!q->registry.empty() && s.validators->registries().Find(q->registry) == nullptr) {
    return InvalidArgument(fmt::format("registry: no registry '{}'", q->registry));
  }
  auto page = CollectPage(*s.store, *q, ctx);
  if (!page) return std::unexpected(page.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("procedures?registry={}", q->registry)));
  Json items = Json::array();
  for (const domain::Procedure& p : page->first) items.push_back(ProcedureJson(p));
  bool more = page->second && !page->first.empty();
  Json body = {{"items", items},
               {"next_cursor", more ? Json(EncodeCursor("procedures", page->first.back().id.value))
                                    : Json(nullptr)}};
  return JsonResponse(body.dump());
}

// One patient's implants in situ with what the page shows of their procedures, grouped by
// registry in the definitions' order, the most recent procedure first within each: one read
// (storage/patient_reads.h) where the store has it, else ImplantsInSitu per registry and each
// implant's procedure (same rows, same order; wrappers such as a read replica).
Result<std::vector<storage::PatientImplantRow>> ImplantsOfPatient(const ApiServices& s,
                                                                  domain::PatientId patient) {
  const auto& registries = s.validators->registries().registries();
  std::vector<storage::PatientImplantRow> rows;
  if (storage::PatientReads* reads = storage::AsPatientReads(*s.store)) {
    auto all = reads->PatientImplantsInSitu(patient);
    if (!all) return std::unexpected(all.error());
    for (const domain::RegistryDefinition& registry : registries) {
      for (storage::PatientImplantRow& row : *all) {
        if (row.registry == registry.code) rows.push_back(std::move(row));
      }
    }
    return rows;
  }
  for (const domain::RegistryDefinition& registry : registries) {
    auto implants = s.store->ImplantsInSitu({patient, registry.code, "", std::nullopt});
    if (!implants) return std::unexpected(implants.error());
    for (domain::Implant& implant : *implants) {
      auto procedure = s.store->FindProcedureById(implant.procedure);
      if (!procedure) return std::unexpected(procedure.error());
      if (!*procedure) continue;
      rows.push_back({std::move(implant), registry.code, (*procedure)->date,
                      (*procedure)->provider_site, (*procedure)->clinician});
    }
  }
  return rows;
}

// The implants in situ in one patient, from every registry, those the caller may see.
Result<HttpResponse> PatientImplants(const ApiServices& s, const RequestContext& ctx) {
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  Result<std::optional<domain::Patient>> patient = s.store->FindPatientByPseudonym(*pseudonym);
  if (!patient) return std::unexpected(patient.error());
  // Unknown and not-yours read the same: whether a patient is in the registry is itself
  // identifiable.
  auto not_found = NotFound("no patient with this pseudonym that you may see");
  if (!*patient) return not_found;
  auto rows = ImplantsOfPatient(s, (*patient)->id);
  if (!rows) return std::unexpected(rows.error());
  std::vector<domain::Procedure> procedures(rows->size());  // what the scope needs of them
  for (size_t i = 0; i < rows->size(); ++i) {
    procedures[i].provider_site = (*rows)[i].provider_site;
    procedures[i].clinician = (*rows)[i].clinician;
  }
  ScopeOfProcedure scope_of(*s.store, ctx);
  scope_of.ResolveAll(procedures);
  Json items = Json::array();
  for (size_t i = 0; i < rows->size(); ++i) {
    const storage::PatientImplantRow& row = (*rows)[i];
    ResourceScope scope = scope_of(procedures[i]);
    scope.patient = pseudonym->Hex();
    if (!ctx.Allowed(scope)) continue;
    Json item = ImplantJson(row.implant);
    item["registry"] = row.registry;
    item["procedure_date"] = FormatIsoDate(row.procedure_date);
    item["provider_site"] = row.provider_site ? Json(row.provider_site->code()) : Json(nullptr);
    items.push_back(std::move(item));
  }
  ResourceScope patient_scope;
  patient_scope.patient = pseudonym->Hex();
  if (items.empty() && !ctx.Allowed(patient_scope)) {
    ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + pseudonym->Hex(), "denied"));
    return not_found;
  }
  ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + pseudonym->Hex()));
  Json body = {{"pseudonym", pseudonym->Hex()}, {"implants", items}};
  return JsonResponse(body.dump());
}

}  // namespace

Result<void> AddRecordRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/procedures", "procedure.read",
                  [services](const RequestContext& ctx) { return ListProcedures(services, ctx); },
                  "Procedures with their implants, by registry, site and date, cursor-paged"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/patients/{pseudonym}/implants", "patient.implants.read",
                  [services](const RequestContext& ctx) { return PatientImplants(services, ctx); },
                  "The implants in situ in one patient"}));
  return {};
}

}  // namespace orp::api
