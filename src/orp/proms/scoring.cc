#include "orp/proms/scoring.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace orp::proms {
namespace {

// The index value of one state: positions[i] is the option position of score.items[i].
double IndexValue(const ValueSet& set, const ScoreDefinition& score,
                  const std::vector<int>& positions) {
  double value = set.full_health;
  bool not_full = false;
  int worst = 0;
  for (size_t i = 0; i < score.items.size(); ++i) {
    not_full = not_full || positions[i] > 0;
    worst = std::max(worst, positions[i]);
    for (const ValueSet::ItemDecrements& d : set.decrements) {
      if (d.item == score.items[i]) value -= d.by_option[positions[i]];
    }
  }
  if (not_full) value -= set.constant;
  for (const ValueSet::AnyAt& any : set.any_at) {
    if (worst >= any.option_position) value -= any.decrement;
  }
  return value;
}

ScoreResult SumScore(const ScoreDefinition& score, const Answers& answers, ScoreResult result) {
  double sum = 0;
  for (const std::string& code : score.items) {
    auto it = answers.find(code);
    if (it == answers.end()) {
      ++result.missing;
    } else {
      sum += it->second;
    }
  }
  const int n = static_cast<int>(score.items.size());
  if (result.missing == 0) {
    result.value = sum;
  } else if (score.missing == MissingRule::kMeanOfAnswered && result.missing <= score.max_missing) {
    result.value = sum * n / (n - result.missing);
    result.imputed = true;
  } else {
    int allowed = score.missing == MissingRule::kMeanOfAnswered ? score.max_missing : 0;
    result.reason =
        fmt::format("{} of {} items missing; at most {} may be", result.missing, n, allowed);
  }
  return result;
}

ScoreResult IndexScore(const Instrument& instrument, const ScoreDefinition& score,
                       const Answers& answers, ScoreResult result) {
  std::vector<int> positions;
  for (const std::string& code : score.items) {
    auto it = answers.find(code);
    if (it == answers.end()) {
      ++result.missing;
      continue;
    }
    positions.push_back(instrument.FindItem(code)->OptionIndex(it->second));
  }
  if (result.missing > 0) {
    result.reason = fmt::format("{} of {} items missing; an index needs every item", result.missing,
                                score.items.size());
    return result;
  }
  result.value = IndexValue(*instrument.FindValueSet(score.value_set), score, positions);
  return result;
}

}  // namespace

Result<void> CheckAnswers(const Instrument& instrument, const Answers& answers) {
  for (const auto& [code, value] : answers) {
    const Item* item = instrument.FindItem(code);
    if (item == nullptr) {
      return InvalidArgument(fmt::format("{}: no item '{}'", instrument.code, code));
    }
    if (item->Allows(value)) continue;
    if (item->IsChoice()) {
      std::string values;
      for (const ResponseOption& o : item->options) {
        values += (values.empty() ? "" : ", ") + std::to_string(o.value);
      }
      return InvalidArgument(fmt::format("{}: item '{}': {} is not an option ({})", instrument.code,
                                         code, value, values));
    }
    return InvalidArgument(fmt::format("{}: item '{}': {} is outside {}..{}", instrument.code, code,
                                       value, item->min, item->max));
  }
  return {};
}

ScoreResult ComputeScore(const Instrument& instrument, const ScoreDefinition& score,
                         const Answers& answers) {
  ScoreResult result;
  result.code = score.code;
  if (score.method == ScoreMethod::kIndex) {
    return IndexScore(instrument, score, answers, std::move(result));
  }
  return SumScore(score, answers, std::move(result));
}

Result<std::vector<ScoreResult>> ScoreAnswers(const Instrument& instrument,
                                              const Answers& answers) {
  ORP_RETURN_IF_ERROR(CheckAnswers(instrument, answers));
  std::vector<ScoreResult> out;
  for (const ScoreDefinition& score : instrument.scores) {
    out.push_back(ComputeScore(instrument, score, answers));
  }
  return out;
}

std::pair<double, double> ScoreRange(const Instrument& instrument, const ScoreDefinition& score) {
  std::vector<const Item*> items;
  for (const std::string& code : score.items) items.push_back(instrument.FindItem(code));
  if (score.method == ScoreMethod::kSum) {
    double lo = 0, hi = 0;
    for (const Item* item : items) {
      lo += item->min;
      hi += item->max;
    }
    return {lo, hi};
  }
  const ValueSet& set = *instrument.FindValueSet(score.value_set);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::vector<int> positions(items.size(), 0);
  while (true) {  // odometer over every state
    double value = IndexValue(set, score, positions);
    lo = std::min(lo, value);
    hi = std::max(hi, value);
    size_t i = 0;
    while (i < items.size() && ++positions[i] == static_cast<int>(items[i]->options.size())) {
      positions[i++] = 0;
    }
    if (i == items.size()) break;
  }
  return {lo, hi};
}

}  // namespace orp::proms
