// Label dates: GS1 YYMMDD (day 00 = the month's last day) and the sliding century both GS1
// and HIBC two-digit years need. Internal to udi/.
#pragma once

#include <string_view>

#include "orp/core/date.h"
#include "orp/core/result.h"

namespace orp::udi {

// The full year for a two-digit year on a label read on `today` (GS1 GenSpecs §7.12):
// diff = yy - (this year mod 100); diff >= 51 is last century, diff <= -50 next century,
// otherwise this century. In 2026: 77-99 -> 1977-1999, 00-76 -> 2000-2076.
int ResolveCentury(int yy, Date today);

// Six digits YYMMDD. Day 00 means the last day of the month. kInvalidArgument with a message
// such as "month 13 does not exist" or "day 30 is not in February 2026".
Result<Date> ParseYymmdd(std::string_view digits, Date today);

// Julian YYJJJ (HIBC): day of year 001-365/366.
Result<Date> ParseYyjjj(std::string_view digits, Date today);

// Eight digits YYYYMMDD (HIBC supplemental /14D, /16D); no day 00.
Result<Date> ParseYyyymmdd(std::string_view digits);

// Year, month, day as read (day 00 allowed as the month's last day); validates the calendar.
Result<Date> MakeLabelDate(int year, int month, int day);

// Value of `count` ASCII digits at `pos`, or -1 when any is not a digit or out of range.
int ReadNumber(std::string_view text, size_t pos, size_t count);

}  // namespace orp::udi
