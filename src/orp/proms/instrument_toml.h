// Internal to instrument_loader*.cc: reading TOML tables with FILE:LINE messages. The only
// proms header that includes toml++; never include it from anywhere else.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/proms/instrument.h"

namespace orp::proms::instrument_toml {

#define ORP_PROMS_ASSIGN(target, expr)                             \
  do {                                                             \
    auto orp_result_ = (expr);                                     \
    if (!orp_result_) return std::unexpected(orp_result_.error()); \
    target = std::move(*orp_result_);                              \
  } while (false)

inline uint32_t LineOf(const toml::node& node) {
  return std::max<uint32_t>(node.source().begin.line, 1);
}

// Reads the keys of one table; `what` names it in messages ("item 'pain'").
class Reader {
 public:
  Reader(const std::string& source, const toml::table& table, std::string what)
      : source_(source), table_(table), what_(std::move(what)) {}

  const toml::table& table() const { return table_; }
  const std::string& source() const { return source_; }
  Reader Renamed(std::string what) const { return Reader(source_, table_, std::move(what)); }
  const toml::node* Get(std::string_view key) const { return table_.get(key); }

  std::unexpected<Error> FailAt(uint32_t line, std::string_view message) const {
    std::string where =
        what_.empty() ? std::string(message) : fmt::format("{}: {}", what_, message);
    return InvalidArgument(fmt::format("{}:{}: {}", source_, std::max<uint32_t>(line, 1), where));
  }
  std::unexpected<Error> Fail(const toml::node& at, std::string_view message) const {
    return FailAt(LineOf(at), message);
  }
  std::unexpected<Error> FailHere(std::string_view message) const {
    return FailAt(table_.source().begin.line, message);
  }

  Result<void> AllowOnly(std::initializer_list<std::string_view> keys) const {
    for (auto&& [key, node] : table_) {
      if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
      return FailAt(key.source().begin.line, fmt::format("unknown key '{}' (allowed: {})",
                                                         key.str(), fmt::join(keys, ", ")));
    }
    return {};
  }

  Result<std::string> String(std::string_view key, bool required) const {
    const toml::node* node = Get(key);
    if (node == nullptr) {
      if (required) return FailHere(fmt::format("missing required key '{}'", key));
      return std::string();
    }
    if (!node->is_string()) return Fail(*node, fmt::format("'{}' must be a string", key));
    return node->as_string()->get();
  }

  Result<bool> Bool(std::string_view key, bool fallback) const {
    const toml::node* node = Get(key);
    if (node == nullptr) return fallback;
    if (!node->is_boolean()) return Fail(*node, fmt::format("'{}' must be true or false", key));
    return node->as_boolean()->get();
  }

  Result<std::optional<int64_t>> Integer(std::string_view key) const {
    const toml::node* node = Get(key);
    if (node == nullptr) return std::optional<int64_t>();
    if (!node->is_integer()) return Fail(*node, fmt::format("'{}' must be an integer", key));
    return std::optional<int64_t>(node->as_integer()->get());
  }

  Result<std::optional<double>> Number(std::string_view key) const {
    const toml::node* node = Get(key);
    if (node == nullptr) return std::optional<double>();
    auto value = AsNumber(*node);
    if (!value) return Fail(*node, fmt::format("'{}' must be a number", key));
    return value;
  }

  Result<std::vector<std::string>> Strings(std::string_view key) const {
    std::vector<std::string> out;
    const toml::node* node = Get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) return Fail(*node, fmt::format("'{}' must be an array of strings", key));
    for (const toml::node& item : *array) {
      if (!item.is_string()) return Fail(item, fmt::format("'{}' must hold strings", key));
      out.push_back(item.as_string()->get());
    }
    return out;
  }

  Result<std::vector<double>> Numbers(std::string_view key, const toml::node& node) const {
    std::vector<double> out;
    const toml::array* array = node.as_array();
    if (array == nullptr) return Fail(node, fmt::format("'{}' must be an array of numbers", key));
    for (const toml::node& item : *array) {
      auto value = AsNumber(item);
      if (!value) return Fail(item, fmt::format("'{}' must hold numbers", key));
      out.push_back(*value);
    }
    return out;
  }

  // The tables of an array of tables ([[key]] or [{...}, ...]); empty when absent.
  Result<std::vector<const toml::table*>> Tables(std::string_view key) const {
    std::vector<const toml::table*> out;
    const toml::node* node = Get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) return Fail(*node, fmt::format("'{}' must be an array of tables", key));
    for (const toml::node& item : *array) {
      if (!item.is_table()) return Fail(item, fmt::format("'{}' must hold tables", key));
      out.push_back(item.as_table());
    }
    return out;
  }

  // A word from `words`; `fallback` empty means required.
  Result<std::string> Word(std::string_view key, std::initializer_list<std::string_view> words,
                           std::string_view fallback) const {
    auto value = String(key, fallback.empty());
    if (!value) return value;
    if (Get(key) == nullptr) return std::string(fallback);
    if (std::find(words.begin(), words.end(), *value) != words.end()) return value;
    return Fail(*Get(key), fmt::format("'{}' must be one of {}; found '{}'", key,
                                       fmt::join(words, ", "), *value));
  }

 private:
  static std::optional<double> AsNumber(const toml::node& node) {
    if (node.is_integer()) return static_cast<double>(node.as_integer()->get());
    if (node.is_floating_point()) return node.as_floating_point()->get();
    return std::nullopt;
  }

  const std::string& source_;
  const toml::table& table_;
  std::string what_;
};

inline bool IsSnakeCase(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Instrument codes: upper case letters, digits and '-', 2-32 characters ("EQ-5D-5L").
inline bool IsInstrumentCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 32 || code[0] < 'A' || code[0] > 'Z') return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Reads [[scores]] and checks them against the items and value sets read before
// (instrument_loader_scores.cc).
Result<void> ReadScores(const Reader& root, Instrument& instrument);

}  // namespace orp::proms::instrument_toml
