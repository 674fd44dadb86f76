#include "orp/domain/registry_rule.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

struct Token {
  enum class Kind { kEnd, kIdent, kString, kNumber, kOp, kPunct };
  Kind kind = Kind::kEnd;
  std::string text;   // identifier, unescaped string, number as written, operator, punctuation
  size_t column = 0;  // 1-based
};

RuleExpr Node(RuleExpr::Kind kind, std::string text = {}) {
  RuleExpr node;
  node.kind = kind;
  node.text = std::move(text);
  return node;
}

bool IsIdentStart(char c) { return c >= 'a' && c <= 'z'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '_'; }

std::string Describe(const Token& token) {
  switch (token.kind) {
    case Token::Kind::kEnd: return "end of rule";
    case Token::Kind::kString: return fmt::format("\"{}\"", token.text);
    default: return fmt::format("'{}'", token.text);
  }
}

std::unexpected<Error> SyntaxError(size_t column, std::string_view what) {
  return InvalidArgument(fmt::format("column {}: {}", column, what));
}

Result<Token> LexString(std::string_view text, size_t& i) {
  Token token{Token::Kind::kString, "", i + 1};
  for (++i; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      ++i;
      return token;
    }
    if (c == '\\') {
      if (i + 1 >= text.size() || (text[i + 1] != '"' && text[i + 1] != '\\')) {
        return SyntaxError(i + 1, "only \\\" and \\\\ may follow a backslash in a string");
      }
      c = text[++i];
    }
    token.text.push_back(c);
  }
  return SyntaxError(token.column, "string is not closed with '\"'");
}

Result<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    size_t column = i + 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (IsIdentStart(c)) {
      size_t start = i;
      while (i < text.size() && IsIdentChar(text[i])) ++i;
      tokens.push_back({Token::Kind::kIdent, std::string(text.substr(start, i - start)), column});
    } else if (c == '"') {
      auto token = LexString(text, i);
      if (!token) return std::unexpected(token.error());
      tokens.push_back(std::move(*token));
    } else if (IsAsciiDigit(c) || (c == '-' && i + 1 < text.size() && IsAsciiDigit(text[i + 1]))) {
      size_t start = i++;
      while (i < text.size() && IsAsciiDigit(text[i])) ++i;
      if (i + 1 < text.size() && text[i] == '.' && IsAsciiDigit(text[i + 1])) {
        for (++i; i < text.size() && IsAsciiDigit(text[i]);) ++i;
      }
      tokens.push_back({Token::Kind::kNumber, std::string(text.substr(start, i - start)), column});
    } else if (std::string_view("=!<>").find(c) != std::string_view::npos) {
      bool two = i + 1 < text.size() && text[i + 1] == '=';
      std::string op = std::string(text.substr(i, two ? 2 : 1));
      if (op == "=" || op == "!") {
        return SyntaxError(column, fmt::format("'{}' is not an operator; use '==' or '!='", op));
      }
      tokens.push_back({Token::Kind::kOp, op, column});
      i += two ? 2 : 1;
    } else if (std::string_view("()[],").find(c) != std::string_view::npos) {
      tokens.push_back({Token::Kind::kPunct, std::string(1, c), column});
      ++i;
    } else {
      return SyntaxError(column, fmt::format("unexpected character '{}'", c));
    }
  }
  tokens.push_back({Token::Kind::kEnd, "", text.size() + 1});
  return tokens;
}

bool IsKeyword(std::string_view word) {
  return word == "and" || word == "or" || word == "not" || word == "in" || word == "true" ||
         word == "false" || word == "exists" || word == "device_count";
}

// Recursive descent over the token list; each method consumes what it parses.
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<RuleExpr> ParseAll() {
    auto expr = ParseOr();
    if (!expr) return expr;
    if (Peek().kind != Token::Kind::kEnd) {
      return SyntaxError(Peek().column, fmt::format("expected 'and', 'or' or end of rule, found {}",
                                                    Describe(Peek())));
    }
    return expr;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool PeekIs(Token::Kind kind, std::string_view text) const {
    return Peek().kind == kind && Peek().text == text;
  }
  bool AcceptWord(std::string_view word) {
    if (!PeekIs(Token::Kind::kIdent, word)) return false;
    ++pos_;
    return true;
  }
  Result<void> Expect(std::string_view punct, std::string_view context) {
    if (PeekIs(Token::Kind::kPunct, punct)) {
      ++pos_;
      return {};
    }
    return SyntaxError(Peek().column,
                       fmt::format("expected '{}' {}, found {}", punct, context, Describe(Peek())));
  }

  Result<RuleExpr> ParseJoined(RuleExpr::Kind kind, std::string_view word,
                               Result<RuleExpr> (Parser::*operand)()) {
    auto first = (this->*operand)();
    if (!first || !PeekIs(Token::Kind::kIdent, word)) return first;
    RuleExpr joined = Node(kind);
    joined.children.push_back(std::move(*first));
    while (AcceptWord(word)) {
      auto next = (this->*operand)();
      if (!next) return next;
      joined.children.push_back(std::move(*next));
    }
    return joined;
  }
  Result<RuleExpr> ParseOr() { return ParseJoined(RuleExpr::Kind::kOr, "or", &Parser::ParseAnd); }
  Result<RuleExpr> ParseAnd() {
    return ParseJoined(RuleExpr::Kind::kAnd, "and", &Parser::ParseUnary);
  }

  Result<RuleExpr> ParseUnary() {
    size_t column = Peek().column;
    if (!AcceptWord("not")) return ParseComparison();
    if (++depth_ > kMaxDepth) return TooDeep(column);
    auto inner = ParseUnary();
    --depth_;
    if (!inner) return inner;
    RuleExpr negation = Node(RuleExpr::Kind::kNot);
    negation.children.push_back(std::move(*inner));
    return negation;
  }

  Result<RuleExpr> ParseComparison() {
    auto left = ParseOperand();
    if (!left) return left;
    if (AcceptWord("in")) return ParseInList(std::move(*left));
    if (Peek().kind != Token::Kind::kOp) return left;
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
        {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
    const Token& op_token = Next();
    RuleExpr compare = Node(RuleExpr::Kind::kCompare);
    for (const auto& [text, op] : kOps) {
      if (op_token.text == text) compare.op = op;
    }
    auto right = ParseOperand(op_token.text);
    if (!right) return right;
    compare.children.push_back(std::move(*left));
    compare.children.push_back(std::move(*right));
    return compare;
  }

  Result<RuleExpr> ParseInList(RuleExpr operand) {
    RuleExpr in = Node(RuleExpr::Kind::kIn);
    in.children.push_back(std::move(operand));
    ORP_RETURN_IF_ERROR(Expect("[", "after 'in'"));
    while (true) {
      auto literal = ParseLiteral();
      if (!literal) return literal;
      in.children.push_back(std::move(*literal));
      if (!PeekIs(Token::Kind::kPunct, ",")) break;
      ++pos_;
    }
    ORP_RETURN_IF_ERROR(Expect("]", "to close the list"));
    return in;
  }

  Result<RuleExpr> ParseLiteral() {
    const Token& token = Peek();
    if (token.kind == Token::Kind::kString) {
      return Node(RuleExpr::Kind::kString, Next().text);
    }
    if (token.kind == Token::Kind::kNumber) {
      RuleExpr number = Node(RuleExpr::Kind::kNumber, Next().text);
      std::from_chars(number.text.data(), number.text.data() + number.text.size(), number.number);
      return number;
    }
    if (PeekIs(Token::Kind::kIdent, "true") || PeekIs(Token::Kind::kIdent, "false")) {
      RuleExpr boolean = Node(RuleExpr::Kind::kBoolean);
      boolean.boolean = Next().text == "true";
      return boolean;
    }
    return SyntaxError(
        token.column,
        fmt::format("expected a string, number, true or false, found {}", Describe(token)));
  }

  Result<RuleExpr> ParseCall(RuleExpr::Kind kind, std::string_view name) {
    ORP_RETURN_IF_ERROR(Expect("(", fmt::format("after '{}'", name)));
    const Token& arg = Peek();
    bool want_string = kind == RuleExpr::Kind::kDeviceCount;
    bool ok = want_string ? arg.kind == Token::Kind::kString
                          : arg.kind == Token::Kind::kIdent && !IsKeyword(arg.text);
    if (!ok) {
      return SyntaxError(
          arg.column,
          fmt::format("{}() takes {}, found {}", name,
                      want_string ? "a device type in quotes" : "a field name", Describe(arg)));
    }
    RuleExpr call = Node(kind, Next().text);
    ORP_RETURN_IF_ERROR(Expect(")", fmt::format("after the argument of {}()", name)));
    return call;
  }

  Result<RuleExpr> ParseOperand(std::string_view after = "") {
    const Token& token = Peek();
    if (PeekIs(Token::Kind::kPunct, "(")) {
      ++pos_;
      if (++depth_ > kMaxDepth) return TooDeep(token.column);
      auto inner = ParseOr();
      --depth_;
      if (!inner) return inner;
      ORP_RETURN_IF_ERROR(Expect(")", "to close '('"));
      return inner;
    }
    if (AcceptWord("exists")) return ParseCall(RuleExpr::Kind::kExists, "exists");
    if (AcceptWord("device_count")) return ParseCall(RuleExpr::Kind::kDeviceCount, "device_count");
    if (token.kind == Token::Kind::kIdent && !IsKeyword(token.text)) {
      return Node(RuleExpr::Kind::kField, Next().text);
    }
    if (token.kind == Token::Kind::kString || token.kind == Token::Kind::kNumber ||
        PeekIs(Token::Kind::kIdent, "true") || PeekIs(Token::Kind::kIdent, "false")) {
      return ParseLiteral();
    }
    std::string where = after.empty() ? "" : fmt::format(" after '{}'", after);
    return SyntaxError(
        token.column, fmt::format("expected a field or value{}, found {}", where, Describe(token)));
  }

  // Nesting bound, so a pathological rule cannot exhaust the stack; real rules nest 2-3 deep.
  static constexpr int kMaxDepth = 32;
  static std::unexpected<Error> TooDeep(size_t column) {
    return SyntaxError(column, fmt::format("nested more than {} levels deep", kMaxDepth));
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kInteger: return "integer";
    case FieldType::kDecimal: return "decimal";
    case FieldType::kDate: return "date";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kCode: return "code";
    case FieldType::kGtin: return "gtin";
  }
  return "?";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (FieldType type :
       {FieldType::kString, FieldType::kInteger, FieldType::kDecimal, FieldType::kDate,
        FieldType::kBoolean, FieldType::kCode, FieldType::kGtin}) {
    if (FieldTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "==";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

Result<RuleExpr> ParseRuleExpression(std::string_view text) {
  auto tokens = Lex(text);
  if (!tokens) return std::unexpected(tokens.error());
  if (tokens->size() == 1) return InvalidArgument("the rule is empty");
  return Parser(std::move(*tokens)).ParseAll();
}

}  // namespace orp::domain
