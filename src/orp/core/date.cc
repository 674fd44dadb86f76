#include "orp/core/date.h"

#include <fmt/format.h>

namespace orp {
namespace {

bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

}  // namespace

Result<Date> ParseIsoDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, &y) ||
      !ReadDigits(text, 5, 2, &m) || !ReadDigits(text, 8, 2, &d)) {
    return InvalidArgument(fmt::format("'{}' is not a date in the form YYYY-MM-DD", text));
  }
  if (y < 1800 || y > 2999) {
    return InvalidArgument(fmt::format("{}: year {} is outside 1800-2999", text, y));
  }
  if (m < 1 || m > 12) {
    return InvalidArgument(fmt::format("{}: month {} does not exist", text, m));
  }
  std::chrono::year_month_day_last last{std::chrono::year{y} / std::chrono::month{unsigned(m)} /
                                        std::chrono::last};
  unsigned last_day = unsigned(last.day());
  if (d < 1 || unsigned(d) > last_day) {
    return InvalidArgument(
        fmt::format("{}: {} {} has {} days", text, kMonthNames[m - 1], y, last_day));
  }
  return Date{std::chrono::year{y} / std::chrono::month{unsigned(m)} /
              std::chrono::day{unsigned(d)}};
}

std::string FormatIsoDate(Date date) {
  std::chrono::year_month_day ymd{date};
  return fmt::format("{:04d}-{:02d}-{:02d}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

std::string FormatIsoInstant(std::chrono::sys_seconds at) {
  const Date day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::hh_mm_ss time{at - day};
  return fmt::format("{}T{:02d}:{:02d}:{:02d}Z", FormatIsoDate(day), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

Date TodayUtc() { return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()); }

int WholeYearsBetween(Date from, Date to) {
  std::chrono::year_month_day a{from}, b{to};
  int years = int(b.year()) - int(a.year());
  if (b.month() < a.month() || (b.month() == a.month() && b.day() < a.day())) --years;
  return years;
}

}  // namespace orp
