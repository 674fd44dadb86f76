// Registry-specific fields (type, value set, range, required / required_when) and the registry
// definition's cross-field rules.
#include <charconv>

#include "orp/domain/gtin.h"
#include "orp/domain/registry_rule_eval.h"
#include "orp/ingest/validator_internal.h"

namespace orp::ingest {
namespace {

using domain::FieldType;

std::optional<double> AsNumber(std::string_view text, bool integer) {
  if (integer) {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return static_cast<double>(v);
  }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

bool IsRequired(const domain::FieldDefinition& f, const domain::RuleRecordView& view) {
  return f.required || (f.required_when && domain::EvaluateRule(*f.required_when, view));
}

void CheckOne(const CompiledField& field, const domain::RuleRecordView& view,
              std::string_view value, Check& check, int64_t row) {
  const domain::FieldDefinition& f = *field.definition;
  if (value.empty()) {
    if (IsRequired(f, view)) {
      std::string why = f.required ? "" : fmt::format(" when {}", f.required_when_text);
      check.Error(f.name, f.name + ".required",
                  fmt::format("{} is required{} and was not given", f.name, why), row);
    }
    return;
  }
  CheckFieldValue(field, value, check, row);
}

}  // namespace

domain::RuleRecordView ViewOf(const Validator::Compiled& compiled, const RawProcedure& raw,
                              const RawDevice* device) {
  return {[&raw, device](std::string_view name) -> std::string_view {
            if (device != nullptr) {
              std::string_view v = FieldValue(device->fields, name);
              if (!v.empty()) return v;
            }
            return raw.Get(name);
          },
          [&compiled, &raw](std::string_view type) { return CountDevices(compiled, raw, type); }};
}

bool CheckFieldValue(const CompiledField& field, std::string_view value, Check& check,
                     int64_t row) {
  const domain::FieldDefinition& f = *field.definition;
  auto type_error = [&](std::string_view what) {
    check.Error(f.name, f.name + ".type", fmt::format("{} '{}' is not {}", f.name, value, what),
                row);
    return false;
  };
  switch (f.type) {
    case FieldType::kString: return true;
    case FieldType::kBoolean:
      return value == "true" || value == "false" || type_error("true or false");
    case FieldType::kDate:
      return ParseIsoDate(value).has_value() || type_error("a date (YYYY-MM-DD)");
    case FieldType::kGtin:
      return domain::Gtin::Parse(value).has_value() || type_error("a valid GTIN");
    case FieldType::kCode:
      if (field.codes.contains(std::string(value))) return true;
      check.Error(f.name, f.name + ".value_set",
                  fmt::format("{} '{}' is not one of its codes", f.name, value), row);
      return false;
    case FieldType::kInteger:
    case FieldType::kDecimal: break;
  }
  std::optional<double> number = AsNumber(value, f.type == FieldType::kInteger);
  if (!number) return type_error(f.type == FieldType::kInteger ? "a whole number" : "a number");
  if ((f.min && *number < *f.min) || (f.max && *number > *f.max)) {
    check.Error(f.name, f.name + ".range",
                fmt::format("{} {} is outside {} to {}{}", f.name, value, f.min.value_or(-1e300),
                            f.max.value_or(1e300), f.unit.empty() ? "" : " " + f.unit),
                row);
    return false;
  }
  return true;
}

void CheckRegistryFields(const CompiledRegistry& registry, const Validator::Compiled& compiled,
                         Check& check) {
  const domain::RuleRecordView procedure_view = ViewOf(compiled, check.raw, nullptr);
  for (const CompiledField& field : registry.procedure_fields) {
    const std::string& name = field.definition->name;
    CheckOne(field, procedure_view, check.raw.Get(name), check, check.raw.row);
    if (std::string_view v = check.raw.Get(name); !v.empty()) {
      check.out.procedure.fields.emplace(name, std::string(v));
    }
  }
  for (const RawDevice& device : check.raw.devices) {
    const domain::RuleRecordView view = ViewOf(compiled, check.raw, &device);
    for (const CompiledField& field : registry.device_fields) {
      CheckOne(field, view, FieldValue(device.fields, field.definition->name), check, device.row);
    }
  }
}

void CheckRules(const CompiledRegistry& registry, const Validator::Compiled& compiled,
                Check& check) {
  for (const CompiledRule& rule : registry.rules) {
    const domain::CrossFieldRule& r = *rule.definition;
    auto evaluate = [&](const RawDevice* device, int64_t row) {
      if (domain::RulePasses(r.when, r.check, ViewOf(compiled, check.raw, device))) return;
      check.Add(row, rule.field, r.id, r.severity, r.message);
    };
    if (!rule.per_device) {
      evaluate(nullptr, check.raw.row);
      continue;
    }
    for (const RawDevice& device : check.raw.devices) evaluate(&device, device.row);
  }
}

}  // namespace orp::ingest
