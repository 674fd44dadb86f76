// Evaluating registry rule expressions (domain/registry_rule.h) against a generated record, so
// the synth can leave conditional fields empty when their condition is false, fill them when it
// holds, and check that every clean record it writes passes its registry's rules.
//
// Semantics follow the rule language's header: exists(f) is false for an absent or empty value;
// a comparison or `in` with an absent operand is false; a field on its own is true when its value
// is "true". Values that read fully as numbers compare as numbers, others as text (ISO dates
// compare correctly as text). device_count counts implanted devices of the type.
// This is the synth's own reading, for generating data; the ingest validator is the authority.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "orp/domain/registry_rule.h"

namespace orp::synth {

struct RecordView {
  std::function<std::string_view(std::string_view field)> value;  // "" when absent
  std::function<int(std::string_view device_type)> device_count;
};

// The value of a boolean expression. `missing` is set when a comparison met an absent operand
// (so a failed `check` is "not applicable" rather than a failure).
bool EvaluateRule(const domain::RuleExpr& expr, const RecordView& record, bool* missing = nullptr);

// A rule's verdict: true when `when` (if any) is false, or `check` holds, or `check` is not
// applicable because a value it compares is absent.
bool RulePasses(const std::optional<domain::RuleExpr>& when, const domain::RuleExpr& check,
                const RecordView& record);

}  // namespace orp::synth
