// Internals shared by the validator's source files: the compiled registry and the per-record
// checking context. Not part of the ingest API.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "orp/domain/registry_definition.h"
#include "orp/domain/registry_rule_eval.h"
#include "orp/ingest/validator.h"

namespace orp::ingest {

struct CompiledField {
  const domain::FieldDefinition* definition = nullptr;
  std::unordered_set<std::string> codes;  // kCode
};

struct CompiledRule {
  const domain::CrossFieldRule* definition = nullptr;
  std::string field;        // the field a finding names: the first the check reads
  bool per_device = false;  // reads a device-level field: evaluated once per device row
};

struct CompiledRegistry {
  const domain::RegistryDefinition* definition = nullptr;
  std::unordered_map<int, std::unordered_set<std::string>> opcs_by_type;  // ProcedureType
  std::vector<CompiledField> procedure_fields;
  std::vector<CompiledField> device_fields;
  std::vector<CompiledRule> rules;
  std::string body_site;
  bool laterality_required = false;
  bool consent_anonymous = false;  // consent basis, without_consent = anonymous
  bool consent_required = false;   // consent basis, without_consent = reject
};

struct Validator::Compiled {
  domain::RegistrySet registries;
  ValidatorOptions options;
  std::unordered_map<std::string, CompiledRegistry> by_code;
  std::unordered_set<std::string> device_field_names;
  std::unordered_set<std::string> known_columns;
};

// One record being checked: where findings go.
struct Check {
  const RawProcedure& raw;
  ValidatedProcedure& out;

  void Add(int64_t row, std::string_view field, std::string rule, domain::Severity severity,
           std::string message) {
    out.findings.push_back({row, std::string(raw.procedure_ref()), std::string(field),
                            std::move(rule), severity, std::move(message)});
  }
  void Error(std::string_view field, std::string rule, std::string message, int64_t row = 0) {
    Add(row == 0 ? raw.row : row, field, std::move(rule), domain::Severity::kError,
        std::move(message));
  }
  void Warning(std::string_view field, std::string rule, std::string message, int64_t row = 0) {
    Add(row == 0 ? raw.row : row, field, std::move(rule), domain::Severity::kWarning,
        std::move(message));
  }
};

// A record view for rules: a device row's own values first (when `device` is given), then its
// procedure's (validator_fields.cc).
domain::RuleRecordView ViewOf(const Validator::Compiled& compiled, const RawProcedure& raw,
                              const RawDevice* device);

// Registry-specific fields and cross-field rules (validator_fields.cc).
void CheckRegistryFields(const CompiledRegistry& registry, const Validator::Compiled& compiled,
                         Check& check);
void CheckRules(const CompiledRegistry& registry, const Validator::Compiled& compiled,
                Check& check);
// One value against its field definition (type, value set, range); false when it failed.
bool CheckFieldValue(const CompiledField& field, std::string_view value, Check& check, int64_t row);
// How many implanted devices of the record are of `device_type` (by the catalogue; without a
// catalogue every implanted device counts).
int CountDevices(const Validator::Compiled& compiled, const RawProcedure& raw,
                 std::string_view device_type);

// Device rows (validator_devices.cc).
void CheckDevices(const CompiledRegistry* registry, const Validator::Compiled& compiled,
                  Check& check);

}  // namespace orp::ingest
