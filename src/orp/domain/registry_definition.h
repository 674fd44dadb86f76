// RegistryDefinition: one registry hosted on the shared record, as declared by its TOML file in
// registries/ (schema: docs/registry-definitions.md; loader: registry_loader.h).
//
// A registry is data, not code. The definition says what the registry is (code, kind, legal
// basis), which procedures it covers (procedure types with OPCS-4 and SNOMED CT codes, body sites
// and laterality, the indications that type the core `indication` column), what it collects
// beyond the core record (fields with types, value sets, bounds and required conditions), which
// cross-field and device-compatibility rules a submission must pass, how it is analysed
// (analysis unit, implant grouping, outcomes) and when patients are followed up (PROMs/PREMs
// schedule).
//
// Invariants (established by the loader; a hand-built definition should respect them too):
// codes, field names and rule ids are unique within their list; every field a rule names exists
// (core or registry field); every device type a rule names is declared; OPCS-4 and SNOMED CT codes
// are valid and stored in canonical form ("B30.1", "302343007"); device registries have a device
// scope, outcome registries have none; consent-based registries name a boolean consent field.
//
// Thread safety: plain values; const access from many threads is safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orp/domain/record_enums.h"
#include "orp/domain/registry_rule.h"

namespace orp::domain {

enum class RegistryKind { kDevice, kOutcome };  // "device" | "outcome"
// "mandated" | "consent" | "section_251"
enum class LegalBasis { kMandated, kConsent, kSection251 };
enum class WithoutConsent { kReject, kAnonymous };     // "reject" | "anonymous"
enum class OptOut { kDissemination, kNotApplicable };  // "dissemination" | "not_applicable"
// What ingest does with a record whose patient is on the national data opt-out list:
// "accept" | "pseudonymised" | "anonymous" | "reject" (docs/registry-definitions.md).
enum class OptOutAtIngest { kAccept, kPseudonymised, kAnonymous, kReject };
enum class AnalysisUnit { kImplant, kProcedure, kEpisode };  // "implant" | "procedure" | "episode"
enum class LateralityRule { kRequired, kOptional, kNotApplicable };
enum class FieldLevel { kProcedure, kDevice };  // one value per procedure, or per device row
enum class DeviceClass { kIII, kIIb, kIIa, kI, kAimd };  // "III" "IIb" "IIa" "I" "AIMD"
enum class GroupingLevel { kManufacturer, kBrand, kModel, kConstruct, kDeviceType };
enum class DeviceAttribute { kManufacturer, kBrand, kModel, kGtin, kDeviceType };
enum class CompatibilityKind { kSameAttribute, kAllowedPairs };
enum class FollowUpKind { kProm, kPrem, kClinical };
enum class OutcomeSource { kRevision, kDeath, kField };

// The TOML spelling of every enumerator above (snake_case, e.g. "not_applicable", "same_attribute",
// "device_type"; device classes as written in the regulations). EnumEntries<E>() lists them.
template <typename E>
struct EnumEntry {
  E value;
  std::string_view name;
};
template <typename E>
std::span<const EnumEntry<E>> EnumEntries();

#define ORP_DECLARE_ENUM_ENTRIES(Type) \
  template <>                          \
  std::span<const EnumEntry<Type>> EnumEntries<Type>();
ORP_DECLARE_ENUM_ENTRIES(FieldType)
ORP_DECLARE_ENUM_ENTRIES(RegistryKind)
ORP_DECLARE_ENUM_ENTRIES(LegalBasis)
ORP_DECLARE_ENUM_ENTRIES(WithoutConsent)
ORP_DECLARE_ENUM_ENTRIES(OptOut)
ORP_DECLARE_ENUM_ENTRIES(OptOutAtIngest)
ORP_DECLARE_ENUM_ENTRIES(AnalysisUnit)
ORP_DECLARE_ENUM_ENTRIES(ProcedureType)
ORP_DECLARE_ENUM_ENTRIES(LateralityRule)
ORP_DECLARE_ENUM_ENTRIES(FieldLevel)
ORP_DECLARE_ENUM_ENTRIES(Severity)
ORP_DECLARE_ENUM_ENTRIES(DeviceClass)
ORP_DECLARE_ENUM_ENTRIES(GroupingLevel)
ORP_DECLARE_ENUM_ENTRIES(DeviceAttribute)
ORP_DECLARE_ENUM_ENTRIES(CompatibilityKind)
ORP_DECLARE_ENUM_ENTRIES(FollowUpKind)
ORP_DECLARE_ENUM_ENTRIES(OutcomeSource)
#undef ORP_DECLARE_ENUM_ENTRIES

template <typename E>
std::string_view NameOf(E value) {
  for (const EnumEntry<E>& entry : EnumEntries<E>()) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}
template <typename E>
std::optional<E> ParseEnumName(std::string_view name) {
  for (const EnumEntry<E>& entry : EnumEntries<E>()) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

struct LegalBasisDefinition {
  LegalBasis basis = LegalBasis::kMandated;
  std::string instrument;     // the law or notice relied on, for people ("Data Provision Notice")
  std::string consent_field;  // consent only: the boolean field recording the patient's consent
  WithoutConsent without_consent = WithoutConsent::kReject;  // consent only
  // Where the National Data Opt-out is applied: to onward dissemination for research and
  // planning (mandated collection), or not at all (the patient consented to the specific use).
  OptOut national_data_opt_out = OptOut::kDissemination;
  // At ingest, for a patient on the opt-out list (`orp opt-out load`). The defaults follow
  // uk-standards.md §4.2 and are assumptions [A] to confirm per registry, hence configurable:
  // collection required by law (mandated) and consent to the specific use are not subject to the
  // opt-out (accept, the patient flagged so research extracts leave them out); a section 251
  // approval is, unless the Confidentiality Advisory Group exempted the flow (reject).
  OptOutAtIngest opt_out_at_ingest = OptOutAtIngest::kAccept;
};

struct ProcedureTypeDefinition {
  ProcedureType type = ProcedureType::kPrimary;
  std::string label;
  std::vector<std::string> opcs_codes;    // canonical "W46.1"
  std::vector<std::string> snomed_codes;  // SCTIDs
};

struct BodySite {
  std::string code;  // e.g. "breast", "hip"
  std::string label;
  std::string snomed;  // body structure SCTID, may be empty
  LateralityRule laterality = LateralityRule::kNotApplicable;
};

struct ValueSetEntry {
  std::string code;
  std::string label;
  std::string snomed;  // optional SCTID the code maps to
};

// One code of the core `indication` column: why the procedure was done (a primary's
// diagnosis, a revision's reason). `procedure_types` limits it to some types (empty: any).
struct Indication {
  std::string code;
  std::string label;
  std::string snomed;  // optional SCTID the code maps to
  std::vector<ProcedureType> procedure_types;
};

struct FieldDefinition {
  std::string name;  // snake_case; the submission column / JSON key
  std::string label;
  std::string description;
  FieldType type = FieldType::kString;
  FieldLevel level = FieldLevel::kProcedure;
  bool required = false;
  std::optional<RuleExpr> required_when;  // required whenever this holds
  std::string required_when_text;         // as written
  std::vector<ValueSetEntry> values;      // kCode only; non-empty
  std::optional<double> min;              // kInteger / kDecimal only
  std::optional<double> max;
  std::string unit;  // UCUM-style unit for numbers ("kg/m2", "days"), may be empty
  int line = 0;      // where it is declared, for messages
};

// A check every record must pass: when `when` holds (or always), `check` must hold.
struct CrossFieldRule {
  std::string id;
  std::string message;  // what the submitter is told when the check fails
  Severity severity = Severity::kError;
  std::optional<RuleExpr> when;
  std::string when_text;
  RuleExpr check;
  std::string check_text;
  int line = 0;
};

// A rule over the devices of one procedure. kSameAttribute: all implanted devices of
// `device_types` share every attribute in `attributes` (a bilateral breast implant pair is one
// model). kAllowedPairs: for the two `device_types` {first, second}, every pair of devices has
// (first.pair_attribute, second.pair_attribute) in `allowed_pairs` (a cochlear implant with a
// sound processor from a compatible list).
struct CompatibilityRule {
  std::string id;
  std::string message;
  Severity severity = Severity::kError;
  CompatibilityKind kind = CompatibilityKind::kSameAttribute;
  std::vector<std::string> device_types;
  std::vector<DeviceAttribute> attributes;                         // kSameAttribute
  DeviceAttribute pair_attribute = DeviceAttribute::kModel;        // kAllowedPairs
  std::vector<std::pair<std::string, std::string>> allowed_pairs;  // kAllowedPairs
  std::optional<RuleExpr> when;
  std::string when_text;
  int line = 0;
};

struct DeviceTypeDefinition {
  std::string code;  // e.g. "breast_implant"
  std::string label;
  std::string snomed;  // physical object SCTID, may be empty
};

struct DeviceScope {
  std::vector<DeviceClass> classes;  // regulatory classes in scope
  bool any_type = false;             // any implantable device of those classes (MDOR)
  std::vector<DeviceTypeDefinition> types;
};

// When patients are asked to report (PROM/PREM) or reviewed, relative to the procedure.
// `instrument` is the code of an instrument definition (docs/proms-instruments.md) when one is
// installed; a name with no definition is reported and not scheduled. The windows say how long a
// link stays open and when to remind (proms schedule; docs/registry-definitions.md).
struct FollowUpSchedule {
  FollowUpKind kind = FollowUpKind::kProm;
  std::string instrument;   // e.g. "EQ-5D-5L"
  bool baseline = false;    // also asked before the procedure
  std::vector<int> months;  // after the procedure, ascending, > 0
  int baseline_days = 90;   // a baseline answered up to this many days before the procedure counts
  int window_days = 60;     // an invitation's link stays open this long after it is sent
  std::vector<int> reminder_days = {14, 28};  // reminders, days after the invitation, ascending
};

// An outcome the registry reports: time to revision/explant, death within a horizon, or the
// value of one of its fields (length of stay).
struct OutcomeMeasure {
  std::string code;
  std::string label;
  OutcomeSource source = OutcomeSource::kRevision;
  std::optional<int> horizon_days;  // e.g. 30 for 30-day survival
  std::string field;                // kField only
};

struct RegistryDefinition {
  std::string code;  // upper case, e.g. "BCIR"
  std::string name;
  std::string version;
  std::string description;
  RegistryKind kind = RegistryKind::kDevice;
  LegalBasisDefinition legal_basis;
  AnalysisUnit analysis_unit = AnalysisUnit::kImplant;
  std::vector<GroupingLevel> grouping;  // in the order analyses report them, e.g. model, brand
  std::optional<DeviceScope> devices;   // device registries only
  std::vector<ProcedureTypeDefinition> procedure_types;
  std::vector<BodySite> body_sites;
  std::vector<Indication> indications;  // the value set of the core `indication` column
  std::vector<FieldDefinition> fields;
  std::vector<CrossFieldRule> rules;
  std::vector<CompatibilityRule> compatibility;
  std::vector<FollowUpSchedule> follow_up;
  std::vector<OutcomeMeasure> outcomes;
  std::string source;  // the file it was loaded from
  int code_line = 0;   // the line of `code` in that file

  const FieldDefinition* FindField(std::string_view name) const;
  const ProcedureTypeDefinition* FindProcedureType(ProcedureType type) const;
  // True when `device_type` is declared, or the scope takes any type.
  bool AllowsDeviceType(std::string_view device_type) const;
  // True when any body site requires laterality (L, R or B) on every procedure.
  bool LateralityRequired() const;
};

// A column of the core submission record (docs/submission-format.md) that rules may name.
// The NHS number is deliberately absent: rules never read patient identifiers.
struct CoreField {
  std::string_view name;
  FieldType type;
  std::vector<std::string> codes;  // kCode: the allowed values
};
std::span<const CoreField> CoreFields();
const CoreField* FindCoreField(std::string_view name);

// What a rule may know about `name` in `registry`: a core field, else a registry field. The core
// `indication` is a code field whose codes are the registry's indications, when it has any.
std::optional<RuleOperandInfo> LookupRuleField(const RegistryDefinition& registry,
                                               std::string_view name);

}  // namespace orp::domain
