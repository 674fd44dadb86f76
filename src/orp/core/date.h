// Calendar dates as std::chrono::sys_days, and the one ISO 8601 (YYYY-MM-DD) codec ORP uses.
//
// Registry dates are civil dates with no time zone: a procedure "on 2024-03-01" is that day
// wherever it is read. Durations between dates are std::chrono::days.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp {

using Date = std::chrono::sys_days;

// Days in a year of follow-up: times asked in years, person-years, curves drawn in years
// (statistics.md §1).
inline constexpr double kDaysPerYear = 365.25;

// Parses exactly "YYYY-MM-DD" (a real calendar day, years 1800–2999). Error kInvalidArgument
// with a message naming the text and what is wrong ("2026-02-30: February 2026 has 28 days").
Result<Date> ParseIsoDate(std::string_view text);

// "YYYY-MM-DD".
std::string FormatIsoDate(Date date);

// An instant in UTC to the second: "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatIsoInstant(std::chrono::sys_seconds at);

// Today's date in UTC, from the system clock.
Date TodayUtc();

// Whole years from `from` to `to` (age on a date): the number of birthdays passed.
int WholeYearsBetween(Date from, Date to);

}  // namespace orp
