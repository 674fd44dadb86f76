#include "orp/proms/instrument_loader.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "orp/proms/instrument_toml.h"

namespace orp::proms {
namespace {

using instrument_toml::Reader;

Result<void> ReadOptions(const Reader& r, Item& item) {
  std::vector<const toml::table*> tables;
  ORP_PROMS_ASSIGN(tables, r.Tables("options"));
  for (const toml::table* t : tables) {
    Reader option(r.source(), *t, fmt::format("item '{}'", item.code));
    ORP_RETURN_IF_ERROR(option.AllowOnly({"value", "label"}));
    std::optional<int64_t> value;
    ORP_PROMS_ASSIGN(value, option.Integer("value"));
    if (!value) return option.FailHere("an option needs an integer 'value'");
    if (item.OptionIndex(static_cast<int>(*value)) >= 0) {
      return option.FailHere(fmt::format("option value {} repeated", *value));
    }
    ResponseOption& added = item.options.emplace_back();
    added.value = static_cast<int>(*value);
    ORP_PROMS_ASSIGN(added.label, option.String("label", true));
  }
  return {};
}

Result<void> ReadRange(const Reader& r, Item& item) {
  std::optional<int64_t> min, max;
  ORP_PROMS_ASSIGN(min, r.Integer("min"));
  ORP_PROMS_ASSIGN(max, r.Integer("max"));
  if (item.IsChoice()) {
    if (min || max) return r.FailHere("a choice item takes 'options' or 'min'/'max', not both");
    auto [lo, hi] = std::minmax_element(item.options.begin(), item.options.end(),
                                        [](auto& a, auto& b) { return a.value < b.value; });
    item.min = lo->value;
    item.max = hi->value;
    return {};
  }
  if (!min || !max) return r.FailHere("an item needs 'options', or 'min' and 'max' for a scale");
  if (*min >= *max || *min < -1000 || *max > 1000) {
    return r.FailHere(
        fmt::format("scale {}..{} must have min < max, within -1000..1000", *min, *max));
  }
  item.min = static_cast<int>(*min);
  item.max = static_cast<int>(*max);
  ORP_PROMS_ASSIGN(item.min_label, r.String("min_label", false));
  ORP_PROMS_ASSIGN(item.max_label, r.String("max_label", false));
  return {};
}

Result<void> ReadItems(const Reader& root, Instrument& instrument) {
  std::vector<const toml::table*> tables;
  ORP_PROMS_ASSIGN(tables, root.Tables("items"));
  if (tables.empty()) return root.FailHere("an instrument needs at least one [[items]]");
  for (const toml::table* t : tables) {
    Reader r(root.source(), *t, "item");
    ORP_RETURN_IF_ERROR(r.AllowOnly(
        {"code", "text", "options", "min", "max", "min_label", "max_label", "optional"}));
    Item item;
    ORP_PROMS_ASSIGN(item.code, r.String("code", true));
    if (!instrument_toml::IsSnakeCase(item.code)) {
      return r.Fail(*r.Get("code"), fmt::format("code '{}' is not snake_case", item.code));
    }
    if (instrument.FindItem(item.code) != nullptr) {
      return r.Fail(*r.Get("code"), fmt::format("code '{}' repeated", item.code));
    }
    Reader named = r.Renamed(fmt::format("item '{}'", item.code));
    ORP_PROMS_ASSIGN(item.text, named.String("text", true));
    ORP_PROMS_ASSIGN(item.optional, named.Bool("optional", false));
    ORP_RETURN_IF_ERROR(ReadOptions(named, item));
    ORP_RETURN_IF_ERROR(ReadRange(named, item));
    instrument.items.push_back(std::move(item));
  }
  return {};
}

Result<void> ReadDecrements(const Reader& r, const Instrument& instrument, ValueSet& set) {
  const toml::node* node = r.Get("decrements");
  if (node == nullptr || !node->is_table()) {
    return r.FailHere("a value set needs a [value_sets.decrements] table: item = [one per option]");
  }
  for (auto&& [key, value] : *node->as_table()) {
    const Item* item = instrument.FindItem(key.str());
    if (item == nullptr || !item->IsChoice()) {
      return r.Fail(value,
                    fmt::format("decrements name '{}', which is not a choice item", key.str()));
    }
    ValueSet::ItemDecrements& d = set.decrements.emplace_back();
    d.item = std::string(key.str());
    ORP_PROMS_ASSIGN(d.by_option, r.Numbers(key.str(), value));
    if (d.by_option.size() != item->options.size()) {
      return r.Fail(value, fmt::format("decrements for '{}' list {} numbers; the item has {} "
                                       "options",
                                       d.item, d.by_option.size(), item->options.size()));
    }
  }
  return {};
}

Result<void> ReadAnyAt(const Reader& r, ValueSet& set) {
  std::vector<const toml::table*> tables;
  ORP_PROMS_ASSIGN(tables, r.Tables("any_at"));
  for (const toml::table* t : tables) {
    Reader a(r.source(), *t, fmt::format("value set '{}' any_at", set.code));
    ORP_RETURN_IF_ERROR(a.AllowOnly({"option", "decrement"}));
    std::optional<int64_t> option;
    std::optional<double> decrement;
    ORP_PROMS_ASSIGN(option, a.Integer("option"));
    ORP_PROMS_ASSIGN(decrement, a.Number("decrement"));
    if (!option || *option < 1 || !decrement) {
      return a.FailHere("needs 'option' (1 = the first option listed) and 'decrement'");
    }
    set.any_at.push_back({static_cast<int>(*option - 1), *decrement});
  }
  return {};
}

Result<void> ReadValueSets(const Reader& root, Instrument& instrument) {
  std::vector<const toml::table*> tables;
  ORP_PROMS_ASSIGN(tables, root.Tables("value_sets"));
  for (const toml::table* t : tables) {
    Reader r(root.source(), *t, "value set");
    ORP_RETURN_IF_ERROR(
        r.AllowOnly({"code", "label", "full_health", "constant", "decrements", "any_at"}));
    ValueSet set;
    ORP_PROMS_ASSIGN(set.code, r.String("code", true));
    if (instrument.FindValueSet(set.code) != nullptr) {
      return r.Fail(*r.Get("code"), fmt::format("code '{}' repeated", set.code));
    }
    Reader named = r.Renamed(fmt::format("value set '{}'", set.code));
    ORP_PROMS_ASSIGN(set.label, named.String("label", false));
    std::optional<double> number;
    ORP_PROMS_ASSIGN(number, named.Number("full_health"));
    set.full_health = number.value_or(1.0);
    ORP_PROMS_ASSIGN(number, named.Number("constant"));
    set.constant = number.value_or(0.0);
    ORP_RETURN_IF_ERROR(ReadDecrements(named, instrument, set));
    ORP_RETURN_IF_ERROR(ReadAnyAt(named, set));
    instrument.value_sets.push_back(std::move(set));
  }
  return {};
}

}  // namespace

Result<Instrument> ParseInstrument(std::string_view toml_text, const std::string& source_name) {
  toml::table table;
  try {  // toml++ is built with exceptions; they stop here
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format(
        "{}:{}: {}", source_name, std::max<uint32_t>(e.source().begin.line, 1), e.description()));
  }
  Reader root(source_name, table, "");
  ORP_RETURN_IF_ERROR(root.AllowOnly(
      {"code", "name", "version", "kind", "licence", "items", "scores", "value_sets"}));
  Instrument instrument;
  instrument.source = source_name;
  ORP_PROMS_ASSIGN(instrument.code, root.String("code", true));
  if (!instrument_toml::IsInstrumentCode(instrument.code)) {
    return root.Fail(*root.Get("code"),
                     fmt::format("code '{}' must be 2-32 of A-Z, 0-9 and '-', starting with a "
                                 "letter",
                                 instrument.code));
  }
  ORP_PROMS_ASSIGN(instrument.name, root.String("name", true));
  ORP_PROMS_ASSIGN(instrument.version, root.String("version", true));
  ORP_PROMS_ASSIGN(instrument.licence, root.String("licence", true));
  std::string kind;
  ORP_PROMS_ASSIGN(kind, root.Word("kind", {"prom", "prem"}, "prom"));
  instrument.kind = kind == "prem" ? InstrumentKind::kPrem : InstrumentKind::kProm;
  ORP_RETURN_IF_ERROR(ReadItems(root, instrument));
  ORP_RETURN_IF_ERROR(ReadValueSets(root, instrument));
  ORP_RETURN_IF_ERROR(instrument_toml::ReadScores(root, instrument));
  return instrument;
}

Result<Instrument> LoadInstrumentFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: cannot open instrument definition", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return ParseInstrument(text.str(), file.string());
}

Result<InstrumentSet> LoadInstruments(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    auto one = LoadInstrumentFile(path);
    if (!one) return std::unexpected(one.error());
    std::vector<Instrument> list;
    list.push_back(std::move(*one));
    return InstrumentSet::Create(std::move(list));
  }
  if (!std::filesystem::is_directory(path, ec)) {
    return NotFound(fmt::format("{}: no such instrument file or directory", path.string()));
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry);
  }
  if (files.empty()) return NotFound(fmt::format("{}: holds no *.toml instrument", path.string()));
  std::sort(files.begin(), files.end());
  std::vector<Instrument> list;
  for (const auto& file : files) {
    auto one = LoadInstrumentFile(file);
    if (!one) return std::unexpected(one.error());
    list.push_back(std::move(*one));
  }
  return InstrumentSet::Create(std::move(list));
}

Result<InstrumentSet> InstrumentSet::Create(std::vector<Instrument> instruments) {
  std::sort(instruments.begin(), instruments.end(),
            [](const Instrument& a, const Instrument& b) { return a.code < b.code; });
  for (size_t i = 1; i < instruments.size(); ++i) {
    if (instruments[i].code == instruments[i - 1].code) {
      return InvalidArgument(fmt::format("instrument code '{}' is defined by both {} and {}",
                                         instruments[i].code, instruments[i - 1].source,
                                         instruments[i].source));
    }
  }
  return InstrumentSet(std::make_shared<const std::vector<Instrument>>(std::move(instruments)));
}

const Instrument* InstrumentSet::Find(std::string_view code) const {
  if (!instruments_) return nullptr;
  auto it = std::lower_bound(instruments_->begin(), instruments_->end(), code,
                             [](const Instrument& a, std::string_view c) { return a.code < c; });
  return it != instruments_->end() && it->code == code ? &*it : nullptr;
}

std::span<const Instrument> InstrumentSet::instruments() const {
  if (!instruments_) return {};
  return *instruments_;
}

}  // namespace orp::proms
