#include "orp/domain/registry_definition.h"

#include <algorithm>
#include <array>

namespace orp::domain {

#define ORP_ENUM_ENTRIES(Type, ...)                              \
  template <>                                                    \
  std::span<const EnumEntry<Type>> EnumEntries<Type>() {         \
    static constexpr EnumEntry<Type> kEntries[] = {__VA_ARGS__}; \
    return kEntries;                                             \
  }

ORP_ENUM_ENTRIES(FieldType, {FieldType::kString, "string"}, {FieldType::kInteger, "integer"},
                 {FieldType::kDecimal, "decimal"}, {FieldType::kDate, "date"},
                 {FieldType::kBoolean, "boolean"}, {FieldType::kCode, "code"},
                 {FieldType::kGtin, "gtin"})
ORP_ENUM_ENTRIES(RegistryKind, {RegistryKind::kDevice, "device"},
                 {RegistryKind::kOutcome, "outcome"})
ORP_ENUM_ENTRIES(LegalBasis, {LegalBasis::kMandated, "mandated"}, {LegalBasis::kConsent, "consent"},
                 {LegalBasis::kSection251, "section_251"})
ORP_ENUM_ENTRIES(WithoutConsent, {WithoutConsent::kReject, "reject"},
                 {WithoutConsent::kAnonymous, "anonymous"})
ORP_ENUM_ENTRIES(OptOut, {OptOut::kDissemination, "dissemination"},
                 {OptOut::kNotApplicable, "not_applicable"})
ORP_ENUM_ENTRIES(OptOutAtIngest, {OptOutAtIngest::kAccept, "accept"},
                 {OptOutAtIngest::kPseudonymised, "pseudonymised"},
                 {OptOutAtIngest::kAnonymous, "anonymous"}, {OptOutAtIngest::kReject, "reject"})
ORP_ENUM_ENTRIES(AnalysisUnit, {AnalysisUnit::kImplant, "implant"},
                 {AnalysisUnit::kProcedure, "procedure"}, {AnalysisUnit::kEpisode, "episode"})
ORP_ENUM_ENTRIES(ProcedureType, {ProcedureType::kPrimary, "primary"},
                 {ProcedureType::kRevision, "revision"}, {ProcedureType::kExplant, "explant"},
                 {ProcedureType::kOther, "other"})
ORP_ENUM_ENTRIES(LateralityRule, {LateralityRule::kRequired, "required"},
                 {LateralityRule::kOptional, "optional"},
                 {LateralityRule::kNotApplicable, "not_applicable"})
ORP_ENUM_ENTRIES(FieldLevel, {FieldLevel::kProcedure, "procedure"}, {FieldLevel::kDevice, "device"})
ORP_ENUM_ENTRIES(Severity, {Severity::kError, "error"}, {Severity::kWarning, "warning"})
ORP_ENUM_ENTRIES(DeviceClass, {DeviceClass::kIII, "III"}, {DeviceClass::kIIb, "IIb"},
                 {DeviceClass::kIIa, "IIa"}, {DeviceClass::kI, "I"}, {DeviceClass::kAimd, "AIMD"})
ORP_ENUM_ENTRIES(GroupingLevel, {GroupingLevel::kManufacturer, "manufacturer"},
                 {GroupingLevel::kBrand, "brand"}, {GroupingLevel::kModel, "model"},
                 {GroupingLevel::kConstruct, "construct"},
                 {GroupingLevel::kDeviceType, "device_type"})
ORP_ENUM_ENTRIES(DeviceAttribute, {DeviceAttribute::kManufacturer, "manufacturer"},
                 {DeviceAttribute::kBrand, "brand"}, {DeviceAttribute::kModel, "model"},
                 {DeviceAttribute::kGtin, "gtin"}, {DeviceAttribute::kDeviceType, "device_type"})
ORP_ENUM_ENTRIES(CompatibilityKind, {CompatibilityKind::kSameAttribute, "same_attribute"},
                 {CompatibilityKind::kAllowedPairs, "allowed_pairs"})
ORP_ENUM_ENTRIES(FollowUpKind, {FollowUpKind::kProm, "prom"}, {FollowUpKind::kPrem, "prem"},
                 {FollowUpKind::kClinical, "clinical"})
ORP_ENUM_ENTRIES(OutcomeSource, {OutcomeSource::kRevision, "revision"},
                 {OutcomeSource::kDeath, "death"}, {OutcomeSource::kField, "field"})

#undef ORP_ENUM_ENTRIES

const FieldDefinition* RegistryDefinition::FindField(std::string_view field_name) const {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const FieldDefinition& f) { return f.name == field_name; });
  return it == fields.end() ? nullptr : &*it;
}

const ProcedureTypeDefinition* RegistryDefinition::FindProcedureType(ProcedureType type) const {
  auto it = std::find_if(procedure_types.begin(), procedure_types.end(),
                         [&](const ProcedureTypeDefinition& p) { return p.type == type; });
  return it == procedure_types.end() ? nullptr : &*it;
}

bool RegistryDefinition::AllowsDeviceType(std::string_view device_type) const {
  if (!devices) return false;
  if (devices->any_type) return true;
  return std::any_of(devices->types.begin(), devices->types.end(),
                     [&](const DeviceTypeDefinition& t) { return t.code == device_type; });
}

bool RegistryDefinition::LateralityRequired() const {
  return std::any_of(body_sites.begin(), body_sites.end(), [](const BodySite& site) {
    return site.laterality == LateralityRule::kRequired;
  });
}

std::span<const CoreField> CoreFields() {
  // The core columns of docs/submission-format.md with the types rules compare them as.
  static const std::vector<CoreField> kFields = {
      {"registry", FieldType::kString, {}},
      {"procedure_ref", FieldType::kString, {}},
      {"provider_site", FieldType::kString, {}},
      {"clinician_gmc", FieldType::kString, {}},
      {"date_of_birth", FieldType::kDate, {}},
      {"sex", FieldType::kString, {}},
      {"postcode", FieldType::kString, {}},
      {"procedure_date", FieldType::kDate, {}},
      {"procedure_type", FieldType::kCode, {"primary", "revision", "explant", "other"}},
      {"opcs_codes", FieldType::kString, {}},
      {"snomed_code", FieldType::kString, {}},
      {"laterality", FieldType::kCode, {"L", "R", "B", "N"}},
      {"indication", FieldType::kString, {}},
      {"asa_grade", FieldType::kInteger, {}},
      {"bmi", FieldType::kDecimal, {}},
      {"device_action", FieldType::kCode, {"implanted", "explanted"}},
      {"device_scan", FieldType::kString, {}},
      {"gtin", FieldType::kGtin, {}},
      {"lot", FieldType::kString, {}},
      {"serial", FieldType::kString, {}},
      {"expiry", FieldType::kDate, {}},
  };
  return kFields;
}

const CoreField* FindCoreField(std::string_view name) {
  for (const CoreField& field : CoreFields()) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::optional<RuleOperandInfo> LookupRuleField(const RegistryDefinition& registry,
                                               std::string_view name) {
  if (name == "indication" && !registry.indications.empty()) {
    RuleOperandInfo info{FieldType::kCode, {}};
    for (const Indication& indication : registry.indications) info.codes.push_back(indication.code);
    return info;
  }
  if (const CoreField* core = FindCoreField(name)) {
    return RuleOperandInfo{core->type, core->codes};
  }
  const FieldDefinition* field = registry.FindField(name);
  if (field == nullptr) return std::nullopt;
  RuleOperandInfo info{field->type, {}};
  for (const ValueSetEntry& value : field->values) info.codes.push_back(value.code);
  return info;
}

}  // namespace orp::domain
