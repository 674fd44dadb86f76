// Recall criteria: which implants a recall covers — device models (by UDI-DI or by catalogue
// number through the catalogue), lots, serial ranges, and expiry, production and implant date
// windows, in any combination. Every list is "any of"; the kinds combine with "and". A recall
// must name at least one device model: a field safety notice always does, and it keeps the
// cohort query on the device index.
//
// Serial ranges compare in one of two orders:
//   natural  runs of digits compare by number ("SN9" < "SN10", "0042" = "42" then by length),
//            other runs byte by byte — right for the usual prefix + counter serials
//   text     byte by byte (lexicographic), for serials whose digits are not counters
// Both bounds are inclusive. Dates are inclusive civil days; a window with neither bound is
// absent. An implant with no expiry (or no production date on its label) never matches that
// window.
//
// The JSON form (the API's body, the stored campaign's criteria):
//   {"devices": ["09506000134352"], "catalogue_numbers": ["REF-1"], "lots": ["L1"],
//    "serials": [{"from": "SN0001", "to": "SN0100", "order": "natural"}],
//    "expiry": {"from": "2026-01-01", "to": "2026-12-31"},
//    "production": {...}, "implanted": {...}}
// Every member is optional except that a device is required; unknown members are errors.
//
// Errors: kInvalidArgument naming the field ("criteria.serials[1].from"), the rule and the
// value. Thread safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"

namespace orp::recall {

enum class SerialOrder { kNatural, kText };

struct SerialRange {
  std::string from;
  std::string to;
  SerialOrder order = SerialOrder::kNatural;
  friend bool operator==(const SerialRange&, const SerialRange&) = default;
};

struct DateWindow {
  std::optional<Date> from;
  std::optional<Date> to;
  bool set() const { return from.has_value() || to.has_value(); }
  bool Contains(Date day) const { return (!from || day >= *from) && (!to || day <= *to); }
  friend bool operator==(const DateWindow&, const DateWindow&) = default;
};

struct Criteria {
  std::vector<std::string> device_ids;  // normalised UDI-DIs (GTIN-14 digits, HIBCC LIC+PCN+U/M)
  std::vector<std::string> catalogue_numbers;  // REF, matched exactly in the catalogue
  std::vector<std::string> lots;
  std::vector<SerialRange> serials;
  DateWindow expiry;
  DateWindow production;
  DateWindow implanted;
  friend bool operator==(const Criteria&, const Criteria&) = default;
};

// "natural" | "text"; kInvalidArgument naming `field` and the choices.
Result<SerialOrder> ParseSerialOrder(std::string_view text, std::string_view field);
std::string_view SerialOrderName(SerialOrder order);

// Normalises the DIs (a GTIN-8/12/13 becomes 14 digits, a leading '+' of a HIBCC DI goes) and
// checks every rule; the error names the first broken one.
Result<Criteria> Validate(Criteria criteria);

// Parses and validates the JSON form.
Result<Criteria> ParseCriteriaJson(std::string_view json);
// The canonical JSON form (members in the order above, absent ones left out); parses back equal.
std::string CriteriaJson(const Criteria& criteria);

// <0, 0, >0 as `a` sorts before, with, after `b` in natural order.
int CompareNatural(std::string_view a, std::string_view b);
bool InSerialRange(std::string_view serial, const SerialRange& range);
// True when `serial` is in any range (or there are none).
bool MatchesSerials(std::string_view serial, const std::vector<SerialRange>& ranges);

}  // namespace orp::recall
