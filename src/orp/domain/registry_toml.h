// Internal to the registry loader (registry_loader*.cc): reading TOML tables with file:line
// messages. The only header that includes toml++; never include it from anywhere else.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/opcs4_code.h"
#include "orp/domain/registry_definition.h"
#include "orp/domain/snomed_ct_id.h"

namespace orp::domain::registry_toml {

// Assigns the value of a Result-returning expression to `target`, or returns its error.
#define ORP_TOML_ASSIGN(target, expr)                              \
  do {                                                             \
    auto orp_result_ = (expr);                                     \
    if (!orp_result_) return std::unexpected(orp_result_.error()); \
    target = std::move(*orp_result_);                              \
  } while (false)

// Where a message points: the source file and a line.
class Context {
 public:
  explicit Context(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  std::unexpected<Error> Fail(const toml::node& at, std::string_view message) const {
    return FailAt(at.source().begin.line, message);
  }
  std::unexpected<Error> FailAt(uint32_t line, std::string_view message) const {
    return InvalidArgument(fmt::format("{}:{}: {}", source_, std::max<uint32_t>(line, 1), message));
  }

 private:
  std::string source_;
};

inline std::string_view TypeWord(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

// Reads the keys of one table; `what` names the table in messages ("field 'bmi'").
class Reader {
 public:
  Reader(const Context& ctx, const toml::table& table, std::string what)
      : ctx_(ctx), table_(table), what_(std::move(what)) {}

  const toml::table& table() const { return table_; }
  // The same table, named differently in messages (once its id is known).
  Reader Renamed(std::string what) const { return Reader(ctx_, table_, std::move(what)); }
  const std::string& what() const { return what_; }
  uint32_t line() const { return table_.source().begin.line; }

  std::unexpected<Error> Fail(const toml::node& at, std::string_view message) const {
    return ctx_.Fail(at, Prefixed(message));
  }
  std::unexpected<Error> FailHere(std::string_view message) const {
    return ctx_.FailAt(line(), Prefixed(message));
  }

  Result<void> AllowOnly(std::initializer_list<std::string_view> keys) const {
    for (auto&& [key, node] : table_) {
      if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
      return ctx_.FailAt(key.source().begin.line,
                         Prefixed(fmt::format("unknown key '{}' (allowed: {})", key.str(),
                                              fmt::join(keys, ", "))));
    }
    return {};
  }

  const toml::node* Get(std::string_view key) const { return table_.get(key); }

  Result<std::string> String(std::string_view key, bool required) const {
    const toml::node* node = Get(key);
    if (node == nullptr) {
      if (required) return FailHere(fmt::format("missing required key '{}'", key));
      return std::string();
    }
    if (!node->is_string()) return WrongType(*node, key, "a string");
    return node->as_string()->get();
  }

  Result<bool> Bool(std::string_view key, bool fallback) const {
    const toml::node* node = Get(key);
    if (node == nullptr) return fallback;
    if (!node->is_boolean()) return WrongType(*node, key, "true or false");
    return node->as_boolean()->get();
  }

  Result<std::optional<double>> Number(std::string_view key) const {
    const toml::node* node = Get(key);
    if (node == nullptr) return std::optional<double>();
    if (node->is_integer()) return std::optional<double>(double(node->as_integer()->get()));
    if (node->is_floating_point()) return std::optional<double>(node->as_floating_point()->get());
    return WrongType(*node, key, "a number");
  }

  Result<std::optional<int64_t>> Integer(std::string_view key) const {
    const toml::node* node = Get(key);
    if (node == nullptr) return std::optional<int64_t>();
    if (!node->is_integer()) return WrongType(*node, key, "an integer");
    return std::optional<int64_t>(node->as_integer()->get());
  }

  Result<std::vector<std::string>> Strings(std::string_view key, bool required) const {
    const toml::node* node = Get(key);
    std::vector<std::string> out;
    if (node == nullptr) {
      if (required) return FailHere(fmt::format("missing required key '{}'", key));
      return out;
    }
    if (!node->is_array()) return WrongType(*node, key, "an array of strings");
    for (const toml::node& item : *node->as_array()) {
      if (!item.is_string()) return WrongType(item, key, "an array of strings");
      out.push_back(item.as_string()->get());
    }
    if (required && out.empty()) return Fail(*node, fmt::format("'{}' must not be empty", key));
    return out;
  }

  // An enum word; `fallback` nullopt means the key is required.
  template <typename E>
  Result<E> Enum(std::string_view key, std::optional<E> fallback) const {
    const toml::node* node = Get(key);
    if (node == nullptr) {
      if (fallback) return *fallback;
      return FailHere(fmt::format("missing required key '{}'", key));
    }
    if (!node->is_string()) return WrongType(*node, key, "a string");
    return ParseWord<E>(*node, key, node->as_string()->get());
  }

  template <typename E>
  Result<std::vector<E>> Enums(std::string_view key) const {
    auto words = Strings(key, false);
    if (!words) return std::unexpected(words.error());
    std::vector<E> out;
    for (const std::string& word : *words) {
      auto value = ParseWord<E>(*Get(key), key, word);
      if (!value) return std::unexpected(value.error());
      if (std::find(out.begin(), out.end(), *value) != out.end()) {
        return Fail(*Get(key), fmt::format("'{}' lists '{}' twice", key, word));
      }
      out.push_back(*value);
    }
    return out;
  }

  // The tables of an array of tables ([[key]]); empty when absent.
  Result<std::vector<const toml::table*>> Tables(std::string_view key) const {
    std::vector<const toml::table*> out;
    const toml::node* node = Get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr)
      return WrongType(*node, key, "an array of tables ([[" + std::string(key) + "]])");
    for (const toml::node& item : *array) {
      if (!item.is_table()) return WrongType(item, key, "an array of tables");
      out.push_back(item.as_table());
    }
    return out;
  }

  Result<const toml::table*> SubTable(std::string_view key, bool required) const {
    const toml::node* node = Get(key);
    if (node == nullptr) {
      if (required) return FailHere(fmt::format("missing required table [{}]", key));
      return nullptr;
    }
    if (!node->is_table()) return WrongType(*node, key, "a table");
    return node->as_table();
  }

  // Parses a rule expression held in `key`; nullopt when absent and not required.
  Result<std::optional<RuleExpr>> Rule(std::string_view key, bool required,
                                       std::string* text) const {
    auto value = String(key, required);
    if (!value) return std::unexpected(value.error());
    *text = *value;
    if (Get(key) == nullptr) return std::optional<RuleExpr>();
    auto expr = ParseRuleExpression(*value);
    if (!expr) return Fail(*Get(key), fmt::format("{}: {}", key, expr.error().message()));
    return std::optional<RuleExpr>(std::move(*expr));
  }

 private:
  std::string Prefixed(std::string_view message) const {
    return what_.empty() ? std::string(message) : fmt::format("{}: {}", what_, message);
  }

  std::unexpected<Error> WrongType(const toml::node& node, std::string_view key,
                                   std::string_view want) const {
    return Fail(node, fmt::format("'{}' must be {}, found {}", key, want, TypeWord(node)));
  }

  template <typename E>
  Result<E> ParseWord(const toml::node& at, std::string_view key, std::string_view word) const {
    if (auto value = ParseEnumName<E>(word)) return *value;
    std::vector<std::string_view> names;
    for (const EnumEntry<E>& entry : EnumEntries<E>()) names.push_back(entry.name);
    return Fail(
        at, fmt::format("'{}' must be one of {}; found '{}'", key, fmt::join(names, ", "), word));
  }

  const Context& ctx_;
  const toml::table& table_;
  std::string what_;
};

// Codes are validated by the identifier types and stored in canonical form: OPCS-4 dotted
// ("B30.1"); SNOMED CT as digits, and only concept ids (a description or relationship id in a
// definition is a mistake).
inline Result<std::string> CanonicalOpcs4(std::string_view text) {
  auto code = Opcs4Code::Parse(text);
  if (!code) return std::unexpected(code.error());
  return code->code();
}

inline Result<std::string> CanonicalSnomedCt(std::string_view text) {
  auto id = SnomedCtId::Parse(text);
  if (!id) return std::unexpected(id.error());
  if (!id->IsConcept()) {
    return InvalidArgument(fmt::format("SNOMED CT id {} is not a concept id (partition {:02d})",
                                       id->ToString(), id->partition()));
  }
  return id->ToString();
}

inline bool IsSnakeCase(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

inline bool IsRegistryCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 16 || code[0] < 'A' || code[0] > 'Z') return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

inline Result<void> CheckName(const Reader& r, std::string_view key, std::string_view value) {
  if (IsSnakeCase(value)) return {};
  return r.Fail(*r.Get(key), fmt::format("'{}' is not snake_case (a-z, 0-9, _; starting "
                                         "with a letter)",
                                         value));
}

inline Result<std::vector<std::string>> ReadOpcs(const Reader& r, std::string_view key) {
  auto codes = r.Strings(key, false);
  if (!codes) return codes;
  for (std::string& code : *codes) {
    auto canonical = CanonicalOpcs4(code);
    if (!canonical) return r.Fail(*r.Get(key), canonical.error().message());
    code = *canonical;
  }
  return codes;
}

inline Result<std::string> ReadSnomed(const Reader& r, std::string_view key) {
  auto code = r.String(key, false);
  if (!code || code->empty()) return code;
  auto canonical = CanonicalSnomedCt(*code);
  if (!canonical) return r.Fail(*r.Get(key), canonical.error().message());
  return canonical;
}

inline Result<std::vector<std::string>> ReadSnomedList(const Reader& r, std::string_view key) {
  auto codes = r.Strings(key, false);
  if (!codes) return codes;
  for (std::string& code : *codes) {
    auto canonical = CanonicalSnomedCt(code);
    if (!canonical) return r.Fail(*r.Get(key), canonical.error().message());
    code = *canonical;
  }
  return codes;
}

// Fails when `code` was seen before in this list; `seen` collects them.
inline Result<void> Unique(const Reader& r, std::string_view key, const std::string& code,
                           std::set<std::string>& seen, std::string_view what) {
  if (seen.insert(code).second) return {};
  return r.Fail(*r.Get(key), fmt::format("{} '{}' repeated", what, code));
}

// Reads [[rules]], [[compatibility]], [[follow_up]], [[outcomes]] and checks the references
// between sections (registry_loader_rules.cc). Needs fields and devices read first.
Result<void> ReadRulesAndSchedules(const Context& ctx, const toml::table& root,
                                   RegistryDefinition& def);

}  // namespace orp::domain::registry_toml
