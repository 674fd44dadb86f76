// [[scores]] of an instrument definition, checked against its items and value sets.
#include <cmath>

#include "orp/proms/instrument_toml.h"
#include "orp/proms/scoring.h"

namespace orp::proms::instrument_toml {
namespace {

constexpr double kRangeTolerance = 1e-6;
constexpr double kMaxIndexStates = 1e6;

Result<void> ReadScoreItems(const Reader& r, const Instrument& instrument, ScoreDefinition& score) {
  ORP_PROMS_ASSIGN(score.items, r.Strings("items"));
  if (r.Get("items") == nullptr) {
    for (const Item& item : instrument.items) {
      if (!item.optional) score.items.push_back(item.code);
    }
  }
  if (score.items.empty()) return r.FailHere("a score needs at least one item");
  // Without 'items' the score took every required item; point at the score then.
  auto fail = [&](std::string message) {
    return r.Get("items") ? r.Fail(*r.Get("items"), message) : r.FailHere(message);
  };
  for (size_t i = 0; i < score.items.size(); ++i) {
    const Item* item = instrument.FindItem(score.items[i]);
    if (item == nullptr) {
      return fail(fmt::format("no item '{}'", score.items[i]));
    }
    if (std::find(score.items.begin(), score.items.begin() + i, score.items[i]) !=
        score.items.begin() + i) {
      return fail(fmt::format("item '{}' listed twice", score.items[i]));
    }
    if (score.method == ScoreMethod::kIndex && !item->IsChoice()) {
      return fail(fmt::format("an index scores choice items; '{}' is a scale", item->code));
    }
  }
  return {};
}

Result<void> ReadMissingRule(const Reader& r, ScoreDefinition& score) {
  std::string rule;
  ORP_PROMS_ASSIGN(rule, r.Word("missing", {"not_scoreable", "mean_of_answered"}, "not_scoreable"));
  score.missing =
      rule == "mean_of_answered" ? MissingRule::kMeanOfAnswered : MissingRule::kNotScoreable;
  std::optional<int64_t> max_missing;
  ORP_PROMS_ASSIGN(max_missing, r.Integer("max_missing"));
  score.max_missing = static_cast<int>(max_missing.value_or(0));
  if (score.missing == MissingRule::kNotScoreable && max_missing) {
    return r.Fail(*r.Get("max_missing"), "'max_missing' needs missing = \"mean_of_answered\"");
  }
  if (score.missing == MissingRule::kMeanOfAnswered) {
    if (score.method == ScoreMethod::kIndex) {
      return r.Fail(*r.Get("missing"), "an index cannot impute missing items");
    }
    if (score.max_missing < 1 || score.max_missing >= static_cast<int>(score.items.size())) {
      return r.FailHere(fmt::format("'max_missing' must be 1..{} (fewer than the score's items)",
                                    score.items.size() - 1));
    }
  }
  return {};
}

Result<void> ReadValueSetName(const Reader& r, const Instrument& instrument,
                              ScoreDefinition& score) {
  ORP_PROMS_ASSIGN(score.value_set, r.String("value_set", score.method == ScoreMethod::kIndex));
  if (score.method == ScoreMethod::kSum) {
    if (r.Get("value_set")) return r.Fail(*r.Get("value_set"), "only an index takes a value_set");
    return {};
  }
  const ValueSet* set = instrument.FindValueSet(score.value_set);
  if (set == nullptr) {
    return r.Fail(*r.Get("value_set"), fmt::format("no value set '{}'", score.value_set));
  }
  double states = 1;
  for (const std::string& code : score.items) {
    const Item* item = instrument.FindItem(code);
    states *= static_cast<double>(item->options.size());
    bool weighted = std::any_of(set->decrements.begin(), set->decrements.end(),
                                [&](auto& d) { return d.item == code; });
    if (!weighted) {
      return r.Fail(*r.Get("value_set"),
                    fmt::format("value set '{}' has no decrements for item '{}'", set->code, code));
    }
  }
  if (states > kMaxIndexStates) return r.FailHere("an index over more than 10^6 states");
  return {};
}

// A declared range must be the range the items produce: a typo in an option value or a
// decrement then shows at load time instead of in published scores.
Result<void> ReadRange(const Reader& r, const Instrument& instrument, ScoreDefinition& score) {
  auto [lo, hi] = ScoreRange(instrument, score);
  score.min = lo;
  score.max = hi;
  const toml::node* node = r.Get("range");
  if (node == nullptr) return {};
  std::vector<double> range;
  ORP_PROMS_ASSIGN(range, r.Numbers("range", *node));
  if (range.size() != 2) return r.Fail(*node, "'range' must be [lowest, highest]");
  if (std::abs(range[0] - lo) > kRangeTolerance || std::abs(range[1] - hi) > kRangeTolerance) {
    return r.Fail(*node, fmt::format("declared range [{}, {}] but the items give [{:.6g}, {:.6g}]",
                                     range[0], range[1], lo, hi));
  }
  return {};
}

}  // namespace

Result<void> ReadScores(const Reader& root, Instrument& instrument) {
  std::vector<const toml::table*> tables;
  ORP_PROMS_ASSIGN(tables, root.Tables("scores"));
  if (tables.empty()) return root.FailHere("an instrument needs at least one [[scores]]");
  for (const toml::table* t : tables) {
    Reader first(root.source(), *t, "score");
    ORP_RETURN_IF_ERROR(
        first.AllowOnly({"code", "label", "method", "items", "range", "higher_is_better", "missing",
                         "max_missing", "value_set"}));
    ScoreDefinition score;
    ORP_PROMS_ASSIGN(score.code, first.String("code", true));
    if (!IsSnakeCase(score.code) || instrument.FindScore(score.code) != nullptr) {
      return first.Fail(*first.Get("code"),
                        fmt::format("code '{}' is repeated or not snake_case", score.code));
    }
    Reader r = first.Renamed(fmt::format("score '{}'", score.code));
    ORP_PROMS_ASSIGN(score.label, r.String("label", true));
    std::string method;
    ORP_PROMS_ASSIGN(method, r.Word("method", {"sum", "index"}, "sum"));
    score.method = method == "index" ? ScoreMethod::kIndex : ScoreMethod::kSum;
    ORP_PROMS_ASSIGN(score.higher_is_better, r.Bool("higher_is_better", true));
    ORP_RETURN_IF_ERROR(ReadScoreItems(r, instrument, score));
    ORP_RETURN_IF_ERROR(ReadMissingRule(r, score));
    ORP_RETURN_IF_ERROR(ReadValueSetName(r, instrument, score));
    ORP_RETURN_IF_ERROR(ReadRange(r, instrument, score));
    instrument.scores.push_back(std::move(score));
  }
  return {};
}

}  // namespace orp::proms::instrument_toml
