#include "orp/stats/disclosure.h"

#include <fmt/format.h>

namespace orp::stats {

Result<Audience> ParseAudience(std::string_view text) {
  if (text == "national") return Audience::kNational;
  if (text == "public") return Audience::kPublic;
  return InvalidArgument(
      fmt::format("audience '{}': choose national (no disclosure control) or public "
                  "(sub-national and public outputs: counts 1-7 as *, others rounded to 5)",
                  text));
}

std::string_view AudienceName(Audience audience) {
  return audience == Audience::kNational ? "national" : "public";
}

std::string ControlledCount::Text() const { return value ? fmt::format("{}", *value) : "*"; }

bool Controls(Audience audience, const DisclosurePolicy& policy) {
  return audience == Audience::kPublic || policy.control_national;
}

int64_t RoundToBase(int64_t value, int64_t base) {
  if (base <= 1) return value;
  const int64_t magnitude = value < 0 ? -value : value;
  const int64_t rounded = (magnitude + base / 2) / base * base;
  return value < 0 ? -rounded : rounded;
}

ControlledCount ControlCount(int64_t count, Audience audience, const DisclosurePolicy& policy) {
  if (!Controls(audience, policy) || count <= 0) return {count};
  if (count <= policy.suppress_max) return {std::nullopt};
  return {RoundToBase(count, policy.rounding_base)};
}

std::string ControlledPercentage::Text() const {
  return value ? fmt::format("{:.{}f}", *value, decimals) : "*";
}

ControlledPercentage ControlPercentage(int64_t numerator, int64_t denominator, Audience audience,
                                       const DisclosurePolicy& policy) {
  const ControlledCount num = ControlCount(numerator, audience, policy);
  const ControlledCount den = ControlCount(denominator, audience, policy);
  if (num.suppressed() || den.suppressed() || *den.value <= 0) return {std::nullopt, 0};
  const int decimals =
      !Controls(audience, policy) || *den.value >= policy.one_decimal_min_denominator ? 1 : 0;
  return {100.0 * static_cast<double>(*num.value) / static_cast<double>(*den.value), decimals};
}

bool SuppressesDerived(int64_t contributing, Audience audience, const DisclosurePolicy& policy) {
  return Controls(audience, policy) && contributing > 0 && contributing <= policy.suppress_max;
}

}  // namespace orp::stats
