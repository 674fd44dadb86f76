// Scoring one completed questionnaire: pure functions of an Instrument and the answers.
//
// Answers map item codes to the integer value chosen (a choice item's option value, a scale's
// number); an absent item is unanswered. CheckAnswers refuses what no patient could have
// answered (an unknown item, a value that is not an option or outside the scale) with
// kInvalidArgument naming the item, the value and what is allowed. Scoring never fails on
// missing items: a score that the instrument's missing rule cannot rescue comes back empty with
// the reason, because an unscoreable questionnaire is data (it counts in response rates).
//
// Method, for a score over items I with n = |I| and m of them unanswered:
//   sum:   m = 0 -> sum of the values; 0 < m <= max_missing under mean_of_answered ->
//          sum of the answered values * n / (n - m) (each missing item counts as the mean of the
//          answered ones); otherwise empty.
//   index: any missing item -> empty; else full_health - constant (when some item is not at its
//          first option) - sum of the chosen options' decrements - each any_at decrement whose
//          option position some item reaches.
// Thread safety: pure functions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orp/core/result.h"
#include "orp/proms/instrument.h"

namespace orp::proms {

using Answers = std::map<std::string, int, std::less<>>;

struct ScoreResult {
  std::string code;
  std::optional<double> value;  // empty when not scoreable
  int missing = 0;              // unanswered items the score uses
  bool imputed = false;         // some missing items were filled by the missing rule
  std::string reason;           // why it is empty, for people ("3 of 12 items missing; at most 2")
};

Result<void> CheckAnswers(const Instrument& instrument, const Answers& answers);

// Every score of the instrument, in definition order. kInvalidArgument as CheckAnswers.
Result<std::vector<ScoreResult>> ScoreAnswers(const Instrument& instrument, const Answers& answers);

// One score; `answers` must have passed CheckAnswers.
ScoreResult ComputeScore(const Instrument& instrument, const ScoreDefinition& score,
                         const Answers& answers);

// The smallest and largest value a score can take (the loader checks declared ranges against
// it). An index is evaluated over every state of its items (the loader caps that at 10^6).
std::pair<double, double> ScoreRange(const Instrument& instrument, const ScoreDefinition& score);

}  // namespace orp::proms
