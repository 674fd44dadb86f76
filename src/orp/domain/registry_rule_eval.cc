#include "orp/domain/registry_rule_eval.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <string>

namespace orp::domain {

namespace {

using Kind = RuleExpr::Kind;

struct Value {
  bool present = false;
  std::string text;
  std::optional<double> number;
};

std::optional<double> AsNumber(std::string_view text) {
  double x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return x;
}

Value Operand(const RuleExpr& e, const RuleRecordView& r, bool* missing) {
  Value v;
  switch (e.kind) {
    case Kind::kField: {
      const std::string_view text = r.value(e.text);
      v.present = !text.empty();
      v.text = text;
      v.number = AsNumber(text);
      if (!v.present && missing != nullptr) *missing = true;
      return v;
    }
    case Kind::kString: return {true, e.text, std::nullopt};
    case Kind::kNumber: return {true, e.text, e.number};
    case Kind::kDeviceCount: {
      const double n = r.device_count(e.text);
      return {true, std::to_string(static_cast<int>(n)), n};
    }
    default: {
      const bool b = EvaluateRule(e, r, missing);
      return {true, b ? "true" : "false", std::nullopt};
    }
  }
}

int Compare(const Value& a, const Value& b) {
  if (a.number && b.number) return *a.number < *b.number ? -1 : (*a.number > *b.number ? 1 : 0);
  return a.text.compare(b.text) < 0 ? -1 : (a.text == b.text ? 0 : 1);
}

bool Holds(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq: return c == 0;
    case CompareOp::kNe: return c != 0;
    case CompareOp::kLt: return c < 0;
    case CompareOp::kLe: return c <= 0;
    case CompareOp::kGt: return c > 0;
    case CompareOp::kGe: return c >= 0;
  }
  return false;
}

}  // namespace

bool EvaluateRule(const RuleExpr& e, const RuleRecordView& r, bool* missing) {
  switch (e.kind) {
    case Kind::kAnd:
      for (const auto& c : e.children) {
        if (!EvaluateRule(c, r, missing)) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& c : e.children) {
        if (EvaluateRule(c, r, missing)) return true;
      }
      return false;
    case Kind::kNot: return !EvaluateRule(e.children.at(0), r, missing);
    case Kind::kExists: return !r.value(e.text).empty();
    case Kind::kBoolean: return e.boolean;
    case Kind::kField: return Operand(e, r, missing).text == "true";
    case Kind::kCompare: {
      const Value a = Operand(e.children.at(0), r, missing);
      const Value b = Operand(e.children.at(1), r, missing);
      return a.present && b.present && Holds(e.op, Compare(a, b));
    }
    case Kind::kIn: {
      const Value a = Operand(e.children.at(0), r, missing);
      if (!a.present) return false;
      for (size_t i = 1; i < e.children.size(); ++i) {
        if (Compare(a, Operand(e.children[i], r, missing)) == 0) return true;
      }
      return false;
    }
    default: return false;
  }
}

bool RulePasses(const std::optional<RuleExpr>& when, const RuleExpr& check,
                const RuleRecordView& record) {
  if (when && !EvaluateRule(*when, record)) return true;
  bool missing = false;
  return EvaluateRule(check, record, &missing) || missing;
}

}  // namespace orp::domain
