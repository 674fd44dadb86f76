// The registry rule language: small boolean expressions over the fields of one procedure
// record, written in registry definition files (docs/registry-definitions.md, "Rule language").
//
//   date_of_injury <= procedure_date
//   procedure_type == "revision"
//   laterality in ["L", "R", "B"] and not exists(revision_reason)
//   device_count("breast_implant") == 2
//
// Grammar (lowest precedence first; keywords are lower case):
//   expr       := and_expr ("or" and_expr)*
//   and_expr   := unary ("and" unary)*
//   unary      := "not" unary | comparison
//   comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand)?
//               | operand "in" "[" literal ("," literal)* "]"
//   operand    := field | literal | "exists" "(" field ")" | "device_count" "(" string ")"
//               | "(" expr ")"
//   literal    := string ("..." with \" and \\ escapes) | number (-?digits[.digits]) | true | false
//   field      := [a-z][a-z0-9_]*  (a core field or one the registry defines)
//
// This header holds only the evaluation-independent structure: the parse tree, the parser (which
// checks syntax) and the type check (which checks every field exists, every comparison has
// comparable sides, every code literal belongs to its field's value set and every date literal
// is a real date). Evaluating an expression against a record belongs to the ingest validator.
//
// Missing values (semantics the validator implements): exists(f) is false when f is absent or
// empty; any comparison or `in` with an absent operand is false. A rule's `check` is skipped
// (not applicable) when a field it compares outside exists() is absent, so
// `date_of_injury <= procedure_date` never fails for a missing date: presence is the business
// of `required`/`required_when`, or of an explicit exists() check. device_count of a type with
// no devices is 0. Rules naming a device-level field are evaluated once per device row.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::domain {

// The type of a registry field's value.
enum class FieldType { kString, kInteger, kDecimal, kDate, kBoolean, kCode, kGtin };

// "string", "integer", "decimal", "date", "boolean", "code", "gtin".
std::string_view FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CompareOpText(CompareOp op);  // "==", "<=", ...

// One node of a parsed rule expression. Children are owned by value.
struct RuleExpr {
  enum class Kind {
    kField,        // text = field name
    kString,       // text = the literal's value (unescaped)
    kNumber,       // number, text = the literal as written
    kBoolean,      // boolean
    kCompare,      // op; children = {left, right}
    kIn,           // children = {operand, literal, literal, ...}
    kAnd,          // children = {a, b, ...}
    kOr,           // children = {a, b, ...}
    kNot,          // children = {a}
    kExists,       // text = field name
    kDeviceCount,  // text = device type code; an integer
  };
  Kind kind = Kind::kBoolean;
  std::string text;
  double number = 0;
  bool boolean = false;
  CompareOp op = CompareOp::kEq;
  std::vector<RuleExpr> children;
};

// Parses one expression. kInvalidArgument naming the column (1-based) and what was expected:
// "column 17: expected a value after '<=', found end of rule".
Result<RuleExpr> ParseRuleExpression(std::string_view text);

// The expression in canonical form (fully parenthesised where precedence needs it), for display.
std::string FormatRuleExpression(const RuleExpr& expr);

// What the type check needs to know about a field named in an expression.
struct RuleOperandInfo {
  FieldType type = FieldType::kString;
  std::vector<std::string> codes;  // for kCode: the allowed codes (empty: any code)
};
using FieldLookup = std::function<std::optional<RuleOperandInfo>(std::string_view field)>;
using DeviceTypeLookup = std::function<bool(std::string_view device_type)>;

// Checks that `expr` is a boolean expression whose fields, device types and literals are known
// and well typed. kInvalidArgument naming the offending field or literal:
// "unknown field 'date_of_injry'", "'revison' is not a code of field 'procedure_type'",
// "cannot compare date field 'procedure_date' with number 3".
Result<void> CheckRuleExpression(const RuleExpr& expr, const FieldLookup& fields,
                                 const DeviceTypeLookup& device_types);

// Every field name the expression reads (in order of appearance, without repeats).
std::vector<std::string> RuleFieldsRead(const RuleExpr& expr);

}  // namespace orp::domain
