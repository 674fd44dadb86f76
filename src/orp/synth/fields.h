// Registry-specific fields of a generated procedure, drawn from the registry's definition
// (registries/*.toml, domain/registry_definition.h): every field it declares, at procedure or
// device level, with values from its value set or range.
//
// Values that carry meaning are drawn to fit the episode (a hemiarthroplasty is for a femoral
// neck fracture, a bilateral cochlear implant is "simultaneous_bilateral", a death in hospital
// is discharged to the mortuary); any other field gets a plain draw for its type. A revision
// keeps its primary's values for the fields both share (the injury date of a fracture). Then
// each conditional field is emptied when its `required_when` is false and filled when it holds,
// so clean records pass the definition's required and cross-field rules.
// Not thread-safe (uses the caller's Rng); the filler itself is immutable.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "orp/domain/registry_definition.h"
#include "orp/domain/registry_rule_eval.h"
#include "orp/synth/episode.h"
#include "orp/synth/random.h"

namespace orp::synth {

struct FieldContext {
  const World& world;
  const Episode& episode;
  const ProcedureRecord& procedure;
  const Patient& patient;
  int age;
  // Core values as written (kProcedureColumns order) and per device (kDeviceColumns order).
  const std::array<std::string, 16>& core;
  const std::vector<std::array<std::string, 6>>& devices;
  const std::vector<std::string>* primary_values;  // the episode's first procedure, or null
};

class FieldFiller {
 public:
  FieldFiller() = default;  // a registry without extra fields
  explicit FieldFiller(const domain::RegistryDefinition& definition);

  const std::vector<const domain::FieldDefinition*>& procedure_fields() const { return procedure_; }
  const std::vector<const domain::FieldDefinition*>& device_fields() const { return device_; }
  const domain::RegistryDefinition* definition() const { return definition_; }

  void Fill(const FieldContext& ctx, Rng& rng, std::vector<std::string>& procedure_values,
            std::vector<std::vector<std::string>>& device_values) const;

 private:
  std::string Draw(const domain::FieldDefinition& f, const FieldContext& ctx, int device, Rng& rng,
                   bool* known) const;
  void Settle(const FieldContext& ctx, Rng& rng, std::vector<std::string>& values,
              std::vector<std::vector<std::string>>& device_values) const;

  const domain::RegistryDefinition* definition_ = nullptr;
  std::vector<const domain::FieldDefinition*> procedure_, device_;
};

// A rule view over a rendered procedure (device row `device`, or -1 for procedure level).
domain::RuleRecordView ViewOf(const FieldFiller& filler, const std::array<std::string, 16>& core,
                              const std::vector<std::array<std::string, 6>>& devices,
                              const std::vector<std::string>& values,
                              const std::vector<std::vector<std::string>>& device_values,
                              int device, const std::vector<std::string>& device_types);

}  // namespace orp::synth
