#include "orp/ingest/validator.h"

#include <algorithm>
#include <charconv>

#include "orp/domain/clinical_dates.h"
#include "orp/domain/registry_rule.h"
#include "orp/ingest/validator_internal.h"

namespace orp::ingest {
namespace {

using domain::Severity;

CompiledField CompileField(const domain::FieldDefinition& f) {
  CompiledField out{&f, {}};
  for (const auto& v : f.values) out.codes.insert(v.code);
  return out;
}

CompiledRegistry Compile(const domain::RegistryDefinition& def) {
  CompiledRegistry out;
  out.definition = &def;
  for (const auto& type : def.procedure_types) {
    auto& codes = out.opcs_by_type[static_cast<int>(type.type)];
    codes.insert(type.opcs_codes.begin(), type.opcs_codes.end());
  }
  for (const auto& f : def.fields) {
    (f.level == domain::FieldLevel::kDevice ? out.device_fields : out.procedure_fields)
        .push_back(CompileField(f));
  }
  for (const auto& rule : def.rules) {
    CompiledRule compiled{&rule, "", false};
    std::vector<std::string> read = domain::RuleFieldsRead(rule.check);
    if (read.empty() && rule.when) read = domain::RuleFieldsRead(*rule.when);
    if (!read.empty()) compiled.field = read.front();
    for (const auto& name : domain::RuleFieldsRead(rule.check)) {
      const auto* f = def.FindField(name);
      if (IsCoreDeviceField(name) || (f && f->level == domain::FieldLevel::kDevice)) {
        compiled.per_device = true;
      }
    }
    out.rules.push_back(std::move(compiled));
  }
  if (!def.body_sites.empty()) out.body_site = def.body_sites.front().code;
  out.laterality_required = def.LateralityRequired();
  out.consent_anonymous = def.legal_basis.basis == domain::LegalBasis::kConsent &&
                          def.legal_basis.without_consent == domain::WithoutConsent::kAnonymous;
  out.consent_required = def.legal_basis.basis == domain::LegalBasis::kConsent &&
                         def.legal_basis.without_consent == domain::WithoutConsent::kReject;
  return out;
}

// Parses `field` when given; a failure is an error finding `rule` with the parser's message.
template <typename T, typename Parse>
std::optional<T> ParseField(Check& c, std::string_view field, std::string rule, Parse parse) {
  const std::string_view text = c.raw.Get(field);
  if (text.empty()) return std::nullopt;
  auto parsed = parse(text);
  if (!parsed) {
    c.Error(field, std::move(rule), fmt::format("{}: {}", field, parsed.error().message()));
    return std::nullopt;
  }
  return std::move(*parsed);
}

bool Required(Check& c, std::string_view field) {
  if (!c.raw.Get(field).empty()) return true;
  c.Error(field, fmt::format("{}.required", field),
          fmt::format("{} is required and was not given", field));
  return false;
}

bool ValidProcedureRef(std::string_view ref) {
  if (ref.empty() || ref.size() > 40) return false;
  return std::all_of(ref.begin(), ref.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' ||
           ch == '/';
  });
}

// --as: the submitting provider owns the site, by the ODS reference data, else by code prefix.
void CheckOwnSite(Check& c, const ValidatorOptions& options, const SiteOwnerLookup& site_owner,
                  const domain::OdsSiteCode& site) {
  const std::string& submitter = options.as_ods->code();
  Result<std::optional<domain::OdsCode>> owner =
      site_owner ? site_owner(site) : std::optional<domain::OdsCode>();
  if (!owner) {
    c.Error("provider_site", "provider_site.reference_data_unavailable",
            fmt::format("provider_site {} could not be checked against the ODS reference data: {}",
                        site.code(), owner.error().message()));
  } else if (*owner && (*owner)->code() != submitter) {
    c.Error("provider_site", "provider_site.not_own_site",
            fmt::format("provider_site {} is a site of {}, not of {}, the submitting provider",
                        site.code(), (*owner)->code(), submitter));
  } else if (!*owner && !site.code().starts_with(submitter)) {
    c.Error("provider_site", "provider_site.not_own_site",
            fmt::format("provider_site {} is not a site of {}, the submitting provider",
                        site.code(), submitter));
  }
}

void CheckIdentity(Check& c, const Validator::Compiled& v, const SiteOwnerLookup& site_owner) {
  domain::Procedure& p = c.out.procedure;
  p.procedure_ref = std::string(c.raw.procedure_ref());
  if (Required(c, "procedure_ref") && !ValidProcedureRef(p.procedure_ref)) {
    c.Error("procedure_ref", "procedure_ref.format",
            fmt::format("procedure_ref '{}' must be 1-40 characters of A-Z a-z 0-9 - _ . /",
                        p.procedure_ref));
  }
  if (Required(c, "provider_site")) {
    p.provider_site = ParseField<domain::OdsSiteCode>(c, "provider_site", "provider_site.format",
                                                      domain::OdsSiteCode::Parse);
  }
  if (p.provider_site && v.options.as_ods) {
    CheckOwnSite(c, v.options, site_owner, *p.provider_site);
  }
  p.clinician = ParseField<domain::GmcNumber>(c, "clinician_gmc", "clinician_gmc.format",
                                              domain::GmcNumber::Parse);
  c.out.nhs_number =
      ParseField<domain::NhsNumber>(c, "nhs_number", "nhs_number.invalid",
                                    [](std::string_view t) { return domain::NhsNumber::Parse(t); });
  c.out.sex = ParseField<domain::Sex>(c, "sex", "sex.invalid", domain::ParseSex);
  c.out.postcode =
      ParseField<domain::Postcode>(c, "postcode", "postcode.invalid",
                                   [](std::string_view t) { return domain::Postcode::Parse(t); });
}

void CheckDates(Check& c, const Validator::Compiled& v) {
  std::optional<Date> date;
  if (Required(c, "procedure_date")) {
    date = ParseField<Date>(c, "procedure_date", "procedure_date.format", ParseIsoDate);
  }
  if (date) {
    c.out.procedure.date = *date;
    if (auto ok = domain::CheckProcedureDate(*date, v.options.today); !ok) {
      c.Error("procedure_date", "procedure_date.in_future",
              "procedure_date: " + ok.error().message());
    }
  }
  c.out.date_of_birth = ParseField<Date>(c, "date_of_birth", "date_of_birth.format", ParseIsoDate);
  if (!date || !c.out.date_of_birth) return;
  if (auto ok = domain::CheckBirthBeforeProcedure(*c.out.date_of_birth, *date); !ok) {
    c.Error("date_of_birth", "date_of_birth.after_procedure_date",
            "date_of_birth: " + ok.error().message());
  } else if (auto plausible = domain::CheckPlausibleAge(*c.out.date_of_birth, *date); !plausible) {
    c.Error("date_of_birth", "date_of_birth.implausible_age",
            "date_of_birth: " + plausible.error().message());
  }
}

std::vector<std::string_view> SplitCodes(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t semi = text.find(';');
    std::string_view code = text.substr(0, semi);
    while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
    while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
    if (!code.empty()) out.push_back(code);
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

void CheckOpcs(Check& c, const CompiledRegistry* reg, std::optional<domain::ProcedureType> type) {
  domain::Procedure& p = c.out.procedure;
  for (std::string_view text : SplitCodes(c.raw.Get("opcs_codes"))) {
    Result<domain::Opcs4Code> code = domain::Opcs4Code::Parse(text);
    if (!code) {
      c.Error("opcs_codes", "opcs_codes.format", "opcs_codes: " + code.error().message());
      continue;
    }
    p.opcs_codes.push_back(std::move(*code));
  }
  if (!reg || !type || p.opcs_codes.empty() || p.opcs_codes.front().IsZ94()) return;
  auto it = reg->opcs_by_type.find(static_cast<int>(*type));
  if (it == reg->opcs_by_type.end() || it->second.empty()) return;
  const std::string& main = p.opcs_codes.front().code();
  if (!it->second.contains(main)) {
    std::vector<std::string> listed(it->second.begin(), it->second.end());
    std::sort(listed.begin(), listed.end());
    c.Error("opcs_codes", "opcs_codes.unknown_code",
            fmt::format("opcs_codes: main code {} is not one {} lists for a {} procedure "
                        "(expected one of {})",
                        main, reg->definition->code, domain::Name(*type), fmt::join(listed, ", ")));
  }
}

// The core `indication` column takes the registry's indications, some only for some types.
void CheckIndication(Check& c, const CompiledRegistry& reg,
                     std::optional<domain::ProcedureType> type) {
  const std::string& code = c.out.procedure.indication;
  const auto& indications = reg.definition->indications;
  if (code.empty() || indications.empty()) return;
  auto it = std::find_if(indications.begin(), indications.end(),
                         [&](const domain::Indication& i) { return i.code == code; });
  if (it == indications.end()) {
    c.Error(
        "indication", "indication.value_set",
        fmt::format("indication '{}' is not one of {}'s indications", code, reg.definition->code));
  } else if (type && !it->procedure_types.empty() &&
             std::find(it->procedure_types.begin(), it->procedure_types.end(), *type) ==
                 it->procedure_types.end()) {
    c.Error("indication", "indication.procedure_type",
            fmt::format("indication '{}' is not an indication for a {} procedure", code,
                        domain::Name(*type)));
  }
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void CheckClinical(Check& c, const CompiledRegistry* reg) {
  domain::Procedure& p = c.out.procedure;
  std::optional<domain::ProcedureType> type;
  if (Required(c, "procedure_type")) {
    type = ParseField<domain::ProcedureType>(c, "procedure_type", "procedure_type.invalid",
                                             domain::ParseProcedureType);
  }
  if (type) {
    p.type = *type;
    if (reg && !reg->definition->FindProcedureType(*type) &&
        *type != domain::ProcedureType::kOther) {
      c.Error("procedure_type", "procedure_type.not_in_registry",
              fmt::format("procedure_type {} is not a procedure {} records", domain::Name(*type),
                          reg->definition->code));
    }
  }
  CheckOpcs(c, reg, type);
  p.snomed_code = ParseField<domain::SnomedCtId>(c, "snomed_code", "snomed_code.invalid",
                                                 domain::SnomedCtId::Parse);
  p.laterality = ParseField<domain::Laterality>(c, "laterality", "laterality.invalid",
                                                domain::ParseLaterality);
  if (reg && reg->laterality_required && c.raw.Get("laterality").empty()) {
    c.Error("laterality", "laterality.required",
            fmt::format("laterality is required by {}: L, R or B", reg->definition->code));
  }
  p.indication = std::string(c.raw.Get("indication"));
  if (reg) CheckIndication(c, *reg, type);
  if (std::string_view asa = c.raw.Get("asa_grade"); !asa.empty()) {
    std::optional<int> grade = ParseNumber<int>(asa);
    if (!grade || *grade < 1 || *grade > 5) {
      c.Error("asa_grade", "asa_grade.range", fmt::format("asa_grade '{}' must be 1 to 5", asa));
    } else {
      p.asa_grade = grade;
    }
  }
  if (std::string_view bmi = c.raw.Get("bmi"); !bmi.empty()) {
    std::optional<double> value = ParseNumber<double>(bmi);
    if (!value || *value < 10.0 || *value > 80.0) {
      c.Error("bmi", "bmi.range", fmt::format("bmi '{}' must be a number from 10.0 to 80.0", bmi));
    } else {
      p.bmi = value;
    }
  }
}

}  // namespace

bool ValidatedProcedure::accepted() const {
  return std::none_of(findings.begin(), findings.end(),
                      [](const domain::Finding& f) { return f.severity == Severity::kError; });
}

Result<Validator> Validator::Create(domain::RegistrySet registries, ValidatorOptions options) {
  auto compiled = std::make_unique<Compiled>();
  compiled->registries = std::move(registries);
  compiled->options = std::move(options);
  if (!compiled->options.registry.empty() &&
      !compiled->registries.Find(compiled->options.registry)) {
    return InvalidArgument(
        fmt::format("no registry definition for {}", compiled->options.registry));
  }
  for (const domain::CoreField& f : domain::CoreFields()) {
    compiled->known_columns.insert(std::string(f.name));
  }
  for (std::string_view name : {"nhs_number", "device_action", "device_scan", "gtin", "lot",
                                "serial", "expiry", "registry", "procedure_ref"}) {
    compiled->known_columns.insert(std::string(name));
  }
  for (const auto& def : compiled->registries.registries()) {
    compiled->by_code.emplace(def.code, Compile(def));
    for (const auto& f : def.fields) {
      compiled->known_columns.insert(f.name);
      if (f.level == domain::FieldLevel::kDevice) compiled->device_field_names.insert(f.name);
    }
  }
  return Validator(std::move(compiled));
}

Validator::Validator(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;
Validator::~Validator() = default;

const ValidatorOptions& Validator::options() const { return compiled_->options; }
const domain::RegistrySet& Validator::registries() const { return compiled_->registries; }

ReaderOptions Validator::reader_options() const {
  ReaderOptions options;
  options.device_fields.insert(compiled_->device_field_names.begin(),
                               compiled_->device_field_names.end());
  return options;
}

std::vector<domain::Finding> Validator::CheckColumns(std::span<const std::string> columns) const {
  std::vector<domain::Finding> out;
  for (const std::string& column : columns) {
    if (compiled_->known_columns.contains(column)) continue;
    out.push_back(
        {0, "", column, "column.unknown", Severity::kWarning,
         fmt::format("column '{}' is not a field of any registry; it is ignored", column)});
  }
  return out;
}

ValidatedProcedure Validator::Validate(const RawProcedure& raw,
                                       const SiteOwnerLookup& site_owner) const {
  ValidatedProcedure out;
  out.row = raw.row;
  Check c{raw, out};
  const CompiledRegistry* reg = nullptr;
  out.procedure.registry = std::string(raw.Get("registry"));
  if (Required(c, "registry")) {
    auto it = compiled_->by_code.find(out.procedure.registry);
    if (it == compiled_->by_code.end()) {
      c.Error("registry", "registry.unknown",
              fmt::format("registry '{}' is not a registry ORP hosts", out.procedure.registry));
    } else if (!compiled_->options.registry.empty() &&
               out.procedure.registry != compiled_->options.registry) {
      c.Error("registry", "registry.not_expected",
              fmt::format("registry {} in a submission for {}", out.procedure.registry,
                          compiled_->options.registry));
    } else {
      reg = &it->second;
    }
  }
  CheckIdentity(c, *compiled_, site_owner);
  CheckDates(c, *compiled_);
  CheckClinical(c, reg);
  if (reg) {
    out.procedure.body_site = reg->body_site;
    CheckRegistryFields(*reg, *compiled_, c);
    CheckRules(*reg, *compiled_, c);
    const std::string& consent_field = reg->definition->legal_basis.consent_field;
    if (reg->consent_anonymous) out.anonymous = raw.Get(consent_field) == "false";
    if (reg->consent_required && raw.Get(consent_field) == "false") {
      c.Error(consent_field, "legal_basis.no_consent",
              fmt::format("{} is false: {} collects records only with the patient's consent ({}); "
                          "a procedure recorded without it is not accepted",
                          consent_field, reg->definition->code,
                          reg->definition->legal_basis.instrument));
    }
  }
  CheckDevices(reg, *compiled_, c);
  return out;
}

}  // namespace orp::ingest
