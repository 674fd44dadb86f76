// The second half of reading a definition: sections that refer to fields and device types
// ([[rules]], [[compatibility]], [[outcomes]], field required_when, the consent field) and the
// follow-up schedule. Reference errors are reported at the line of the key that names them.
#include "orp/domain/registry_toml.h"

namespace orp::domain::registry_toml {
namespace {

Result<void> CheckExpression(const Reader& r, std::string_view key, const RuleExpr& expr,
                             const RegistryDefinition& def) {
  auto fields = [&](std::string_view name) { return LookupRuleField(def, name); };
  auto device_types = [&](std::string_view type) { return def.AllowsDeviceType(type); };
  auto checked = CheckRuleExpression(expr, fields, device_types);
  if (checked) return {};
  return r.Fail(*r.Get(key), fmt::format("{}: {}", key, checked.error().message()));
}

Result<void> CheckRequiredWhen(const Context& ctx, const toml::table& root,
                               const RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("fields"));
  for (size_t i = 0; i < tables.size() && i < def.fields.size(); ++i) {
    const FieldDefinition& field = def.fields[i];
    if (!field.required_when) continue;
    Reader r(ctx, *tables[i], fmt::format("field '{}'", field.name));
    ORP_RETURN_IF_ERROR(CheckExpression(r, "required_when", *field.required_when, def));
  }
  return {};
}

// Reads id, message, severity and `when`, shared by [[rules]] and [[compatibility]].
template <typename Rule>
Result<void> ReadRuleCommon(const Reader& r, std::string_view kind, std::set<std::string>& ids,
                            const RegistryDefinition& def, Rule& rule) {
  rule.line = r.line();
  ORP_TOML_ASSIGN(rule.id, r.String("id", true));
  ORP_RETURN_IF_ERROR(CheckName(r, "id", rule.id));
  ORP_RETURN_IF_ERROR(Unique(r, "id", rule.id, ids, "rule id"));
  Reader named = r.Renamed(fmt::format("{} '{}'", kind, rule.id));
  ORP_TOML_ASSIGN(rule.message, named.String("message", true));
  ORP_TOML_ASSIGN(rule.severity, named.Enum<Severity>("severity", Severity::kError));
  ORP_TOML_ASSIGN(rule.when, named.Rule("when", false, &rule.when_text));
  if (rule.when) ORP_RETURN_IF_ERROR(CheckExpression(named, "when", *rule.when, def));
  return {};
}

Result<void> ReadCrossFieldRules(const Context& ctx, const toml::table& root,
                                 std::set<std::string>& ids, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("rules"));
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "rules");
    ORP_RETURN_IF_ERROR(r.AllowOnly({"id", "message", "severity", "when", "check"}));
    CrossFieldRule rule;
    ORP_RETURN_IF_ERROR(ReadRuleCommon(r, "rule", ids, def, rule));
    Reader named = r.Renamed(fmt::format("rule '{}'", rule.id));
    std::optional<RuleExpr> check;
    ORP_TOML_ASSIGN(check, named.Rule("check", true, &rule.check_text));
    ORP_RETURN_IF_ERROR(CheckExpression(named, "check", *check, def));
    rule.check = std::move(*check);
    def.rules.push_back(std::move(rule));
  }
  return {};
}

Result<void> ReadDeviceTypeList(const Reader& r, const RegistryDefinition& def,
                                CompatibilityRule& rule) {
  ORP_TOML_ASSIGN(rule.device_types, r.Strings("device_types", true));
  for (const std::string& type : rule.device_types) {
    if (!def.AllowsDeviceType(type)) {
      return r.Fail(
          *r.Get("device_types"),
          fmt::format("unknown device type '{}' (declare it in [[devices.types]])", type));
    }
  }
  return {};
}

Result<void> ReadAllowedPairs(const Reader& r, CompatibilityRule& rule) {
  if (rule.device_types.size() != 2) {
    return r.Fail(*r.Get("device_types"), "allowed_pairs needs exactly two device types");
  }
  ORP_TOML_ASSIGN(rule.pair_attribute, r.Enum<DeviceAttribute>("attribute", std::nullopt));
  const toml::node* pairs = r.Get("pairs");
  if (pairs == nullptr) return r.FailHere("missing required key 'pairs'");
  const toml::array* array = pairs->as_array();
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; array != nullptr && i < array->size(); ++i) {
    const toml::array* pair = (*array)[i].as_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() ||
        !(*pair)[1].is_string()) {
      return r.Fail((*array)[i], "each entry of 'pairs' must be [\"first\", \"second\"]");
    }
    std::pair<std::string, std::string> p{(*pair)[0].as_string()->get(),
                                          (*pair)[1].as_string()->get()};
    if (!seen.insert(p).second) {
      return r.Fail((*array)[i], fmt::format("pair [\"{}\", \"{}\"] repeated", p.first, p.second));
    }
    rule.allowed_pairs.push_back(std::move(p));
  }
  if (array == nullptr || array->empty())
    return r.Fail(*pairs, "'pairs' must be a non-empty array");
  return {};
}

Result<void> ReadCompatibility(const Context& ctx, const toml::table& root,
                               std::set<std::string>& ids, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("compatibility"));
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "compatibility");
    if (def.kind == RegistryKind::kOutcome) {
      return r.FailHere("an outcome registry has no devices, so no compatibility rules");
    }
    ORP_RETURN_IF_ERROR(r.AllowOnly({"id", "kind", "message", "severity", "when", "device_types",
                                     "attributes", "attribute", "pairs"}));
    CompatibilityRule rule;
    ORP_RETURN_IF_ERROR(ReadRuleCommon(r, "compatibility rule", ids, def, rule));
    Reader named = r.Renamed(fmt::format("compatibility rule '{}'", rule.id));
    ORP_TOML_ASSIGN(rule.kind, named.Enum<CompatibilityKind>("kind", std::nullopt));
    ORP_RETURN_IF_ERROR(ReadDeviceTypeList(named, def, rule));
    bool same = rule.kind == CompatibilityKind::kSameAttribute;
    std::vector<std::string_view> other_kind_keys =
        same ? std::vector<std::string_view>{"attribute", "pairs"}
             : std::vector<std::string_view>{"attributes"};
    for (std::string_view key : other_kind_keys) {
      if (named.Get(key) != nullptr) {
        return named.Fail(*named.Get(key), fmt::format("'{}' does not apply to kind = \"{}\"", key,
                                                       NameOf(rule.kind)));
      }
    }
    if (same) {
      ORP_TOML_ASSIGN(rule.attributes, named.Enums<DeviceAttribute>("attributes"));
      if (rule.attributes.empty()) return named.FailHere("same_attribute needs 'attributes'");
    } else {
      ORP_RETURN_IF_ERROR(ReadAllowedPairs(named, rule));
    }
    def.compatibility.push_back(std::move(rule));
  }
  return {};
}

// The days of an integer key; `fallback` when absent; each within [lo, hi].
Result<int> DaysKey(const Reader& r, std::string_view key, int fallback, int lo, int hi) {
  std::optional<int64_t> value;
  ORP_TOML_ASSIGN(value, r.Integer(key));
  if (!value) return fallback;
  if (*value < lo || *value > hi) {
    return r.Fail(*r.Get(key), fmt::format("'{}' must be {}-{} days", key, lo, hi));
  }
  return static_cast<int>(*value);
}

Result<void> ReadFollowUpWindows(const Reader& r, FollowUpSchedule& schedule) {
  ORP_TOML_ASSIGN(schedule.baseline_days, DaysKey(r, "baseline_days", 90, 1, 365));
  ORP_TOML_ASSIGN(schedule.window_days, DaysKey(r, "window_days", 60, 1, 365));
  const toml::node* node = r.Get("reminder_days");
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr) return r.Fail(*node, "'reminder_days' must be an array of integers");
  schedule.reminder_days.clear();
  for (const toml::node& day : *array) {
    int64_t value = day.is_integer() ? day.as_integer()->get() : -1;
    int previous = schedule.reminder_days.empty() ? 0 : schedule.reminder_days.back();
    if (value <= previous || value >= schedule.window_days) {
      return r.Fail(day, fmt::format("'reminder_days' must be ascending days after the "
                                     "invitation, 1 to window_days - 1 ({})",
                                     schedule.window_days - 1));
    }
    schedule.reminder_days.push_back(static_cast<int>(value));
  }
  return {};
}

Result<void> ReadFollowUp(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("follow_up"));
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "follow_up");
    ORP_RETURN_IF_ERROR(r.AllowOnly({"kind", "instrument", "baseline", "months", "baseline_days",
                                     "window_days", "reminder_days"}));
    FollowUpSchedule& schedule = def.follow_up.emplace_back();
    ORP_TOML_ASSIGN(schedule.kind, r.Enum<FollowUpKind>("kind", FollowUpKind::kProm));
    ORP_TOML_ASSIGN(schedule.instrument, r.String("instrument", true));
    ORP_TOML_ASSIGN(schedule.baseline, r.Bool("baseline", false));
    const toml::node* months = r.Get("months");
    const toml::array* array = months ? months->as_array() : nullptr;
    if (months != nullptr && array == nullptr) return r.Fail(*months, "'months' must be an array");
    for (size_t i = 0; array != nullptr && i < array->size(); ++i) {
      const toml::node& month = (*array)[i];
      int64_t value = month.is_integer() ? month.as_integer()->get() : -1;
      int previous = schedule.months.empty() ? 0 : schedule.months.back();
      if (value <= previous || value > 600) {
        return r.Fail(month,
                      "'months' must be whole months after the procedure, ascending, "
                      "between 1 and 600");
      }
      schedule.months.push_back(static_cast<int>(value));
    }
    if (schedule.months.empty() && !schedule.baseline) {
      return r.FailHere("a schedule needs 'months' or baseline = true");
    }
    ORP_RETURN_IF_ERROR(ReadFollowUpWindows(r, schedule));
  }
  return {};
}

Result<void> CheckOutcomeSource(const Reader& r, const RegistryDefinition& def,
                                const OutcomeMeasure& outcome) {
  if (outcome.source == OutcomeSource::kRevision && def.kind == RegistryKind::kOutcome) {
    return r.Fail(*r.Get("source"),
                  "source = \"revision\" needs implants; this is an outcome "
                  "registry");
  }
  if (outcome.source != OutcomeSource::kField) {
    if (r.Get("field") != nullptr) {
      return r.Fail(*r.Get("field"), "'field' applies only to source = \"field\"");
    }
    return {};
  }
  const FieldDefinition* field = def.FindField(outcome.field);
  if (outcome.field.empty()) return r.FailHere("source = \"field\" needs 'field'");
  if (field == nullptr)
    return r.Fail(*r.Get("field"), fmt::format("unknown field '{}'", outcome.field));
  if (field->type != FieldType::kInteger && field->type != FieldType::kDecimal &&
      field->type != FieldType::kBoolean && field->type != FieldType::kCode) {
    return r.Fail(*r.Get("field"), fmt::format("field '{}' is a {}; an outcome needs a number, "
                                               "boolean or code",
                                               field->name, FieldTypeName(field->type)));
  }
  return {};
}

Result<void> ReadOutcomes(const Context& ctx, const toml::table& root, RegistryDefinition& def) {
  std::vector<const toml::table*> tables;
  ORP_TOML_ASSIGN(tables, Reader(ctx, root, "").Tables("outcomes"));
  std::set<std::string> seen;
  for (const toml::table* t : tables) {
    Reader r(ctx, *t, "outcomes");
    ORP_RETURN_IF_ERROR(r.AllowOnly({"code", "label", "source", "horizon_days", "field"}));
    OutcomeMeasure& outcome = def.outcomes.emplace_back();
    ORP_TOML_ASSIGN(outcome.code, r.String("code", true));
    ORP_RETURN_IF_ERROR(CheckName(r, "code", outcome.code));
    ORP_RETURN_IF_ERROR(Unique(r, "code", outcome.code, seen, "outcome"));
    Reader named(ctx, *t, fmt::format("outcome '{}'", outcome.code));
    ORP_TOML_ASSIGN(outcome.label, named.String("label", true));
    ORP_TOML_ASSIGN(outcome.source, named.Enum<OutcomeSource>("source", std::nullopt));
    ORP_TOML_ASSIGN(outcome.field, named.String("field", false));
    std::optional<int64_t> horizon;
    ORP_TOML_ASSIGN(horizon, named.Integer("horizon_days"));
    if (horizon && (*horizon < 1 || *horizon > 36500)) {
      return named.Fail(*named.Get("horizon_days"), "horizon_days must be between 1 and 36500");
    }
    if (horizon) outcome.horizon_days = static_cast<int>(*horizon);
    ORP_RETURN_IF_ERROR(CheckOutcomeSource(named, def, outcome));
  }
  if (def.outcomes.empty()) {
    return Reader(ctx, root, "").FailHere("declare at least one [[outcomes]] the registry reports");
  }
  return {};
}

Result<void> CheckConsentField(const Context& ctx, const toml::table& root,
                               const RegistryDefinition& def) {
  if (def.legal_basis.basis != LegalBasis::kConsent) return {};
  const toml::table* table = root.get_as<toml::table>("legal_basis");
  Reader r(ctx, *table, "legal_basis");
  const std::string& name = def.legal_basis.consent_field;
  const FieldDefinition* field = def.FindField(name);
  if (field == nullptr) {
    return r.Fail(*r.Get("consent_field"), fmt::format("unknown field '{}'", name));
  }
  if (field->type != FieldType::kBoolean || field->level != FieldLevel::kProcedure ||
      !field->required) {
    return r.Fail(
        *r.Get("consent_field"),
        fmt::format("consent field '{}' must be a required boolean procedure field", name));
  }
  return {};
}

}  // namespace

Result<void> ReadRulesAndSchedules(const Context& ctx, const toml::table& root,
                                   RegistryDefinition& def) {
  std::set<std::string> ids;
  ORP_RETURN_IF_ERROR(CheckRequiredWhen(ctx, root, def));
  ORP_RETURN_IF_ERROR(CheckConsentField(ctx, root, def));
  ORP_RETURN_IF_ERROR(ReadCrossFieldRules(ctx, root, ids, def));
  ORP_RETURN_IF_ERROR(ReadCompatibility(ctx, root, ids, def));
  ORP_RETURN_IF_ERROR(ReadFollowUp(ctx, root, def));
  return ReadOutcomes(ctx, root, def);
}

}  // namespace orp::domain::registry_toml
