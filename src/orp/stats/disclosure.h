// Statistical disclosure control for published outputs: the one place ORP decides what a count,
// a percentage or a simple statistic looks like for a given audience. Every output meant for a
// sub-national or public audience (registry survival reports, the API) passes through here.
//
// Rules (NHS Digital HES/ECDS methodology from September 2018; ../shared/specs/statistics.md §13):
//   - national audience: no control (policy.control_national = false, the default);
//   - counts: 0 stays 0; 1 to 7 (suppress_max) are suppressed, shown as "*"; every other count is
//     rounded to the nearest 5 (rounding_base). Integers never fall on a .5 tie when the base is
//     odd; with an even base a tie rounds up (away from zero);
//   - totals are computed from unrounded values, then controlled like any count (so published
//     rows may not add up to the published total: by design);
//   - percentages and rates of individuals are computed from the controlled numerator and
//     denominator; suppressed if either is; shown with 1 decimal place only when the controlled
//     denominator is at least 4,000 (one_decimal_min_denominator), else with none;
//   - simple statistics of individuals (mean, median, a survival estimate from few units) are
//     shown only when at least suppress_max + 1 values contribute;
//   - complex statistics (confidence intervals, standardised ratios, model outputs) are not
//     controlled, but a value derived from a suppressed count is suppressed with it (the caller
//     asks SuppressesDerived()).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::stats {

enum class Audience { kNational, kPublic };

// "national" | "public"; kInvalidArgument naming the value and the choices. "public" covers
// every sub-national audience (regions, providers, clinicians, manufacturers, the public).
Result<Audience> ParseAudience(std::string_view text);
std::string_view AudienceName(Audience audience);

struct DisclosurePolicy {
  int64_t suppress_max = 7;   // counts 1..suppress_max are suppressed
  int64_t rounding_base = 5;  // other counts are rounded to a multiple of this
  bool control_national = false;
  int64_t one_decimal_min_denominator = 4000;
};

// A count as it may be published: nullopt when suppressed.
struct ControlledCount {
  std::optional<int64_t> value;
  bool suppressed() const { return !value.has_value(); }
  // "*" when suppressed, else the number.
  std::string Text() const;
};

// Whether `audience` is controlled at all under `policy`.
bool Controls(Audience audience, const DisclosurePolicy& policy);

// The count for `audience` (unchanged when the audience is not controlled). Negative counts are
// not counts of individuals: they are returned unchanged.
ControlledCount ControlCount(int64_t count, Audience audience, const DisclosurePolicy& policy);

// Nearest multiple of `base` (ties away from zero); `base` <= 1 returns `value`.
int64_t RoundToBase(int64_t value, int64_t base);

// A percentage of individuals: 100 * numerator / denominator from the controlled counts, with
// the number of decimals the policy allows. Suppressed (nullopt value) when either count is, or
// the controlled denominator is 0.
struct ControlledPercentage {
  std::optional<double> value;
  int decimals = 1;
  std::string Text() const;  // "*" or the value with `decimals` places
};
ControlledPercentage ControlPercentage(int64_t numerator, int64_t denominator, Audience audience,
                                       const DisclosurePolicy& policy);

// True when a simple statistic over `contributing` individuals must be suppressed, and when a
// value derived from that count (an estimate whose risk set it is) must go with it.
bool SuppressesDerived(int64_t contributing, Audience audience, const DisclosurePolicy& policy);

}  // namespace orp::stats
