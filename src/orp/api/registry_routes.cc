// The registry definitions over HTTP (issue #9), for the web form that records a procedure and
// for the admin's list of definitions:
//   GET /api/v1/registries          catalogue.read  each loaded definition's summary
//   GET /api/v1/registries/{code}   catalogue.read  one definition: fields, value sets, rules
// A definition is reference data like the device catalogue (no patient data), so it is read
// under the same action. The JSON carries what a client needs to build and check a form: the
// core fields with their value sets, the registry's own fields with type, level, value set,
// range, unit and when they are required, and the cross-field and compatibility rules as the
// definition wrote them. The server's validation stays the authority; a client may evaluate
// only what it can (required, type, range, value set).
#include <fmt/format.h>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"

namespace orp::api {
namespace {

using domain::NameOf;

Json ValuesJson(const std::vector<domain::ValueSetEntry>& values) {
  Json out = Json::array();
  for (const domain::ValueSetEntry& v : values) {
    out.push_back({{"code", v.code}, {"label", v.label}});
  }
  return out;
}

Json FieldJson(const domain::FieldDefinition& f) {
  Json out = {
      {"name", f.name},
      {"label", f.label},
      {"description", f.description},
      {"type", domain::FieldTypeName(f.type)},
      {"level", NameOf(f.level)},
      {"required", f.required},
      {"required_when", f.required_when_text.empty() ? Json(nullptr) : Json(f.required_when_text)},
      {"values", ValuesJson(f.values)},
      {"min", f.min ? Json(*f.min) : Json(nullptr)},
      {"max", f.max ? Json(*f.max) : Json(nullptr)},
      {"unit", f.unit}};
  return out;
}

Json CoreFieldsJson(const domain::RegistryDefinition& r) {
  Json out = Json::array();
  for (const domain::CoreField& core : domain::CoreFields()) {
    Json values = Json::array();
    if (core.name == "indication" && !r.indications.empty()) {
      for (const domain::Indication& i : r.indications) {
        Json types = Json::array();
        for (domain::ProcedureType t : i.procedure_types) types.push_back(NameOf(t));
        values.push_back({{"code", i.code}, {"label", i.label}, {"procedure_types", types}});
      }
    } else {
      for (const std::string& code : core.codes)
        values.push_back({{"code", code}, {"label", code}});
    }
    out.push_back(
        {{"name", core.name}, {"type", domain::FieldTypeName(core.type)}, {"values", values}});
  }
  return out;
}

Json RulesJson(const domain::RegistryDefinition& r) {
  Json rules = Json::array();
  for (const domain::CrossFieldRule& rule : r.rules) {
    rules.push_back({{"id", rule.id},
                     {"message", rule.message},
                     {"severity", NameOf(rule.severity)},
                     {"when", rule.when_text.empty() ? Json(nullptr) : Json(rule.when_text)},
                     {"check", rule.check_text}});
  }
  return rules;
}

Json CompatibilityJson(const domain::RegistryDefinition& r) {
  Json out = Json::array();
  for (const domain::CompatibilityRule& rule : r.compatibility) {
    out.push_back({{"id", rule.id},
                   {"message", rule.message},
                   {"kind", NameOf(rule.kind)},
                   {"device_types", rule.device_types},
                   {"when", rule.when_text.empty() ? Json(nullptr) : Json(rule.when_text)}});
  }
  return out;
}

Json SummaryJson(const domain::RegistryDefinition& r) {
  return {{"code", r.code},
          {"name", r.name},
          {"version", r.version},
          {"description", r.description},
          {"kind", NameOf(r.kind)},
          {"analysis_unit", NameOf(r.analysis_unit)},
          {"fields", r.fields.size()},
          {"rules", r.rules.size()}};
}

Json DefinitionJson(const domain::RegistryDefinition& r) {
  Json out = SummaryJson(r);
  Json procedure_types = Json::array();
  for (const domain::ProcedureTypeDefinition& p : r.procedure_types) {
    procedure_types.push_back(
        {{"type", NameOf(p.type)}, {"label", p.label}, {"opcs_codes", p.opcs_codes}});
  }
  Json body_sites = Json::array();
  for (const domain::BodySite& b : r.body_sites) {
    body_sites.push_back({{"code", b.code}, {"label", b.label}});
  }
  Json device_types = Json::array();
  if (r.devices) {
    for (const domain::DeviceTypeDefinition& d : r.devices->types) {
      device_types.push_back({{"code", d.code}, {"label", d.label}});
    }
  }
  Json fields = Json::array();
  for (const domain::FieldDefinition& f : r.fields) fields.push_back(FieldJson(f));
  out["fields"] = std::move(fields);
  out["rules"] = RulesJson(r);
  out["compatibility"] = CompatibilityJson(r);
  out["core_fields"] = CoreFieldsJson(r);
  out["procedure_types"] = std::move(procedure_types);
  out["body_sites"] = std::move(body_sites);
  out["device_types"] = std::move(device_types);
  out["devices"] = r.devices.has_value();
  out["laterality_required"] = r.LateralityRequired();
  return out;
}

Result<HttpResponse> ListRegistries(const ApiServices& s, const RequestContext& ctx) {
  ORP_RETURN_IF_ERROR(ctx.Require({}));
  Json items = Json::array();
  for (const domain::RegistryDefinition& r : s.validators->registries().registries()) {
    items.push_back(SummaryJson(r));
  }
  return JsonResponse(Json{{"items", items}}.dump());
}

Result<HttpResponse> ReadRegistry(const ApiServices& s, const RequestContext& ctx) {
  ORP_RETURN_IF_ERROR(ctx.Require({}));
  const std::string& code = ctx.Param("code");
  const domain::RegistryDefinition* found = s.validators->registries().Find(code);
  if (!found) {
    return NotFound(fmt::format("no registry '{}' is loaded (GET /api/v1/registries lists them)",
                                code.size() <= 16 ? code : code.substr(0, 16) + "…"));
  }
  return JsonResponse(DefinitionJson(*found).dump());
}

}  // namespace

Result<void> AddRegistryRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/registries", "catalogue.read",
                  [services](const RequestContext& ctx) { return ListRegistries(services, ctx); },
                  "The loaded registry definitions"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/registries/{code}", "catalogue.read",
                  [services](const RequestContext& ctx) { return ReadRegistry(services, ctx); },
                  "One registry definition: fields, value sets and rules, for forms"}));
  return {};
}

}  // namespace orp::api
