// Evaluating a registry rule expression (registry_rule.h) against one record: the semantics the
// rule language's header promises, in one place for every reader (the ingest validator is the
// authority that rejects records; the synth may use the same code to generate records that pass).
//
// - exists(f) is false when f is absent or empty.
// - A comparison or `in` with an absent operand is false, and marks the evaluation `missing`,
//   so that a rule's failed `check` that compared an absent value is "not applicable".
// - A field on its own (a boolean field) is true when its value is "true".
// - Values that read fully as numbers compare as numbers, others as text (ISO dates compare
//   correctly as text).
// - device_count(t) is what the record says for type t (the caller counts implanted devices).
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "orp/domain/registry_rule.h"

namespace orp::domain {

struct RuleRecordView {
  std::function<std::string_view(std::string_view field)> value;  // "" when absent
  std::function<int(std::string_view device_type)> device_count;
};

// The value of a boolean expression. `missing` (optional) is set when a comparison met an
// absent operand.
bool EvaluateRule(const RuleExpr& expr, const RuleRecordView& record, bool* missing = nullptr);

// A rule's verdict: true when `when` (if any) does not hold, or `check` holds, or `check` is not
// applicable because a value it compares is absent.
bool RulePasses(const std::optional<RuleExpr>& when, const RuleExpr& check,
                const RuleRecordView& record);

}  // namespace orp::domain
