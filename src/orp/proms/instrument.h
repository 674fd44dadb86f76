// A PROM or PREM questionnaire as data: its items, their response options, how it is scored
// and what to do when items are missing (format: docs/proms-instruments.md).
//
// An Instrument is built only by the loader (instrument_loader.h), which checks every invariant
// below, so code that scores or displays one may rely on them:
//   - item codes are unique snake_case; each item is either a choice (options with unique
//     integer values) or a scale (an integer range min..max);
//   - every score names existing items; a sum's declared range equals the range its items
//     allow; an index names a value set with one decrement per option of each of its items;
//   - max_missing < the number of items a score uses.
// Plain values; safe to share read-only between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orp::proms {

enum class InstrumentKind { kProm, kPrem };  // "prom" | "prem"

// What a score does with unanswered items. kNotScoreable: any missing item above max_missing
// leaves the score empty. kMeanOfAnswered: up to max_missing missing items each count as the
// mean of the answered items of the score (the Oxford scores' own rule when it is adopted).
enum class MissingRule { kNotScoreable, kMeanOfAnswered };  // "not_scoreable" | "mean_of_answered"
enum class ScoreMethod { kSum, kIndex };                    // "sum" | "index"

struct ResponseOption {
  int value = 0;
  std::string label;
};

struct Item {
  std::string code;
  std::string text;
  std::vector<ResponseOption> options;  // a choice item; empty for a scale
  int min = 0;                          // the smallest allowed value (choice: of the options)
  int max = 0;                          // the largest allowed value
  std::string min_label;                // scale anchors, e.g. "No pain"
  std::string max_label;
  bool optional = false;  // may be left blank without counting as missing (free comments)

  bool IsChoice() const { return !options.empty(); }
  // True when `value` is one of the options (choice) or within min..max (scale).
  bool Allows(int value) const;
  // The position of `value` among the options; -1 when it is not one (choice items only).
  int OptionIndex(int value) const;
};

// A weighted index (EQ-5D style): value = full_health - (constant, when any item is not at its
// first option) - sum of the decrement of each item's chosen option - each `any_at` decrement
// whose option position some item reaches. Decrements are indexed by option position.
struct ValueSet {
  struct ItemDecrements {
    std::string item;
    std::vector<double> by_option;  // one per option of the item, in the order listed
  };
  struct AnyAt {
    int option_position = 0;  // 0-based position in the options list
    double decrement = 0;
  };
  std::string code;
  std::string label;
  double full_health = 1.0;
  double constant = 0.0;
  std::vector<ItemDecrements> decrements;
  std::vector<AnyAt> any_at;
};

struct ScoreDefinition {
  std::string code;
  std::string label;
  ScoreMethod method = ScoreMethod::kSum;
  std::vector<std::string> items;  // the items the score uses (a subscale names a subset)
  double min = 0;                  // the range a valid score lies in
  double max = 0;
  bool higher_is_better = true;
  MissingRule missing = MissingRule::kNotScoreable;
  int max_missing = 0;
  std::string value_set;  // kIndex only
};

struct Instrument {
  std::string code;  // what registry definitions name, e.g. "PAIN-NRS"
  std::string name;
  std::string version;
  InstrumentKind kind = InstrumentKind::kProm;
  std::string licence;  // who owns the wording and on what terms; shown to administrators
  std::vector<Item> items;
  std::vector<ScoreDefinition> scores;
  std::vector<ValueSet> value_sets;
  std::string source;  // the file it was loaded from

  const Item* FindItem(std::string_view code) const;
  int ItemIndex(std::string_view code) const;  // -1 when absent
  const ScoreDefinition* FindScore(std::string_view code) const;
  const ValueSet* FindValueSet(std::string_view code) const;
};

}  // namespace orp::proms
