// `orp registries`: lists the registry definitions loaded from registries/ (or --dir), and
// `orp registries show CODE` prints one in full. A bad definition fails with the loader's
// "FILE:LINE: reason". The JSON of `show` mirrors the TOML schema (docs/registry-definitions.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/domain/registry_loader.h"

namespace orp::cli {
namespace {

using domain::RegistryDefinition;
using nlohmann::ordered_json;

struct RegistriesOptions {
  std::string dir;
  std::string format = "table";
  std::string code;
};

domain::RegistrySet Load(const RegistriesOptions& options) {
  std::filesystem::path dir = options.dir;
  if (dir.empty()) {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    dir = ValueOrFail("registries", domain::FindRegistriesDirectory(ec ? "" : exe));
  }
  return ValueOrFail("registries", domain::LoadRegistries(dir));
}

std::vector<std::string> ProcedureTypeNames(const RegistryDefinition& def) {
  std::vector<std::string> names;
  for (const auto& pt : def.procedure_types) names.emplace_back(domain::NameOf(pt.type));
  return names;
}

template <typename E>
std::vector<std::string> Names(const std::vector<E>& values) {
  std::vector<std::string> names;
  for (E value : values) names.emplace_back(domain::NameOf(value));
  return names;
}

ordered_json SummaryJson(const RegistryDefinition& def) {
  return {{"code", def.code},
          {"name", def.name},
          {"version", def.version},
          {"kind", domain::NameOf(def.kind)},
          {"legal_basis", domain::NameOf(def.legal_basis.basis)},
          {"analysis_unit", domain::NameOf(def.analysis_unit)},
          {"procedure_types", ProcedureTypeNames(def)},
          {"fields", def.fields.size()},
          {"rules", def.rules.size()},
          {"compatibility_rules", def.compatibility.size()},
          {"source", def.source}};
}

ordered_json FieldJson(const domain::FieldDefinition& field) {
  ordered_json j = {{"name", field.name},
                    {"label", field.label},
                    {"type", domain::FieldTypeName(field.type)},
                    {"level", domain::NameOf(field.level)},
                    {"required", field.required}};
  if (field.required_when) j["required_when"] = field.required_when_text;
  if (field.min) j["min"] = *field.min;
  if (field.max) j["max"] = *field.max;
  if (!field.unit.empty()) j["unit"] = field.unit;
  if (!field.values.empty()) {
    j["values"] = ordered_json::array();
    for (const auto& v : field.values) {
      ordered_json value = {{"code", v.code}, {"label", v.label}};
      if (!v.snomed.empty()) value["snomed"] = v.snomed;
      j["values"].push_back(value);
    }
  }
  return j;
}

ordered_json CompatibilityJson(const domain::CompatibilityRule& rule) {
  ordered_json j = {{"id", rule.id},
                    {"kind", domain::NameOf(rule.kind)},
                    {"severity", domain::NameOf(rule.severity)},
                    {"message", rule.message},
                    {"device_types", rule.device_types}};
  if (rule.when) j["when"] = rule.when_text;
  if (rule.kind == domain::CompatibilityKind::kSameAttribute) {
    j["attributes"] = Names(rule.attributes);
  } else {
    j["attribute"] = domain::NameOf(rule.pair_attribute);
    j["pairs"] = ordered_json::array();
    for (const auto& [first, second] : rule.allowed_pairs) j["pairs"].push_back({first, second});
  }
  return j;
}

ordered_json DevicesJson(const domain::DeviceScope& scope) {
  ordered_json j = {{"classes", Names(scope.classes)}, {"any_type", scope.any_type}};
  j["types"] = ordered_json::array();
  for (const auto& t : scope.types) j["types"].push_back({{"code", t.code}, {"label", t.label}});
  return j;
}

ordered_json DetailJson(const RegistryDefinition& def) {
  ordered_json j = SummaryJson(def);
  j["description"] = def.description;
  j["legal_basis"] = {
      {"basis", domain::NameOf(def.legal_basis.basis)},
      {"instrument", def.legal_basis.instrument},
      {"national_data_opt_out", domain::NameOf(def.legal_basis.national_data_opt_out)},
      {"opt_out_at_ingest", domain::NameOf(def.legal_basis.opt_out_at_ingest)}};
  if (def.legal_basis.basis == domain::LegalBasis::kConsent) {
    j["legal_basis"]["consent_field"] = def.legal_basis.consent_field;
    j["legal_basis"]["without_consent"] = domain::NameOf(def.legal_basis.without_consent);
  }
  j["grouping"] = Names(def.grouping);
  if (def.devices) j["devices"] = DevicesJson(*def.devices);
  j["procedure_types"] = ordered_json::array();
  for (const auto& pt : def.procedure_types) {
    j["procedure_types"].push_back({{"type", domain::NameOf(pt.type)},
                                    {"label", pt.label},
                                    {"opcs", pt.opcs_codes},
                                    {"snomed", pt.snomed_codes}});
  }
  j["body_sites"] = ordered_json::array();
  for (const auto& site : def.body_sites) {
    j["body_sites"].push_back({{"code", site.code},
                               {"label", site.label},
                               {"snomed", site.snomed},
                               {"laterality", domain::NameOf(site.laterality)}});
  }
  j["indications"] = ordered_json::array();
  for (const auto& indication : def.indications) {
    ordered_json i = {{"code", indication.code}, {"label", indication.label}};
    if (!indication.snomed.empty()) i["snomed"] = indication.snomed;
    i["procedure_types"] = Names(indication.procedure_types);
    j["indications"].push_back(i);
  }
  j["fields"] = ordered_json::array();
  for (const auto& field : def.fields) j["fields"].push_back(FieldJson(field));
  j["rules"] = ordered_json::array();
  for (const auto& rule : def.rules) {
    ordered_json r = {{"id", rule.id},
                      {"severity", domain::NameOf(rule.severity)},
                      {"message", rule.message},
                      {"check", rule.check_text}};
    if (rule.when) r["when"] = rule.when_text;
    j["rules"].push_back(r);
  }
  j["compatibility"] = ordered_json::array();
  for (const auto& rule : def.compatibility) j["compatibility"].push_back(CompatibilityJson(rule));
  j["follow_up"] = ordered_json::array();
  for (const auto& f : def.follow_up) {
    j["follow_up"].push_back({{"kind", domain::NameOf(f.kind)},
                              {"instrument", f.instrument},
                              {"baseline", f.baseline},
                              {"months", f.months},
                              {"baseline_days", f.baseline_days},
                              {"window_days", f.window_days},
                              {"reminder_days", f.reminder_days}});
  }
  j["outcomes"] = ordered_json::array();
  for (const auto& o : def.outcomes) {
    ordered_json out = {{"code", o.code}, {"label", o.label}, {"source", domain::NameOf(o.source)}};
    if (o.horizon_days) out["horizon_days"] = *o.horizon_days;
    if (!o.field.empty()) out["field"] = o.field;
    j["outcomes"].push_back(out);
  }
  return j;
}

void PrintList(const domain::RegistrySet& set, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    ordered_json list = ordered_json::array();
    for (const auto& def : set.registries()) list.push_back(SummaryJson(def));
    fmt::print("{}\n", list.dump(2));
    return;
  }
  Table table({"code", "name", "kind", "legal_basis", "procedure_types", "fields", "rules",
               "compatibility"});
  for (const auto& def : set.registries()) {
    table.AddRow({def.code, def.name, std::string(domain::NameOf(def.kind)),
                  std::string(domain::NameOf(def.legal_basis.basis)),
                  fmt::format("{}", fmt::join(ProcedureTypeNames(def), " ")),
                  std::to_string(def.fields.size()), std::to_string(def.rules.size()),
                  std::to_string(def.compatibility.size())});
  }
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

Table FieldTable(const RegistryDefinition& def) {
  Table table({"field", "type", "level", "required", "values", "label"});
  for (const auto& f : def.fields) {
    std::vector<std::string> codes;
    for (const auto& v : f.values) codes.push_back(v.code);
    std::string required =
        f.required ? "yes" : (f.required_when ? "when " + f.required_when_text : "no");
    std::string values = fmt::format("{}", fmt::join(codes, "|"));
    if (f.min || f.max) {
      values = fmt::format("{}..{}", f.min ? fmt::format("{}", *f.min) : "",
                           f.max ? fmt::format("{}", *f.max) : "");
      if (!f.unit.empty()) values += " " + f.unit;
    }
    table.AddRow({f.name, std::string(domain::FieldTypeName(f.type)),
                  std::string(domain::NameOf(f.level)), required, values, f.label});
  }
  return table;
}

void PrintDetailText(const RegistryDefinition& def) {
  fmt::print("{} — {} (version {}, {})\n", def.code, def.name, def.version, def.source);
  fmt::print("kind: {}   analysis unit: {}   grouping: {}\n", domain::NameOf(def.kind),
             domain::NameOf(def.analysis_unit), fmt::join(Names(def.grouping), ", "));
  fmt::print("legal basis: {} ({}); national data opt-out: {}, at ingest: {}\n",
             domain::NameOf(def.legal_basis.basis), def.legal_basis.instrument,
             domain::NameOf(def.legal_basis.national_data_opt_out),
             domain::NameOf(def.legal_basis.opt_out_at_ingest));
  if (def.devices) {
    std::vector<std::string> types;
    for (const auto& t : def.devices->types) types.push_back(t.code);
    fmt::print("devices: classes {}; types {}{}\n", fmt::join(Names(def.devices->classes), ", "),
               def.devices->any_type ? "any" : "", fmt::join(types, ", "));
  }
  Table procedures({"procedure_type", "opcs", "snomed", "label"});
  for (const auto& pt : def.procedure_types) {
    procedures.AddRow({std::string(domain::NameOf(pt.type)),
                       fmt::format("{}", fmt::join(pt.opcs_codes, " ")),
                       fmt::format("{}", fmt::join(pt.snomed_codes, " ")), pt.label});
  }
  fmt::print("\n{}", procedures.RenderText());
  if (!def.indications.empty()) {
    std::vector<std::string> codes;
    for (const auto& indication : def.indications) codes.push_back(indication.code);
    fmt::print("indications: {}\n", fmt::join(codes, ", "));
  }
  fmt::print("\n{}", FieldTable(def).RenderText());
  Table rules({"rule", "severity", "when", "check"});
  for (const auto& r : def.rules) {
    rules.AddRow({r.id, std::string(domain::NameOf(r.severity)), r.when_text, r.check_text});
  }
  for (const auto& c : def.compatibility) {
    rules.AddRow(
        {c.id, std::string(domain::NameOf(c.severity)), c.when_text,
         fmt::format("{} over {}", domain::NameOf(c.kind), fmt::join(c.device_types, ", "))});
  }
  if (rules.size() > 0) fmt::print("\n{}", rules.RenderText());
  for (const auto& f : def.follow_up) {
    fmt::print("\nfollow-up: {} {} at{} {} months", domain::NameOf(f.kind), f.instrument,
               f.baseline ? " baseline and" : "", fmt::join(f.months, ", "));
  }
  std::vector<std::string> outcomes;
  for (const auto& o : def.outcomes) outcomes.push_back(o.code);
  fmt::print("\noutcomes: {}\n", fmt::join(outcomes, ", "));
}

void RunShow(const RegistriesOptions& options) {
  OutputFormat format = ValueOrFail("registries", ParseOutputFormat(options.format));
  domain::RegistrySet set = Load(options);
  const RegistryDefinition* def = set.Find(options.code);
  if (def == nullptr) {
    std::vector<std::string> codes;
    for (const auto& r : set.registries()) codes.push_back(r.code);
    Fail("registries",
         Error(ErrorCode::kNotFound,
               fmt::format("no registry '{}' (loaded: {})", options.code, fmt::join(codes, ", "))));
  }
  if (format == OutputFormat::kJson) {
    fmt::print("{}\n", DetailJson(*def).dump(2));
  } else if (format == OutputFormat::kCsv) {
    fmt::print("{}", FieldTable(*def).RenderCsv());
  } else {
    PrintDetailText(*def);
  }
}

}  // namespace

void AddRegistriesCommand(CLI::App& app, const Environment&) {
  auto options = std::make_shared<RegistriesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "registries",
      "List the registry definitions (registries/*.toml). Directory: --dir, else ./registries, "
      "else $ORP_REGISTRIES, else <dir of orp>/../registries.");
  cmd->add_option("--dir", options->dir, "Directory (or one .toml file) to load");
  cmd->add_option("--format", options->format, "table | json | csv")->capture_default_str();
  cmd->require_subcommand(0, 1);
  CLI::App* show = cmd->add_subcommand("show", "Print one registry definition in full.");
  show->fallthrough();
  show->add_option("code,--code", options->code, "Registry code, e.g. BCIR")->required();
  show->callback([options] { RunShow(*options); });
  cmd->callback([cmd, options] {
    if (!cmd->get_subcommands().empty()) return;
    OutputFormat format = ValueOrFail("registries", ParseOutputFormat(options->format));
    PrintList(Load(*options), format);
  });
}

}  // namespace orp::cli
