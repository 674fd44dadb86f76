// The load-time half of the rule language: formatting and the type check (registry_rule.h).
#include <fmt/format.h>

#include <algorithm>

#include "orp/core/date.h"
#include "orp/domain/registry_rule.h"

namespace orp::domain {
namespace {

using Kind = RuleExpr::Kind;

bool IsCondition(Kind kind) {
  return kind == Kind::kCompare || kind == Kind::kIn || kind == Kind::kAnd || kind == Kind::kOr ||
         kind == Kind::kNot || kind == Kind::kExists || kind == Kind::kBoolean;
}

bool IsNumeric(FieldType type) {
  return type == FieldType::kInteger || type == FieldType::kDecimal;
}
bool IsText(FieldType type) {
  return type == FieldType::kString || type == FieldType::kCode || type == FieldType::kGtin;
}
bool IsOrdering(CompareOp op) { return op != CompareOp::kEq && op != CompareOp::kNe; }

std::string FormatLiteral(const RuleExpr& expr) {
  switch (expr.kind) {
    case Kind::kString: {
      std::string out = "\"";
      for (char c : expr.text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "\"";
    }
    case Kind::kNumber: return expr.text;
    default: return expr.boolean ? "true" : "false";
  }
}

// Precedence for parenthesising: or < and < not < comparison and operands.
int Precedence(Kind kind) {
  if (kind == Kind::kOr) return 1;
  if (kind == Kind::kAnd) return 2;
  if (kind == Kind::kNot) return 3;
  return 4;
}

std::string FormatChild(const RuleExpr& child, int parent_precedence) {
  std::string text = FormatRuleExpression(child);
  return Precedence(child.kind) < parent_precedence ? "(" + text + ")" : text;
}

std::string DescribeOperand(const RuleExpr& expr, const std::optional<RuleOperandInfo>& info) {
  if (expr.kind == Kind::kField && info) {
    return fmt::format("{} field '{}'", FieldTypeName(info->type), expr.text);
  }
  if (expr.kind == Kind::kDeviceCount) return FormatRuleExpression(expr);
  if (expr.kind == Kind::kString) return fmt::format("string {}", FormatLiteral(expr));
  if (expr.kind == Kind::kNumber) return fmt::format("number {}", expr.text);
  return FormatLiteral(expr);
}

class Checker {
 public:
  Checker(const FieldLookup& fields, const DeviceTypeLookup& device_types)
      : fields_(fields), device_types_(device_types) {}

  Result<void> Condition(const RuleExpr& expr) {
    switch (expr.kind) {
      case Kind::kAnd:
      case Kind::kOr:
      case Kind::kNot:
        for (const RuleExpr& child : expr.children) ORP_RETURN_IF_ERROR(Condition(child));
        return {};
      case Kind::kExists: {
        auto info = Field(expr.text);
        if (!info) return std::unexpected(info.error());
        return {};
      }
      case Kind::kCompare: return Compare(expr.op, expr.children[0], expr.children[1]);
      case Kind::kIn: return In(expr);
      case Kind::kBoolean: return {};
      case Kind::kField: {
        auto info = Field(expr.text);
        if (!info) return std::unexpected(info.error());
        if (info->type == FieldType::kBoolean) return {};
        return InvalidArgument(
            fmt::format("{} is not a condition: compare it with a value or use exists({})",
                        DescribeOperand(expr, *info), expr.text));
      }
      default:
        return InvalidArgument(fmt::format("{} is not a condition", FormatRuleExpression(expr)));
    }
  }

 private:
  Result<RuleOperandInfo> Field(const std::string& name) {
    auto info = fields_(name);
    if (!info) return InvalidArgument(fmt::format("unknown field '{}'", name));
    return *info;
  }

  // The operand's info when it is a field or device_count (a value with a type); nullopt for a
  // literal.
  Result<std::optional<RuleOperandInfo>> Operand(const RuleExpr& expr) {
    if (expr.kind == Kind::kField) {
      auto info = Field(expr.text);
      if (!info) return std::unexpected(info.error());
      return std::optional<RuleOperandInfo>(std::move(*info));
    }
    if (expr.kind == Kind::kDeviceCount) {
      if (!device_types_(expr.text)) {
        return InvalidArgument(
            fmt::format("device_count(\"{}\"): unknown device type '{}'", expr.text, expr.text));
      }
      return std::optional<RuleOperandInfo>(RuleOperandInfo{FieldType::kInteger, {}});
    }
    if (IsCondition(expr.kind) && expr.kind != Kind::kBoolean) {
      return InvalidArgument(
          fmt::format("'{}' is a condition, not a value to compare", FormatRuleExpression(expr)));
    }
    return std::optional<RuleOperandInfo>();
  }

  Result<void> Compare(CompareOp op, const RuleExpr& left, const RuleExpr& right) {
    auto left_info = Operand(left);
    if (!left_info) return std::unexpected(left_info.error());
    auto right_info = Operand(right);
    if (!right_info) return std::unexpected(right_info.error());
    if (!*left_info && !*right_info) {
      return InvalidArgument(fmt::format("'{} {} {}' compares two constants",
                                         FormatRuleExpression(left), CompareOpText(op),
                                         FormatRuleExpression(right)));
    }
    if (!*left_info) return Compare(op, right, left);  // put the typed side on the left
    if (!*right_info) return AgainstLiteral(op, left, **left_info, right);
    return AgainstValue(op, left, **left_info, right, **right_info);
  }

  Result<void> AgainstValue(CompareOp op, const RuleExpr& left, const RuleOperandInfo& a,
                            const RuleExpr& right, const RuleOperandInfo& b) {
    bool same_class = (IsNumeric(a.type) && IsNumeric(b.type)) ||
                      (IsText(a.type) && IsText(b.type)) || a.type == b.type;
    bool orderable = IsNumeric(a.type) || a.type == FieldType::kDate;
    if (same_class && (orderable || !IsOrdering(op))) return {};
    return InvalidArgument(fmt::format("cannot compare {} with {} using '{}'",
                                       DescribeOperand(left, a), DescribeOperand(right, b),
                                       CompareOpText(op)));
  }

  Result<void> AgainstLiteral(CompareOp op, const RuleExpr& field, const RuleOperandInfo& info,
                              const RuleExpr& literal) {
    auto mismatch = [&] {
      return InvalidArgument(
          fmt::format("cannot compare {} with {} using '{}'", DescribeOperand(field, info),
                      DescribeOperand(literal, std::nullopt), CompareOpText(op)));
    };
    switch (info.type) {
      case FieldType::kInteger:
      case FieldType::kDecimal:
        if (literal.kind != Kind::kNumber) return mismatch();
        if (info.type == FieldType::kInteger && literal.text.find('.') != std::string::npos) {
          return InvalidArgument(
              fmt::format("integer field '{}' compared with decimal {}", field.text, literal.text));
        }
        return {};
      case FieldType::kDate:
        if (literal.kind != Kind::kString) return mismatch();
        if (auto date = ParseIsoDate(literal.text); !date) {
          return InvalidArgument(
              fmt::format("date literal for '{}': {}", field.text, date.error().message()));
        }
        return {};
      case FieldType::kBoolean:
        if (literal.kind != Kind::kBoolean || IsOrdering(op)) return mismatch();
        return {};
      default:
        if (literal.kind != Kind::kString || IsOrdering(op)) return mismatch();
        return CodeInValueSet(field, info, literal.text);
    }
  }

  Result<void> CodeInValueSet(const RuleExpr& field, const RuleOperandInfo& info,
                              const std::string& code) {
    if (info.type != FieldType::kCode || info.codes.empty()) return {};
    if (std::find(info.codes.begin(), info.codes.end(), code) != info.codes.end()) return {};
    return InvalidArgument(fmt::format("\"{}\" is not a code of field '{}' (codes: {})", code,
                                       field.text, fmt::join(info.codes, ", ")));
  }

  Result<void> In(const RuleExpr& expr) {
    const RuleExpr& operand = expr.children[0];
    if (operand.kind != Kind::kField) {
      return InvalidArgument(fmt::format("the left side of 'in' must be a field, not {}",
                                         FormatRuleExpression(operand)));
    }
    for (size_t i = 1; i < expr.children.size(); ++i) {
      ORP_RETURN_IF_ERROR(Compare(CompareOp::kEq, operand, expr.children[i]));
    }
    return {};
  }

  const FieldLookup& fields_;
  const DeviceTypeLookup& device_types_;
};

void CollectFields(const RuleExpr& expr, std::vector<std::string>& out) {
  if (expr.kind == Kind::kField || expr.kind == Kind::kExists) {
    if (std::find(out.begin(), out.end(), expr.text) == out.end()) out.push_back(expr.text);
  }
  for (const RuleExpr& child : expr.children) CollectFields(child, out);
}

}  // namespace

std::string FormatRuleExpression(const RuleExpr& expr) {
  switch (expr.kind) {
    case Kind::kField: return expr.text;
    case Kind::kString:
    case Kind::kNumber:
    case Kind::kBoolean: return FormatLiteral(expr);
    case Kind::kExists: return fmt::format("exists({})", expr.text);
    case Kind::kDeviceCount: return fmt::format("device_count(\"{}\")", expr.text);
    case Kind::kNot: return "not " + FormatChild(expr.children[0], Precedence(Kind::kNot));
    case Kind::kCompare:
      return fmt::format("{} {} {}", FormatChild(expr.children[0], 4), CompareOpText(expr.op),
                         FormatChild(expr.children[1], 4));
    case Kind::kIn: {
      std::vector<std::string> items;
      for (size_t i = 1; i < expr.children.size(); ++i) {
        items.push_back(FormatLiteral(expr.children[i]));
      }
      return fmt::format("{} in [{}]", FormatChild(expr.children[0], 4), fmt::join(items, ", "));
    }
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<std::string> parts;
      for (const RuleExpr& child : expr.children) {
        parts.push_back(FormatChild(child, Precedence(expr.kind) + 1));
      }
      return fmt::format("{}", fmt::join(parts, expr.kind == Kind::kAnd ? " and " : " or "));
    }
  }
  return "?";
}

Result<void> CheckRuleExpression(const RuleExpr& expr, const FieldLookup& fields,
                                 const DeviceTypeLookup& device_types) {
  return Checker(fields, device_types).Condition(expr);
}

std::vector<std::string> RuleFieldsRead(const RuleExpr& expr) {
  std::vector<std::string> out;
  CollectFields(expr, out);
  return out;
}

}  // namespace orp::domain
