// Reads one registry definition from TOML. Every value is read through a helper that knows the
// file and line, so each error says where to look; every table is checked for unknown keys first.
#include "orp/domain/registry_loader.h"

#include <fstream>
#include <iterator>

#include "orp/domain/registry_toml.h"

namespace orp::domain {
namespace registry_toml {
namespace {

Result<void> ReadLegalBasis(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  const toml::table* table = nullptr;
  ORP_TOML_ASSIGN(table, Reader(ctx, root, "").SubTable("legal_basis", true));
  Reader r(ctx, *table, "legal_basis");
  ORP_RETURN_IF_ERROR(r.AllowOnly({"basis", "instrument", "consent_field", "without_consent",
                                   "national_data_opt_out", "opt_out_at_ingest"}));
  LegalBasisDefinition& lb = def.legal_basis;
  ORP_TOML_ASSIGN(lb.basis, r.Enum<LegalBasis>("basis", std::nullopt));
  ORP_TOML_ASSIGN(lb.instrument, r.String("instrument", true));
  ORP_TOML_ASSIGN(lb.consent_field, r.String("consent_field", false));
  ORP_TOML_ASSIGN(lb.without_consent,
                  r.Enum<WithoutConsent>("without_consent", WithoutConsent::kReject));
  bool consent = lb.basis == LegalBasis::kConsent;
  ORP_TOML_ASSIGN(lb.national_data_opt_out,
                  r.Enum<OptOut>("national_data_opt_out",
                                 consent ? OptOut::kNotApplicable : OptOut::kDissemination));
  ORP_TOML_ASSIGN(lb.opt_out_at_ingest,
                  r.Enum<OptOutAtIngest>("opt_out_at_ingest", lb.basis == LegalBasis::kSection251
                                                                  ? OptOutAtIngest::kReject
                                                                  : OptOutAtIngest::kAccept));
  if (consent && lb.consent_field.empty()) {
    return r.FailHere(
        "basis = \"consent\" needs consent_field naming the boolean field that "
        "records the patient's consent");
  }
  for (std::string_view key : {"consent_field", "without_consent"}) {
    if (!consent && r.Get(key) != nullptr) {
      return r.Fail(*r.Get(key), fmt::format("'{}' applies only when basis = \"consent\"", key));
    }
  }
  return {};
}

Result<void> ReadDeviceTypes(const Context& ctx, const Reader& r, DeviceScope& scope) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, r.Tables("types"));
  std::set<std::string> seen;
  for (const toml::table* t : tables) {
    Reader tr(ctx, *t, "devices.types");
    ORP_RETURN_IF_ERROR(tr.AllowOnly({"code", "label", "snomed"}));
    DeviceTypeDefinition& type = scope.types.emplace_back();
    ORP_TOML_ASSIGN(type.code, tr.String("code", true));
    ORP_RETURN_IF_ERROR(CheckName(tr, "code", type.code));
    ORP_RETURN_IF_ERROR(Unique(tr, "code", type.code, seen, "device type"));
    ORP_TOML_ASSIGN(type.label, tr.String("label", true));
    ORP_TOML_ASSIGN(type.snomed, ReadSnomed(tr, "snomed"));
  }
  return {};
}

Result<void> ReadDevices(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  const toml::table* table = nullptr;
  ORP_TOML_ASSIGN(table,
                  Reader(ctx, root, "").SubTable("devices", def.kind == RegistryKind::kDevice));
  if (table == nullptr) return {};
  Reader r(ctx, *table, "devices");
  if (def.kind == RegistryKind::kOutcome) {
    return r.FailHere("an outcome registry (kind = \"outcome\") has no [devices]");
  }
  ORP_RETURN_IF_ERROR(r.AllowOnly({"classes", "any_type", "types"}));
  DeviceScope scope;
  ORP_TOML_ASSIGN(scope.classes, r.Enums<DeviceClass>("classes"));
  if (scope.classes.empty()) return r.FailHere("'classes' must list at least one device class");
  ORP_TOML_ASSIGN(scope.any_type, r.Bool("any_type", false));
  ORP_RETURN_IF_ERROR(ReadDeviceTypes(ctx, r, scope));
  if (scope.types.empty() && !scope.any_type) {
    return r.FailHere("list the device types ([[devices.types]]) or set any_type = true");
  }
  def.devices = std::move(scope);
  return {};
}

Result<void> ReadProcedureTypes(const Context& ctx, const toml::table& root,
                                RegistryDefinition& def) {
  Reader top(ctx, root, "");
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, top.Tables("procedure_types"));
  if (tables.empty()) return top.FailHere("missing [[procedure_types]]: declare at least one");
  std::set<std::string> seen;
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "procedure_types");
    ORP_RETURN_IF_ERROR(r.AllowOnly({"type", "label", "opcs", "snomed"}));
    ProcedureTypeDefinition& pt = def.procedure_types.emplace_back();
    ORP_TOML_ASSIGN(pt.type, r.Enum<ProcedureType>("type", std::nullopt));
    ORP_RETURN_IF_ERROR(Unique(r, "type", std::string(NameOf(pt.type)), seen, "procedure type"));
    ORP_TOML_ASSIGN(pt.label, r.String("label", true));
    ORP_TOML_ASSIGN(pt.opcs_codes, ReadOpcs(r, "opcs"));
    ORP_TOML_ASSIGN(pt.snomed_codes, ReadSnomedList(r, "snomed"));
  }
  return {};
}

Result<void> ReadBodySites(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("body_sites"));
  std::set<std::string> seen;
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "body_sites");
    ORP_RETURN_IF_ERROR(r.AllowOnly({"code", "label", "snomed", "laterality"}));
    BodySite& site = def.body_sites.emplace_back();
    ORP_TOML_ASSIGN(site.code, r.String("code", true));
    ORP_RETURN_IF_ERROR(CheckName(r, "code", site.code));
    ORP_RETURN_IF_ERROR(Unique(r, "code", site.code, seen, "body site"));
    ORP_TOML_ASSIGN(site.label, r.String("label", true));
    ORP_TOML_ASSIGN(site.snomed, ReadSnomed(r, "snomed"));
    ORP_TOML_ASSIGN(site.laterality,
                    r.Enum<LateralityRule>("laterality", LateralityRule::kNotApplicable));
  }
  return {};
}

Result<void> ReadIndications(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("indications"));
  std::set<std::string> seen;
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "indications");
    ORP_RETURN_IF_ERROR(r.AllowOnly({"code", "label", "snomed", "procedure_types"}));
    Indication& indication = def.indications.emplace_back();
    ORP_TOML_ASSIGN(indication.code, r.String("code", true));
    ORP_RETURN_IF_ERROR(CheckName(r, "code", indication.code));
    ORP_RETURN_IF_ERROR(Unique(r, "code", indication.code, seen, "indication"));
    Reader named = r.Renamed(fmt::format("indication '{}'", indication.code));
    ORP_TOML_ASSIGN(indication.label, named.String("label", true));
    ORP_TOML_ASSIGN(indication.snomed, ReadSnomed(named, "snomed"));
    ORP_TOML_ASSIGN(indication.procedure_types, named.Enums<ProcedureType>("procedure_types"));
    for (ProcedureType type : indication.procedure_types) {
      if (def.FindProcedureType(type) == nullptr) {
        return named.Fail(*named.Get("procedure_types"),
                          fmt::format("procedure type '{}' is not declared in [[procedure_types]]",
                                      NameOf(type)));
      }
    }
  }
  return {};
}

Result<void> ReadValueSet(const Context& ctx, const Reader& r, FieldDefinition& field) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, r.Tables("values"));
  if (field.type != FieldType::kCode) {
    if (!tables.empty())
      return r.Fail(*r.Get("values"), "only a field of type \"code\" has values");
    return {};
  }
  if (tables.empty()) return r.FailHere("a field of type \"code\" needs [[fields.values]]");
  std::set<std::string> seen;
  for (const toml::table* t : tables) {
    Reader vr(ctx, *t, r.what());
    ORP_RETURN_IF_ERROR(vr.AllowOnly({"code", "label", "snomed"}));
    ValueSetEntry& value = field.values.emplace_back();
    ORP_TOML_ASSIGN(value.code, vr.String("code", true));
    if (value.code.empty()) return vr.Fail(*vr.Get("code"), "value set code is empty");
    ORP_RETURN_IF_ERROR(Unique(vr, "code", value.code, seen, "value set code"));
    ORP_TOML_ASSIGN(value.label, vr.String("label", true));
    ORP_TOML_ASSIGN(value.snomed, ReadSnomed(vr, "snomed"));
  }
  return {};
}

Result<void> ReadBounds(const Reader& r, FieldDefinition& field) {
  ORP_TOML_ASSIGN(field.min, r.Number("min"));
  ORP_TOML_ASSIGN(field.max, r.Number("max"));
  ORP_TOML_ASSIGN(field.unit, r.String("unit", false));
  bool numeric = field.type == FieldType::kInteger || field.type == FieldType::kDecimal;
  for (std::string_view key : {"min", "max", "unit"}) {
    if (!numeric && r.Get(key) != nullptr) {
      return r.Fail(*r.Get(key),
                    fmt::format("'{}' applies only to integer and decimal fields", key));
    }
  }
  if (field.min && field.max && *field.min > *field.max) {
    return r.Fail(*r.Get("min"),
                  fmt::format("min {} is greater than max {}", *field.min, *field.max));
  }
  return {};
}

Result<void> ReadField(const Context& ctx, const toml::table& t, std::set<std::string>& seen,
                       RegistryDefinition& def) {
  Reader named(ctx, t, "fields");
  FieldDefinition& field = def.fields.emplace_back();
  field.line = named.line();
  ORP_TOML_ASSIGN(field.name, named.String("name", true));
  ORP_RETURN_IF_ERROR(CheckName(named, "name", field.name));
  Reader r = named.Renamed(fmt::format("field '{}'", field.name));
  ORP_RETURN_IF_ERROR(r.AllowOnly({"name", "label", "description", "type", "level", "required",
                                   "required_when", "values", "min", "max", "unit"}));
  if (FindCoreField(field.name) != nullptr || field.name == "nhs_number") {
    return r.Fail(*r.Get("name"), "is a core field name; registry fields need their own names");
  }
  ORP_RETURN_IF_ERROR(Unique(named, "name", field.name, seen, "field"));
  ORP_TOML_ASSIGN(field.label, r.String("label", true));
  ORP_TOML_ASSIGN(field.description, r.String("description", false));
  ORP_TOML_ASSIGN(field.type, r.Enum<FieldType>("type", std::nullopt));
  ORP_TOML_ASSIGN(field.level, r.Enum<FieldLevel>("level", FieldLevel::kProcedure));
  ORP_TOML_ASSIGN(field.required, r.Bool("required", false));
  ORP_TOML_ASSIGN(field.required_when, r.Rule("required_when", false, &field.required_when_text));
  if (field.required && field.required_when) {
    return r.Fail(*r.Get("required_when"), "set either required = true or required_when, not both");
  }
  ORP_RETURN_IF_ERROR(ReadValueSet(ctx, r, field));
  return ReadBounds(r, field);
}

Result<void> ReadFields(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("fields"));
  std::set<std::string> seen;
  for (const toml::table* t : tables) ORP_RETURN_IF_ERROR(ReadField(ctx, *t, seen, def));
  return {};
}

Result<void> ReadHeader(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  Reader r(ctx, root, "");
  ORP_RETURN_IF_ERROR(
      r.AllowOnly({"code", "name", "version", "kind", "description", "analysis_unit", "grouping",
                   "legal_basis", "devices", "procedure_types", "body_sites", "indications",
                   "fields", "rules", "compatibility", "follow_up", "outcomes"}));
  ORP_TOML_ASSIGN(def.code, r.String("code", true));
  def.code_line = static_cast<int>(r.Get("code")->source().begin.line);
  if (!IsRegistryCode(def.code)) {
    return r.Fail(*r.Get("code"), fmt::format("registry code '{}' must be 2-16 upper-case letters "
                                              "and digits, starting with a letter",
                                              def.code));
  }
  ORP_TOML_ASSIGN(def.name, r.String("name", true));
  ORP_TOML_ASSIGN(def.version, r.String("version", true));
  ORP_TOML_ASSIGN(def.description, r.String("description", false));
  ORP_TOML_ASSIGN(def.kind, r.Enum<RegistryKind>("kind", std::nullopt));
  ORP_TOML_ASSIGN(def.analysis_unit, r.Enum<AnalysisUnit>("analysis_unit", std::nullopt));
  ORP_TOML_ASSIGN(def.grouping, r.Enums<GroupingLevel>("grouping"));
  if (def.kind == RegistryKind::kOutcome) {
    if (def.analysis_unit == AnalysisUnit::kImplant) {
      return r.Fail(*r.Get("analysis_unit"),
                    "an outcome registry has no implants to analyse; "
                    "use \"procedure\" or \"episode\"");
    }
    if (!def.grouping.empty()) {
      return r.Fail(*r.Get("grouping"), "implant grouping applies only to device registries");
    }
  } else if (def.grouping.empty()) {
    return r.FailHere(
        "a device registry needs 'grouping' (e.g. [\"model\", \"brand\", "
        "\"manufacturer\"])");
  }
  return {};
}

Result<RegistryDefinition> ReadDefinition(const Context& ctx, const toml::table& root) {
  RegistryDefinition def;
  def.source = ctx.source();
  ORP_RETURN_IF_ERROR(ReadHeader(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadLegalBasis(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadDevices(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadProcedureTypes(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadBodySites(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadIndications(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadFields(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadRulesAndSchedules(ctx, root, def));
  return def;
}

}  // namespace
}  // namespace registry_toml

Result<RegistryDefinition> ParseRegistryDefinition(std::string_view toml_text,
                                                   const std::string& source_name) {
  registry_toml::Context ctx(source_name);
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    // toml++ describes the syntax error; we add where, in the same FILE:LINE form.
    return ctx.FailAt(e.source().begin.line, e.description());
  }
  return registry_toml::ReadDefinition(ctx, root);
}

Result<RegistryDefinition> LoadRegistryFile(const std::filesystem::path& file) {
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return NotFound(fmt::format("{}: cannot read the registry definition", file.string()));
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return ParseRegistryDefinition(text, file.string());
}

}  // namespace orp::domain
